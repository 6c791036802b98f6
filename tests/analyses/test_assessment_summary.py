"""The evidence beside an assessment comes from the workspace through the existing use cases,
and the summary's exports carry the spread, the weakest link, the evidence and contradiction
flags and the linked indicators, but never an average of ordinal ratings or a ranking."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from assessment_helpers import HINST_QUICK, LEVELS, agree_some, run_individual_round
from healthgap.analyses import (
    WorkspaceSource,
    add_action,
    assessment_summary,
    change_action_status,
    gather_evidence,
    open_consensus,
    plan_scenario,
    rating_sheet,
    start_assessment,
)
from healthgap.reports.assessment_exports import assessment_export, write_assessment_exports
from healthgap.scenarios import load_scenario
from healthgap.store import Database
from healthgap.store.accounts import use_password_hasher

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "examples" / "scenarios" / "deprived_quintile_demo_la.yaml"
BANNED = ("mean", "average", "avg", "median", "total", "score", "rank")


@pytest.fixture(scope="module", autouse=True)
def cheap_hashing() -> Iterator[None]:
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    yield
    use_password_hasher(PasswordHasher())


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> WorkspaceSource:
    from healthgap.datasets import build_demo_workspace

    path = tmp_path_factory.mktemp("demo") / "demo"
    build_demo_workspace(path, size="small")
    return WorkspaceSource.open(path)


@pytest.fixture(scope="module")
def la(source: WorkspaceSource) -> str:
    areas = source.areas()
    return str(areas.loc[areas["level"] == "la", "area_code"].iloc[0])


@pytest.fixture(scope="module")
def plan(source: WorkspaceSource):  # noqa: ANN201
    return plan_scenario(source, load_scenario(SCENARIO), rank=False)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'assess.db'}")
    yield db
    db.dispose()


def test_evidence_comes_from_the_profile_explain_and_plan_use_cases(
    source: WorkspaceSource, la: str, plan
) -> None:  # noqa: ANN001
    evidence = gather_evidence(source, area=la, period="2025", plan=plan, plan_name="demo plan")
    data = evidence.data
    assert evidence.period == "2022-24" and evidence.synthetic
    assert "no data for 2025" in evidence.notes[0]
    assert set(data.life_expectancy["sex"]) == {"male", "female"}
    assert data.comparison["benchmark_label"].str.contains("Synthetic England").all()
    assert "least minus most deprived" in data.deprivation_gap["statistic"].iloc[0]
    assert evidence.comparison.startswith("most deprived fifth of")
    assert set(data.plan) == {"interventions", "gap"}
    outside = gather_evidence(source, area="E54000008")
    assert outside.data.life_expectancy is None and "holds no area" in outside.notes[0]
    smallest = source.areas().query("level == 'lsoa'")["area_code"].iloc[0]
    assert gather_evidence(source, area=smallest).comparison.endswith("(SYNTHETIC demo country)")


def test_rating_sheet_shows_the_data_and_flags_a_contradiction(
    database: Database, source: WorkspaceSource, la: str, plan
) -> None:  # noqa: ANN001
    workshop = run_individual_round(database, place=la, source=source)
    evidence = gather_evidence(source, area=la, plan=plan)
    sheet = rating_sheet(
        database, workshop.assessment_id, user_id=workshop.users["bob"], evidence=evidence
    )
    shown = sheet.summary["evidence"]
    assert {r["indicator"] for r in shown["known_needs"]} == {
        "life_expectancy",
        "comparator_gap",
        "deprivation_gap",
        "gap_contributions",
    }
    assert all(r["available"] for r in shown["known_needs"])
    # bob rated service volumes "Exemplary" (top band) while the plan reaches a small share
    flags = sheet.summary["flags"]["service_volumes"]
    assert [f["rule"] for f in flags] == ["volumes_shortfall"]
    assert "of its gap-reduction target" in flags[0]["message"]
    assert sheet.summary["sheet"][0]["prompt"].endswith("?")
    assert "Synthetic District" in sheet.summary["sheet"][0]["prompt"]


def test_tool_a_data_steps_are_pre_filled(database: Database, source: WorkspaceSource, la: str):
    workshop = run_individual_round(database, place=la, source=source)
    started = start_assessment(
        database,
        user_id=workshop.users["fac"],
        framework="pit_tool_a",
        place=la,
        topic="CVD",
        period="2025",
        source=source,
    )
    aid = started.summary["assessment_id"]
    evidence = gather_evidence(source, area=la)
    steps = rating_sheet(database, aid, user_id=workshop.users["fac"], evidence=evidence).table(
        "data_steps"
    )
    status = steps.drop_duplicates("step").set_index("step")["status"]
    assert status.tolist() == ["pre-filled"] * 4 + ["gather locally"]
    open_consensus(database, aid, user_id=workshop.users["fac"])
    summary = assessment_summary(database, aid, user_id=workshop.users["fac"], evidence=evidence)
    assert len(summary.summary["data_steps"]) == len(steps)


def _full_workshop(database: Database, source: WorkspaceSource, la: str, plan):  # noqa: ANN001, ANN202
    workshop = run_individual_round(database, place=la, source=source)
    agree_some(workshop)
    aid, fac = workshop.assessment_id, workshop.users["fac"]
    added = add_action(
        database,
        aid,
        user_id=fac,
        item_id="informed_choice",
        text="Publish CVD information in the five main community languages",
        owner_role="Head of communications",
        due="2031-03-31",
    )
    change_action_status(
        database,
        aid,
        added.summary["action_id"],
        user_id=fac,
        status="in_progress",
        note="translations ordered",
    )
    evidence = gather_evidence(source, area=la, plan=plan, plan_name="demo plan")
    return workshop, assessment_summary(database, aid, user_id=fac, evidence=evidence)


def _averages() -> set[float]:
    """Means of the participants' ratings per item and overall that are not whole numbers
    (what an average hidden in an export would look like), to 1, 2 and 6 decimals."""
    rows = [
        (item, int(level))
        for levels in LEVELS.values()
        for item, level in zip(HINST_QUICK, levels, strict=True)
        if level.isdigit()
    ]
    frame = pd.DataFrame(rows, columns=["item", "level"])
    means = set(frame.groupby("item")["level"].mean()) | {frame["level"].mean()}
    fractional = {m for m in means if m != int(m)}
    assert len(fractional) >= 5  # the check below can catch an average
    return {round(m, d) for m in fractional for d in (1, 2, 6)}


def test_exports_carry_spread_weakest_link_flags_and_indicators_but_no_average(
    database: Database, source: WorkspaceSource, la: str, plan, tmp_path: Path
) -> None:  # noqa: ANN001
    _, bundle = _full_workshop(database, source, la, plan)
    written = write_assessment_exports(bundle, tmp_path)
    assert sorted(p.suffix for p in written) == [".csv", ".html", ".json", ".xlsx"]
    items = pd.read_csv(io.StringIO(assessment_export(bundle, "csv").decode()))
    row = items.set_index("item_id").loc["service_volumes"]
    assert row["counts"] == "Not in place: 0; Early: 0; Developing: 0; Established: 1; Exemplary: 2"
    assert (row["lowest_label"], row["highest_label"]) == ("Established", "Exemplary")
    assert "gap-reduction target" in row["flags"]
    assert row["linked_indicators"] == "intervention_volumes"
    assert (
        items.set_index("item_id").loc[["informed_choice", "accessibility"], "weakest_link"].all()
    )
    assert items["evidence_flags"].sum() > 0 and items["data_contradictions"].sum() > 0
    body = json.loads(assessment_export(bundle, "json"))
    assert {"weakest_link", "flags", "evidence", "heatmap", "radar_table", "provenance"} <= set(
        body["tables"]
    )
    assert {r["indicator"] for r in body["tables"]["evidence"]} >= {
        "life_expectancy",
        "intervention_volumes",
    }
    workbook = pd.read_excel(io.BytesIO(assessment_export(bundle, "xlsx")), sheet_name=None)
    assert workbook["items"]["weakest_link"].sum() == 2
    html = assessment_export(bundle, "html").decode()
    for text in (
        "The weakest link",
        "Informed choice",
        "Flags to discuss",
        "gap-reduction target",
        "Planned intervention volumes",
        "Action plan",
        "SYNTHETIC",
    ):
        assert text in html, text
    assert html.count("<img ") == html.count(" as a table</caption>") == 2  # radar, heatmap
    averages = _averages()
    # the place's data (life expectancy, gaps) are not ratings: a value there may equal an
    # average to one decimal by chance, so the check reads the rest of the summary
    about_ratings = html[: html.index('id="data"')] + html[html.index('id="actions"') :]
    numbers = {float(n) for n in re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", about_ratings)}
    numbers |= {round(float(v), 6) for v in items.select_dtypes("number").stack()}
    numbers |= {
        round(float(v), 6)
        for sheet in workbook.values()
        for v in sheet.select_dtypes("number").stack()
        if v == v
    }
    numbers |= {round(v, 6) for v in _json_numbers(body)}
    assert not numbers & averages
    for name, sheet in workbook.items():
        assert not [c for c in sheet.columns if any(w in str(c).lower() for w in BANNED)], name


def _json_numbers(value: object) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _json_numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _json_numbers(v)]
    return []


def test_heatmap_rows_keep_the_order_assessed_and_skip_open_rounds(
    database: Database, source: WorkspaceSource, la: str, plan
) -> None:  # noqa: ANN001
    first, _ = _full_workshop(database, source, la, plan)
    second = run_individual_round(database, place=la, source=source, topic="tobacco")
    agree_some(second)
    run_individual_round(database, place=la, source=source, topic="alcohol")  # still rating
    bundle = assessment_summary(database, first.assessment_id, user_id=first.users["ann"])
    heatmap = bundle.table("heatmap")
    assert list(dict.fromkeys(heatmap["row_label"])) == ["CVD", "tobacco"]
    assert bundle.summary["readable"]["heatmap"][0]["row_label"] == "CVD"
    assert "heatmap_places" not in bundle.charts  # one place: nothing to set beside it


def test_places_on_one_topic_side_by_side_in_the_order_assessed(
    database: Database, source: WorkspaceSource, la: str
) -> None:
    areas = source.areas()
    other = str(areas.loc[areas["level"] == "ward", "area_code"].iloc[0])  # any level
    earlier = run_individual_round(database, place=other, source=source)
    agree_some(earlier)
    first = run_individual_round(database, place=la, source=source)
    agree_some(first)
    later = run_individual_round(database, place=other, source=source, topic="cvd")
    agree_some(later)  # the same topic, spelt otherwise: replaces the earlier row of ``other``
    tobacco = run_individual_round(database, place=la, source=source, topic="tobacco")
    agree_some(tobacco)  # another topic: not a place on this one
    run_individual_round(database, place=other, source=source, topic="CVD")  # still rating
    bundle = assessment_summary(database, first.assessment_id, user_id=first.users["ann"])
    places = bundle.table("heatmap_places")
    assert list(dict.fromkeys(places["place_code"])) == [la, other]
    assert set(places.loc[places["place_code"] == other, "topic"]) == {"cvd"}
    readable = bundle.summary["readable"]["heatmap_places"]
    assert [row["place_label"] for row in readable] == list(dict.fromkeys(places["row_label"]))
    assert "heatmap_places" in bundle.charts
    html = assessment_export(bundle, "html").decode()
    assert "Places assessed on this topic" in html and '<th scope="col">Place</th>' in html
    body = json.loads(assessment_export(bundle, "json"))
    assert {"heatmap_places", "heatmap_places_table"} <= set(body["tables"])
