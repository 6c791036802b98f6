"""The insight use cases over the SYNTHETIC demo workspace: segmentation (new, repeated from
its record, stored, a licensed lookup), stages of change and the equity audit, each as the
same bundle the CLI writes and the web serves."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from healthgap.analyses import (
    IndicatorSource,
    WorkspaceSource,
    audit_service_equity,
    check_segment_names,
    check_stage_suggestion,
    import_segment_lookup,
    lookup_segmentation,
    repeat_segment_run,
    segment_areas,
    stored_segmentation,
    survey_stages,
)
from healthgap.data import write_workspace
from healthgap.datasets import build_demo_workspace
from healthgap.datasets.lifestyle_survey import SURVEY_STAGE_COLUMNS
from healthgap.datasets.service_use import EXPECTED_UNDER_USE
from healthgap.errors import InputError, SmallNumbersWarning
from healthgap.insight import ECOLOGICAL_NOTE, stage_shares
from healthgap.reports.outputs import bundle_file


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_workspace(tmp_path_factory.mktemp("demo") / "ws", "small").path


@pytest.fixture(scope="module")
def source(demo: Path) -> WorkspaceSource:
    return WorkspaceSource.open(demo)


@pytest.fixture(scope="module")
def run(source: WorkspaceSource):  # noqa: ANN201
    return segment_areas(source, seed=3)


def _labels(bundle) -> dict[str, str]:  # noqa: ANN001
    table = bundle.table("segments")
    return dict(zip(table["area_code"], table["segment"].astype(str), strict=True))


def test_the_demo_workspace_holds_every_insight_table(source: WorkspaceSource) -> None:
    for table in (
        "area_indicators",
        "area_deprivation",
        "lifestyle_survey",
        "service_need",
        "service_activity",
        "area_boundaries",
    ):
        assert source.has(table), table


def test_segmentation_profiles_names_cards_and_map(run) -> None:  # noqa: ANN001
    summary = run.summary
    assert run.synthetic
    assert 3 <= summary["n_segments"] <= 10 and summary["n_areas"] == 103
    assert summary["stability"] > 0.75 and summary["seed"] == 3
    assert set(run.tables) >= {
        "segments",
        "summary",
        "profile",
        "names",
        "personas",
        "selection",
        "life_expectancy",
        "places",
    }
    assert {"profiles", "map"} <= set(run.charts)
    assert summary["map_level"] == "ward"  # one local authority: its wards are mapped
    assert len(summary["cards"]) == summary["n_segments"]
    assert all(card["note"] == ECOLOGICAL_NOTE for card in summary["cards"])
    # the population shares of the segments add up to the whole
    assert run.table("summary")["population_share"].sum() == pytest.approx(1.0)
    # every segment table says that segments describe areas, not people
    for name in ("segments", "summary", "profile", "personas", "places"):
        assert (run.table(name)["ecological_note"] == ECOLOGICAL_NOTE).all(), name
    csv = bundle_file(run, "summary", "csv").decode()
    assert "ecological fallacy" in csv and "SYNTHETIC" in csv
    chart = run.chart("map")
    assert "SYNTHETIC" in " ".join(chart["title"]["subtitle"])


def test_a_run_is_repeated_exactly_from_its_record(source: WorkspaceSource, run) -> None:  # noqa: ANN001
    record = json.loads(
        json.dumps({"inputs": run.summary["inputs"], "record": run.summary["record"]})
    )
    again = repeat_segment_run(source, inputs=record["inputs"], record=record["record"])
    assert _labels(again) == _labels(run)
    assert again.summary["stability"] == pytest.approx(run.summary["stability"])


def test_repeating_on_changed_inputs_is_refused(demo: Path, run, tmp_path: Path) -> None:  # noqa: ANN001
    source = WorkspaceSource.open(demo)
    indicators = source.read("area_indicators", None, None).copy()
    indicators.loc[0, "Crime_score"] += 1.0
    tables = {
        name: WorkspaceSource.open(demo).workspace.read(name)
        for name in ("areas", "population", "deaths", "area_indicators")
    }
    tables["area_indicators"] = indicators
    changed = WorkspaceSource.open(write_workspace(tmp_path / "changed", tables))
    with pytest.raises(InputError) as caught:
        repeat_segment_run(changed, inputs=run.summary["inputs"], record=run.summary["record"])
    assert caught.value.problems[0].rule == "inputs_changed"


def test_a_stored_run_shows_its_own_segments_and_names(source: WorkspaceSource, run) -> None:  # noqa: ANN001
    names = [dict(n, name=f"Place type {n['segment']}") for n in run.summary["names"]]
    shown = stored_segmentation(
        source,
        kind="open",
        labels=_labels(run),
        names=names,
        inputs=run.summary["inputs"],
        record=run.summary["record"],
        method=run.summary["method"],
        seed=3,
        quality=run.summary["quality"],
    )
    assert _labels(shown) == _labels(run)
    assert shown.table("names")["name"].tolist() == [n["name"] for n in names]
    assert shown.table("selection")["k"].tolist() == run.table("selection")["k"].tolist()
    assert shown.warnings == ()


def test_segment_names_are_checked(run) -> None:  # noqa: ANN001
    names = run.summary["names"]
    checked = check_segment_names(names, {"1": "  Town centres "})
    assert checked["1"] == "Town centres"
    with pytest.raises(InputError) as caught:
        check_segment_names(names, {"1": "Same", "2": "same", "3": ""})
    assert {p.rule for p in caught.value.problems} == {"duplicate_name", "empty_name"}


def test_fixed_number_of_segments_and_ward_method(source: WorkspaceSource) -> None:
    bundle = segment_areas(
        source,
        n_segments=4,
        method="ward",
        weights="none",
        seed=1,
        indicators=[IndicatorSource(columns=("Income_score", "Crime_score", "Health_score"))],
    )
    assert bundle.summary["n_segments"] == 4
    assert bundle.summary["inputs"]["weights"] == "none"
    assert set(bundle.table("profile")["indicator"]) == {
        "Income_score",
        "Crime_score",
        "Health_score",
    }


def test_a_licensed_lookup_is_checked_and_used_like_a_run(
    source: WorkspaceSource,
    run,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    labels = run.table("segments")
    licensed = pd.DataFrame(
        {
            "lsoa_code": labels["area_code"],
            "segment_code": "T" + labels["segment"].astype(str),
            "segment_name": "Type " + labels["segment"].astype(str),
        }
    )
    path = tmp_path / "licensed.csv"
    licensed.to_csv(path, index=False)
    with pytest.raises(InputError) as caught:
        import_segment_lookup(path, key_type="lsoa", version="", classification="X")
    assert caught.value.problems[0].rule == "missing_version"
    lookup = import_segment_lookup(path, key_type="lsoa", version="2024.1", classification="X")
    bundle = lookup_segmentation(source, lookup)
    assert bundle.summary["kind"] == "lookup"
    assert bundle.summary["record"]["version"] == "2024.1"
    assert bundle.summary["record"]["content_hash"] == lookup.content_hash
    assert set(bundle.table("names")["name"]) == {f"Type {s}" for s in labels["segment"]}
    assert "profile" in bundle.tables  # profiled on the workspace's own indicators


def test_stage_shares_match_the_core_estimate(source: WorkspaceSource, run) -> None:  # noqa: ANN001
    bundle = survey_stages(source, segments=_labels(run), names=run.summary["names"])
    survey = source.read("lifestyle_survey", None, None)
    survey = survey.assign(segment=survey["area_code"].map(_labels(run)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumbersWarning)
        direct = stage_shares(survey, stages=SURVEY_STAGE_COLUMNS, strata="stratum", psu="psu")
    shares = bundle.table("shares").set_index(["segment", "behaviour", "stage"])
    direct = direct.assign(segment=direct["segment"].astype(str), stage=direct["stage"].astype(str))
    expected = direct.set_index(["segment", "behaviour", "stage"])["value"]
    pd.testing.assert_series_equal(
        shares["value"].sort_index(), expected.sort_index(), check_names=False
    )
    assert set(bundle.summary["behaviours"]) == set(SURVEY_STAGE_COLUMNS)
    assert bundle.summary["note"].startswith("Stages of change are a communication aid")
    assert {f"heatmap_{b}" for b in SURVEY_STAGE_COLUMNS} <= set(bundle.charts)


def test_small_cells_are_flagged_and_suppressed_in_files(source: WorkspaceSource) -> None:
    bundle = survey_stages(source, by="deprivation_quintile", min_respondents=500)
    assert bundle.summary["small_cells"]  # no fifth has 500 answers to every question
    assert any("SmallNumbersWarning" in w for w in bundle.warnings)
    text = bundle_file(bundle, "shares", "csv").decode()
    assert "respondents suppressed (1-7)" in text or "rate not shown" in text


def test_team_suggestions_replace_the_defaults(source: WorkspaceSource) -> None:
    edit = {
        "segment": "1",
        "behaviour": "smoking",
        "stage": "preparation",
        "offer": "Walk-in quit clinic on Fridays",
    }
    bundle = survey_stages(source, by="deprivation_quintile", suggestions=[edit])
    matrix = bundle.table("matrix_smoking").set_index(["segment", "stage"])
    assert matrix.loc[("1", "preparation"), "offer"] == "Walk-in quit clinic on Fridays"
    assert matrix.loc[("2", "preparation"), "offer"] != "Walk-in quit clinic on Fridays"
    with pytest.raises(InputError) as caught:
        check_stage_suggestion("1", "smoking", "preparation", message="  ")
    assert caught.value.problems[0].rule == "empty_text"


@pytest.mark.parametrize("service", sorted(EXPECTED_UNDER_USE))
def test_the_equity_audit_finds_the_groups_built_in(source: WorkspaceSource, service: str) -> None:
    bundle = audit_service_equity(source, service=service, sii_repetitions=1000)
    flagged: dict[str, set[str]] = {}
    for row in bundle.summary["flagged"]:
        flagged.setdefault(row["grouping"], set()).add(row["category"])
    assert flagged == EXPECTED_UNDER_USE[service]
    assert len(bundle.summary["findings"]) == sum(len(v) for v in flagged.values())
    assert {"funnel", f"uptake_{next(iter(flagged))}"} <= set(bundle.charts)
    groupings = {g["key"] for g in bundle.summary["groupings"]}
    assert {
        "deprivation_quintile",
        "deprivation_decile",
        "ethnic_group",
        "ethnic_group_high_level",
        "age_band",
        "sex",
    } <= groupings


def test_an_equity_audit_of_one_area_and_its_files_are_controlled(
    source: WorkspaceSource,
) -> None:
    areas = source.areas()
    ward = str(areas.loc[areas["level"] == "ward", "area_code"].iloc[0])
    bundle = audit_service_equity(source, service="stop_smoking", area=ward, sii_repetitions=100)
    lsoas = set(areas.loc[areas["parent_ward"].astype(str) == ward, "area_code"].astype(str))
    assert set(bundle.table("funnel")["area_code"]) <= lsoas
    text = bundle_file(bundle, "uptake", "csv").decode()
    assert "activity suppressed (1-7)" in text or "activity rounded to nearest 5" in text


def test_an_audit_kept_as_a_job_result_reads_back_whole(
    source: WorkspaceSource, tmp_path: Path
) -> None:
    """The web keeps a background audit as a stored bundle (JSON summary): nothing the page
    shows may be lost on the way, NaN limits included."""
    from healthgap.reports.stored import load_bundle, save_bundle

    bundle = audit_service_equity(source, service="bowel_screening", sii_repetitions=1000)
    back = load_bundle(save_bundle(bundle, tmp_path / "job"))
    assert set(back.summary) == set(bundle.summary)
    intercept = next(r for r in back.summary["sii"] if r["measure"] == "intercept")
    assert intercept["lower95_0cl"] is None and intercept["value"] > 0
    assert set(back.tables) == set(bundle.tables) and set(back.charts) == set(bundle.charts)


def test_equity_audit_files_with_bad_rows_name_file_row_column_and_rule(
    source: WorkspaceSource, tmp_path: Path
) -> None:
    need = source.read("service_need", None, None)
    need = need[need["service"] == "bowel_screening"].head(200).drop(columns="service")
    need = need.astype(dict.fromkeys(("area_code", "ethnic_group", "age_band", "sex"), str))
    activity = need[["area_code", "ethnic_group", "age_band", "sex"]].assign(activity=5)
    activity.loc[activity.index[3], "ethnic_group"] = "Martian"
    activity.loc[activity.index[7], "activity"] = -2
    need.to_csv(tmp_path / "need.csv", index=False)
    activity.to_csv(tmp_path / "activity.csv", index=False)
    with pytest.raises(InputError) as caught:
        audit_service_equity(None, activity=tmp_path / "activity.csv", need=tmp_path / "need.csv")
    found = {(p.file, p.row, p.column, p.rule) for p in caught.value.problems}
    assert ("activity.csv", 5, "ethnic_group", "unknown_ethnic_group") in found
    assert ("activity.csv", 9, "activity", "negative_count") in found
