"""Output tables: disclosure control, CSV/Excel/Fingertips writers and the `measure` CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from healthgap.agebands import STANDARD_STARTS
from healthgap.cli import main
from healthgap.data.workspace import write_workspace
from healthgap.reports.tables import (
    FINGERTIPS_COLUMNS,
    SYNTHETIC_NOTE,
    DisclosurePolicy,
    to_fingertips,
    write_table,
)

DEATHS = np.array([40, 4, 2, 2, 4, 5, 6, 8, 12, 18, 28, 45, 70, 110, 170, 260, 400, 600, 900, 1500])


def test_disclosure_suppresses_small_counts_and_rounds_the_rest() -> None:
    frame = pd.DataFrame(
        {"value": [1.0, 2.0, 3.0, 4.0], "deaths_used": [0.0, 7.0, 8.0, 1233.0]},
    )
    safe, notes = DisclosurePolicy().apply(frame)
    assert safe["deaths_used"].tolist()[0] == 0.0
    assert np.isnan(safe["deaths_used"].iloc[1])
    assert safe["deaths_used"].tolist()[2:] == [10.0, 1235.0]
    assert safe["value"].tolist() == [1.0, 2.0, 3.0, 4.0]  # LE is not a rate on few events
    assert safe["disclosure_note"].tolist() == [
        "",
        "deaths_used suppressed (1-7)",
        "deaths_used rounded to nearest 5",
        "deaths_used rounded to nearest 5",
    ]
    assert "counts of 1-7 are suppressed" in notes[0]
    assert frame["deaths_used"].tolist() == [0.0, 7.0, 8.0, 1233.0], "input left untouched"


def test_rates_on_few_events_are_withheld_or_flagged() -> None:
    frame = pd.DataFrame(
        {
            "total_count": [9.0, 15.0, 40.0],
            "value": [10.0, 20.0, 30.0],
            "lowercl": [5.0, 15.0, 25.0],
            "uppercl": [15.0, 25.0, 35.0],
        }
    )
    safe, _ = DisclosurePolicy().apply(frame)
    assert safe[["value", "lowercl", "uppercl"]].iloc[0].isna().all()
    assert safe["value"].tolist()[1:] == [20.0, 30.0]
    assert safe["value_flag"].tolist() == ["", "u", ""]
    assert safe["total_count"].tolist() == [10.0, 15.0, 40.0]  # counts rounded, none 1-7
    custom, _ = DisclosurePolicy(rate_min_events=5, flag_below=10).apply(frame)
    assert custom["value"].notna().all() and custom["value_flag"].tolist() == ["u", "", ""]


def _result() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["E06000001", "E06000002"],
            "sex": ["male", "female"],
            "period": ["2012-14", "2012-14"],
            "age_start": [0, 65],
            "value": [78.5, np.nan],
            "lowercl": [78.0, 10.0],
            "uppercl": [79.0, 40.0],
            "confidence": ["95%", "95%"],
            "statistic": ["life expectancy at 0", "life expectancy at 65"],
            "method": ["m", "m"],
            "person_years_used": [250000.0, 6000.0],
            "deaths_used": [2403.0, 3.0],
            "suppression_reason": ["", "ci_too_wide"],
            "suppression_note": ["", "Value not shown."],
        }
    )


def test_tidy_csv_body(tmp_path: Path) -> None:
    path = write_table(_result(), tmp_path / "le.csv", synthetic=True)
    expected = (
        "area_code,sex,period,age_start,value,lowercl,uppercl,confidence,statistic,method,"
        "person_years_used,deaths_used,suppression_reason,suppression_note,disclosure_note,"
        "data_note\n"
        "E06000001,male,2012-14,0,78.5,78.0,79.0,95%,life expectancy at 0,m,250000.0,2405.0,,,"
        f'deaths_used rounded to nearest 5,"{SYNTHETIC_NOTE}"\n'
        "E06000002,female,2012-14,65,,10.0,40.0,95%,life expectancy at 65,m,6000.0,,"
        f'ci_too_wide,Value not shown.,deaths_used suppressed (1-7),"{SYNTHETIC_NOTE}"\n'
    )
    assert path.read_text(encoding="utf-8") == expected


def test_fingertips_layout() -> None:
    out = to_fingertips(
        _result(),
        indicator_id=90366,
        indicator_name="Life expectancy at birth",
        area_type="UA",
        area_names={"E06000001": "Hartlepool", "E12000001": "North East"},
        parents={"E06000001": "E12000001"},
    )
    assert list(out.columns) == [c.replace("{parent}", "Region") for c in FINGERTIPS_COLUMNS]
    first = out.iloc[0]
    assert first["Parent Code"] == "E12000001" and first["Parent Name"] == "North East"
    assert first["Area Name"] == "Hartlepool" and first["Sex"] == "Male"
    assert first["Age"] == "All ages" and out["Age"].iloc[1] == "65 yrs"
    assert first["Time period"] == "2012 - 14" and first["Time period Sortable"] == "20120000"
    assert first["Lower CI 95.0 limit"] == 78.0 and np.isnan(first["Lower CI 99.8 limit"])
    assert first["Count"] == 2403.0 and first["Denominator"] == 250000.0
    assert out["Value note"].iloc[1] == "Value not shown."


def test_excel_has_a_data_sheet_and_a_metadata_sheet(tmp_path: Path) -> None:
    path = write_table(
        _result(), tmp_path / "le.xlsx", metadata={"method": "Chiang II"}, synthetic=True
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["data", "metadata"]
    data = book["data"]
    assert data["E1"].value == "value" and data["E2"].value == 78.5
    assert data["E3"].value is None  # a missing value is an empty cell
    assert data.freeze_panes == "A2" and data.auto_filter.ref is not None
    meta = {row[0]: row[1] for row in book["metadata"].iter_rows(min_row=2, values_only=True)}
    assert meta["data"] == SYNTHETIC_NOTE and meta["method"] == "Chiang II"
    assert "counts of 1-7 are suppressed" in meta["disclosure"]


def test_unknown_output_type_is_refused(tmp_path: Path) -> None:
    from healthgap.errors import InputError

    with pytest.raises(InputError, match=r"\.csv or \.xlsx"):
        write_table(_result(), tmp_path / "le.json")


@pytest.fixture
def small_workspace(tmp_path: Path) -> Path:
    """Two LSOAs in one LA; their sum has 10,000 person-years in every band."""
    areas = pd.DataFrame(
        {
            "area_code": ["E01000001", "E01000002", "E06000001"],
            "area_name": ["Hartlepool 001A", "Hartlepool 001B", "Hartlepool"],
            "level": ["lsoa", "lsoa", "la"],
            "vintage": "2021",
            "deprivation_score": [40.0, 10.0, 25.0],
            "parent_la": ["E06000001", "E06000001", None],
        }
    )
    cells = pd.MultiIndex.from_product(
        [["E01000001", "E01000002"], ["2014"], ["male", "female"], list(STANDARD_STARTS)],
        names=["area_code", "period", "sex", "age_start"],
    ).to_frame(index=False)
    population = cells.assign(person_years=5000.0)
    first = np.tile(DEATHS - DEATHS // 2, 2)
    second = np.tile(DEATHS // 2, 2)
    deaths = cells.assign(cause="all", deaths=np.concatenate([first, second]).astype(float))
    good_health = cells.assign(prevalence=0.8, respondents=50.0)
    folder = tmp_path / "ws"
    write_workspace(
        folder,
        {"areas": areas, "population": population, "deaths": deaths, "good_health": good_health},
        metadata={"synthetic": True},
    )
    return folder


def _run(argv: list[str]) -> int:
    """Run the CLI as the console script does; its exit status (0 when it returns)."""
    try:
        main(argv)
    except SystemExit as stopped:
        return int(stopped.code or 0)
    return 0


def test_measure_le_cli_writes_the_exact_csv(small_workspace: Path, tmp_path: Path) -> None:
    """LA sums: 10,000 person-years a band. At 90+ e = 10,000 / 1,500 and
    SE = sqrt(1 / (D M^2)) = sqrt(1 / 33.75), so the limits are 6.6667 -/+ 1.96 x 0.17213."""
    out = tmp_path / "le.csv"
    assert _run(["measure", "le", str(small_workspace), "--level", "la", "--period", "2014",
          "--sex", "male", "--age", "0", "--age", "90", "--out", str(out)]) == 0  # fmt: skip
    method = '"Chiang II abridged life table, Silcocks variance for the open band"'
    expected = (
        "area_code,area_name,sex,period,age_start,value,lowercl,uppercl,confidence,statistic,"
        "method,person_years_used,deaths_used,suppression_reason,suppression_note,"
        "disclosure_note,data_note\n"
        "E06000001,Hartlepool,male,2014,0,79.64378403274443,79.01212489512439,"
        f"80.27544317036448,95%,life expectancy at 0,{method},200000.0,4185.0,,,"
        f'deaths_used rounded to nearest 5,"{SYNTHETIC_NOTE}"\n'
        "E06000001,Hartlepool,male,2014,90,6.666666666666666,6.329292983498223,"
        f"7.004040349835109,95%,life expectancy at 90,{method},10000.0,1500.0,,,,"
        f'"{SYNTHETIC_NOTE}"\n'
    )
    assert out.read_text(encoding="utf-8") == expected


def test_measure_cli_reports_user_errors_without_a_traceback(
    small_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _run(["measure", "le", str(small_workspace), "--confidence", "95",
                   "--out", str(tmp_path / "x.csv")])  # fmt: skip
    assert status == 2
    printed = capsys.readouterr()
    assert "problem(s) found" in printed.err and "0.95?" in printed.err
    assert "Traceback" not in printed.err


def test_measure_gap_and_dsr_cli(small_workspace: Path, tmp_path: Path) -> None:
    gap = tmp_path / "gap.xlsx"
    assert _run(["measure", "gap", str(small_workspace), "--period", "2014", "--quantiles", "5",
          "--out", str(gap)]) == 0  # fmt: skip
    assert openpyxl.load_workbook(gap).sheetnames == ["data", "metadata"]
    dsr = tmp_path / "dsr.csv"
    assert _run(["measure", "dsr", str(small_workspace), "--period", "2014", "--format",
          "fingertips", "--out", str(dsr)]) == 0  # fmt: skip
    table = pd.read_csv(dsr)
    assert list(table.columns)[:5] == list(FINGERTIPS_COLUMNS[:5])
    assert table["Area Code"].tolist() == ["E06000001", "E06000001"]


def test_measure_hle_cli_for_persons(small_workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "hle.csv"
    assert _run(["measure", "hle", str(small_workspace), "--sex", "persons", "--age", "0",
          "--out", str(out)]) == 0  # fmt: skip
    table = pd.read_csv(out)
    assert table["sex"].tolist() == ["persons"]
    # every band at 80% good health: HLE is 80% of LE exactly
    assert table["value"].iloc[0] == pytest.approx(0.8 * table["life_expectancy"].iloc[0])
    assert table["statistic"].iloc[0] == "healthy life expectancy at 0"
