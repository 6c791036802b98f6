"""Outputs: action plan and its history, radar profile, heatmap (no ranking), triangle, and
the CSV / XLSX / JSON exports (spread, weakest link, flags, indicators; never an average)."""

from __future__ import annotations

import io
import json
import math
from datetime import date, datetime

import pandas as pd
import pytest

from healthgap.assessment import (
    Action,
    AreaData,
    Assessment,
    Consensus,
    Participant,
    Rating,
    Scope,
    StatusChange,
    action_plan_table,
    action_status_timeline,
    assessment_report,
    check_action,
    heatmap_table,
    profile_table,
    report_csv,
    report_json,
    report_xlsx,
    shipped_catalogue,
    triangle_table,
)
from healthgap.errors import InputError

CATALOGUE = shipped_catalogue()
HINST = CATALOGUE.get("hinst_cbo")
AREAS = [item.id for item in HINST.top_items()]


def _workshop() -> Assessment:
    """Three people rate the 12 areas; several items' means are not whole numbers, so an
    average hidden in an export would show up (see the test)."""
    levels = {
        "ann": [1, 2, 4, 0, 3, 1, 2, 4, 1, 3, 4, 0],
        "bob": [2, 4, 4, 1, 3, 2, 2, 3, 0, 3, 4, 1],
        "cat": [4, 4, 3, 0, 0, 2, 3, 3, 0, 1, 3, 1],
    }
    ratings = tuple(
        Rating(person, item, str(level), rationale="because",
               evidence=("JSNA 2024",) if person == "ann" else ())
        for person, row in levels.items() for item, level in zip(AREAS, row, strict=True)
    )  # fmt: skip
    agreed = [2, 4, 4, 0, 2, 2, 2, 3, 0, 3, 3, 1]
    consensus = tuple(Consensus(item, str(level), "discussed", target=str(min(level + 1, 4)))
                      for item, level in zip(AREAS, agreed, strict=True))  # fmt: skip
    actions = (
        Action("service_volumes", "Invite 2,000 more people a year to NHS Health Checks",
               "Director of public health", date(2026, 3, 31), "in_progress",
               "intervention_volumes", id=1),
        Action("known_needs", "Publish expected against recorded CVD prevalence by GP",
               "Public health analyst", date(2025, 9, 30), "done", "life_expectancy", id=2),
    )  # fmt: skip
    history = (
        StatusChange(1, "not_started", datetime(2025, 1, 10)),
        StatusChange(2, "not_started", datetime(2025, 1, 10)),
        StatusChange(2, "in_progress", datetime(2025, 3, 1)),
        StatusChange(1, "in_progress", datetime(2025, 4, 2)),
        StatusChange(2, "done", datetime(2025, 9, 20)),
    )  # fmt: skip
    people = tuple(Participant(p, p.title()) for p in levels)
    return Assessment("hinst_cbo", "1.0", Scope("E06000001", "CVD", "2025"), "quick",
                      participants=people, ratings=ratings, consensus=consensus,
                      actions=actions, history=history, round="closed")  # fmt: skip


def test_action_must_be_smart_and_linked() -> None:
    vague = Action("nothing", "Do more", " ", None, "someday", "gdp")  # type: ignore[arg-type]
    with pytest.raises(InputError) as caught:
        check_action(HINST, vague)
    assert {p.rule for p in caught.value.problems} == {
        "unknown_item", "action_too_vague", "missing_owner_role", "missing_due_date",
        "unknown_indicator", "unknown_status",
    }  # fmt: skip
    late = Action("known_needs", "Publish the CVD needs profile", "Analyst", date(2025, 1, 1))
    with pytest.raises(InputError) as caught:
        check_action(HINST, late, today=date(2025, 6, 1))
    assert caught.value.problems[0].rule == "due_date_past"


def test_plan_in_framework_order_with_overdue_and_timeline() -> None:
    done = _workshop()
    plan = action_plan_table(HINST, done.actions, as_of=date(2026, 6, 1))
    assert plan["item_id"].tolist() == ["known_needs", "service_volumes"]
    assert plan["overdue"].tolist() == [False, True]
    timeline = action_status_timeline(done.history)
    on = timeline[timeline["date"] == date(2025, 4, 2)].set_index("status")["actions"]
    assert on.to_dict() == {"not_started": 0, "in_progress": 2, "done": 0}
    last = timeline[timeline["date"] == date(2025, 9, 20)].set_index("status")["actions"]
    assert last.to_dict() == {"not_started": 0, "in_progress": 1, "done": 1}


def test_profile_has_current_target_previous_and_the_individual_range() -> None:
    done = _workshop()
    before = Assessment("hinst_cbo", "1.0", done.scope, "quick",
                        consensus=(Consensus("known_needs", "1", "last year"),))  # fmt: skip
    profile = profile_table(HINST, done, before).set_index(["profile", "item_id"])
    need = profile.loc[("current", "known_needs")]
    assert (need["level_label"], need["lowest_position"], need["highest_position"]) == (
        "Developing", 1, 4)  # fmt: skip
    assert profile.loc[("target", "known_needs"), "level_label"] == "Established"
    assert profile.loc[("previous", "known_needs"), "level_label"] == "Early"
    assert profile.loc[("previous", "expressed_demand"), "level_label"] == ""


