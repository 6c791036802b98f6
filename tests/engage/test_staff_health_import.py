"""Staff health files (CSV and XLSX, long or wide) are read all or nothing: rates over 100%,
missing months, unknown organisations and the rest are problems naming file, row, column and
rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from healthgap.datasets.mecc import generate_mecc_demo
from healthgap.engage.staff_health import STAFF_HEALTH_COLUMNS
from healthgap.engage.staff_health_import import read_staff_health, resolve_staff_health_layout
from healthgap.errors import InputError

ORGS = {"acute", "community", "primary", "council", "fire"}


def problems_of(path: Path, **options: object) -> list[tuple]:
    with pytest.raises(InputError) as caught:
        read_staff_health(path, organisations=ORGS, **options)  # type: ignore[arg-type]
    assert all(p.file == str(path) for p in caught.value.problems)
    return [(p.row, p.column, p.rule) for p in caught.value.problems]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_demo_series_round_trips_through_a_file(tmp_path: Path, suffix: str) -> None:
    demo = generate_mecc_demo()
    path = tmp_path / f"staff_health{suffix}"
    if suffix == ".csv":
        demo.staff_health.to_csv(path, index=False)
    else:
        demo.staff_health.to_excel(path, index=False)
    table = read_staff_health(path, organisations=ORGS)
    assert list(table.columns) == list(STAFF_HEALTH_COLUMNS)
    pd.testing.assert_frame_equal(table, demo.staff_health, check_dtype=False)


def test_a_wide_file_with_other_header_spellings(tmp_path: Path) -> None:
    path = tmp_path / "monthly.csv"
    path.write_text(
        "Org Code,Month,Sickness absence rate,staff_quit_smoking,food_no_checkout\n"
        "acute,Apr 2024,4.5,3,yes\n"
        "acute,2024-05-01,4.2,,not met\n",
        encoding="utf-8",
    )
    table = read_staff_health(path, organisations=ORGS)
    assert table[["period", "metric", "value"]].values.tolist() == [
        ["2024-04", "food_no_checkout", 1.0],
        ["2024-05", "food_no_checkout", 0.0],
        ["2024-04", "sickness_absence_rate", 4.5],
        ["2024-05", "sickness_absence_rate", 4.2],
        ["2024-04", "staff_quit_smoking", 3.0],
    ]


def test_every_rule_is_named_with_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "organisation,period,metric,numerator,denominator,value\n"
        "acute,2024-04,sickness_absence_rate,120,100,\n"  # 2: numerator above denominator
        "acute,2024-06,sickness_absence_rate,,,104\n"  # 3: over 100% (and May is missing)
        "ghost,2024-04,flu_vaccination_frontline,10,20,\n"  # 4: unknown organisation
        "acute,2024-13,flu_vaccination_frontline,10,20,\n"  # 5: not a month
        "acute,2024-04,happiness,,,5\n"  # 6: unknown metric
        "acute,2024-04,staff_quit_smoking,-1,,\n"  # 7: negative
        "acute,2024-04,food_no_checkout,,,maybe\n"  # 8: not met/not met, not a number
        "acute,2024-04,sickness_absence_rate,1,100,\n"  # 9: a second April figure
        "acute,2024-07,survey_work_stress,,,\n",  # 10: nothing given
        encoding="utf-8",
    )
    found = problems_of(path)
    assert set(found) == {
        (2, "numerator", "rate_over_100"),
        (3, "value", "rate_over_100"),
        (4, "organisation", "unknown_organisation"),
        (5, "period", "bad_period"),
        (6, "metric", "unknown_metric"),
        (7, "numerator", "negative_value"),
        (8, "value", "non_numeric"),
        (8, "value", "check_value"),
        (9, "period", "duplicate_key"),
        (10, "value", "missing_value"),
        (None, "period", "missing_month"),
    }
    assert len(found) == len(set(found))


def test_missing_months_are_listed_per_organisation_and_metric(tmp_path: Path) -> None:
    path = tmp_path / "gaps.xlsx"
    pd.DataFrame(
        {
            "org_code": ["acute", "acute", "fire", "fire", "fire"],
            "month": ["2024-01", "2024-04", "2024-01", "2024-02", "2024-03"],
            "sickness_absence_rate": [4.0, 4.1, 3.0, 3.1, 3.2],
        }
    ).to_excel(path, index=False)
    with pytest.raises(InputError) as caught:
        read_staff_health(path, organisations=ORGS)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.rule) == (None, "month", "missing_month")
    assert problem.message == "acute, sickness_absence_rate: no figure for 2024-02, 2024-03"


def test_missing_columns_and_a_custom_layout(tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text("Trust,When,Absence %\nacute,2024-04,4.4\n", encoding="utf-8")
    found = problems_of(path)
    assert {(column, rule) for _, column, rule in found} == {
        ("organisation", "missing_column"),
        ("period", "missing_column"),
        ("metric", "missing_column"),
    }
    layout = {"columns": {"organisation": "Trust", "period": "When", "value": "Absence %"}}
    path.write_text(
        "Trust,When,metric,Absence %\nacute,2024-04,sickness_absence_rate,4.4\n", encoding="utf-8"
    )
    table = read_staff_health(path, organisations=ORGS, layout=layout)
    assert table[["organisation", "period", "value"]].values.tolist() == [["acute", "2024-04", 4.4]]
    with pytest.raises(InputError, match="bad_layout"):
        resolve_staff_health_layout({"colums": {}})