def test_heatmap_keeps_the_given_row_order_and_has_no_totals() -> None:
    done = _workshop()
    low = Assessment("hinst_cbo", "1.0", Scope("E06000001", "Tobacco", "2025"), "quick",
                     consensus=tuple(Consensus(i, "0", "x") for i in AREAS))  # fmt: skip
    high = Assessment("hinst_cbo", "1.0", Scope("E06000001", "Alcohol", "2025"), "quick",
                      consensus=tuple(Consensus(i, "4", "x") for i in AREAS))  # fmt: skip
    for order in ([low, done, high], [high, low, done]):
        cells = heatmap_table(HINST, order)
        assert list(dict.fromkeys(cells["row_label"])) == [a.scope.topic for a in order]
        assert len(cells) == 3 * 12
    assert not any("total" in c or "mean" in c or "rank" in c for c in cells.columns)
    with pytest.raises(InputError):
        heatmap_table(HINST, [Assessment("pots", "1.0", done.scope, "all")])


def test_triangle_needs_the_seven_positions() -> None:
    pit = CATALOGUE.get("pit")
    table = triangle_table(pit, Assessment("pit", "1.0", Scope("E06000001", "CVD", "2025"), "all"))
    assert len(table) == 7 and set(table["level_label"]) == {"Not yet agreed"}
    with pytest.raises(InputError):
        triangle_table(HINST, _workshop())


def _numbers(value: object) -> list[float]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return []
    return [float(value)]


def test_exports_carry_spread_weakest_link_flags_and_indicators() -> None:
    le = pd.DataFrame(
        {
            "area_code": ["E06000001"],
            "sex": ["persons"],
            "period": ["2022-24"],
            "age_start": [0],
            "value": [78.1],
            "lowercl": [77.6],
            "uppercl": [78.6],
        }
    )
    report = assessment_report(HINST, _workshop(), data=AreaData("E06000001",
                               life_expectancy=le, synthetic=True))  # fmt: skip
    items = pd.read_csv(io.StringIO(report_csv(report)))
    assert items["data_note"].str.startswith("SYNTHETIC").all()
    need = items.set_index("item_id").loc["known_needs"]
    assert (
        need["counts"] == "Not in place: 0; Early: 1; Developing: 1; Established: 0; Exemplary: 1"
    )
    assert (need["lowest_label"], need["highest_label"], bool(need["disagreement"])) == (
        "Early", "Exemplary", True)  # fmt: skip
    assert "life_expectancy" in need["linked_indicators"] and need["evidence_flags"] == 2
    weakest = items[items["weakest_link"]]["item_name"].tolist()
    assert weakest == ["Responsive services", "Accessibility"]
    body = json.loads(report_json(report))
    assert [r["item_name"] for r in body["tables"]["weakest_link"]] == weakest
    assert {f["rule"] for f in body["tables"]["flags"]} == {"no_evidence"}
    assert body["tables"]["evidence"][0]["value"] == 78.1
    assert body["synthetic"] is True
    assert body["tables"]["ratings"][0]["participant"].startswith("Participant ")
    workbook = pd.read_excel(io.BytesIO(report_xlsx(report)), sheet_name=None)
    assert list(workbook)[:3] == ["scope", "items", "counts"]
    assert workbook["items"]["weakest_link"].sum() == 2
    assert set(workbook["evidence"]["indicator"]) == {"life_expectancy", "intervention_volumes",
                                                     "comparator_gap", "deprivation_gap",
                                                     "gap_contributions"}  # fmt: skip


def test_no_export_contains_an_average_of_ordinal_ratings() -> None:
    done = _workshop()
    report = assessment_report(HINST, done)
    ratings = pd.DataFrame([(r.item_id, int(r.level)) for r in done.ratings],
                           columns=["item", "level"])  # fmt: skip
    averages = set(ratings.groupby("item")["level"].mean().round(6))
    averages |= {round(ratings["level"].mean(), 6)}
    assert any(a != int(a) for a in averages)  # the test can catch one
    banned = ("mean", "average", "avg", "score", "median", "total")
    body = json.loads(report_json(report))
    for name, rows in body["tables"].items():
        for column in rows[0] if rows else {}:
            assert not any(word in column.lower() for word in banned), (name, column)
    assert not {round(n, 6) for n in _numbers(body)} & {a for a in averages if a != int(a)}
    csv_numbers = pd.read_csv(io.StringIO(report_csv(report))).select_dtypes("number")
    assert not set(csv_numbers.round(6).stack()) & {a for a in averages if a != int(a)}
    workbook = pd.read_excel(io.BytesIO(report_xlsx(report)), sheet_name=None)
    for sheet in workbook.values():
        numbers = sheet.select_dtypes("number").stack()
        assert not {round(float(n), 6) for n in numbers if not math.isnan(n)} & {
            a for a in averages if a != int(a)}  # fmt: skip
        assert not any(word in str(c).lower() for c in sheet.columns for word in banned)


def test_named_participants_only_when_asked() -> None:
    report = assessment_report(HINST, _workshop(), anonymise=False)
    assert set(report.tables["ratings"]["participant"]) == {"Ann", "Bob", "Cat"}
