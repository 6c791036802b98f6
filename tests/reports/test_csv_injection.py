"""Issue 10 item 7: every CSV writer neutralises cells a spreadsheet would run as formulas
(OWASP: a leading single quote), and never touches genuine numbers.

Before: area names such as ``=cmd|' /C calc'!A0`` from uploaded data appeared raw in CSV
downloads and in ``healthgap measure le`` output.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from _data_files_reports import formula_workspace
from openpyxl import load_workbook

from cli_runner import run_cli
from healthgap.data.csv_export import FORMULA_TRIGGERS, neutralise_formulas, write_safe_csv
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.reports.outputs import write_bundle
from healthgap.reports.tables import write_csv, write_table

ATTACKS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", '=HYPERLINK("x")']


def cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_TRIGGERS):
                float(cell.replace(",", ""))  # only a genuine number may start with - or +


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_name": ATTACKS,
            "value": [-1.5, 2.0, -3.25, 4.0, -5.0, 6.0, -7.0],
            "text_number": ["-1.5", "+2", "-3e-2", "4", "-5", "1,234", "-7"],
        }
    )


def test_neutralise_formulas_quotes_attacks_and_keeps_numbers() -> None:
    safe = neutralise_formulas(frame().rename(columns={"value": "=bad header"}))
    assert safe["area_name"].tolist() == ["'" + a.replace("\r", "\n") for a in ATTACKS]
    assert safe["'=bad header"].tolist() == [-1.5, 2.0, -3.25, 4.0, -5.0, 6.0, -7.0]
    assert safe["text_number"].tolist() == frame()["text_number"].tolist()


@pytest.mark.parametrize("excel_friendly", [False, True])
def test_write_csv(tmp_path: Path, excel_friendly: bool) -> None:
    rows = cells(write_csv(frame(), tmp_path / "t.csv", excel_friendly=excel_friendly))
    assert_no_formula(rows)
    assert rows[1][0] == "'=cmd|' /C calc'!A0" and rows[1][1] == "-1.5"


def test_write_safe_csv_and_categorical_columns(tmp_path: Path) -> None:
    data = frame().assign(area_name=lambda f: f["area_name"].astype("category"))
    assert_no_formula(cells(write_safe_csv(data, tmp_path / "t.csv")))


@pytest.mark.parametrize("layout", ["tidy", "fingertips"])
def test_write_table_in_both_layouts(tmp_path: Path, layout: str) -> None:
    results = pd.DataFrame(
        {"area_code": ["=E1", "E2"], "period": ["2014", "2014"], "sex": ["@male", "female"],
         "value": [-1.0, 80.0], "lowercl": [-2.0, 79.0], "uppercl": [0.0, 81.0]}
    )  # fmt: skip
    options = {"area_names": {"=E1": "=cmd|' /C calc'!A0", "E2": "+Leeds"}}
    path = write_table(results, tmp_path / "out.csv", layout=layout, fingertips=options)
    assert_no_formula(cells(path))


def test_every_bundle_table_and_workbook(tmp_path: Path) -> None:
    """The one writer of result bundles (plan results included): CSV cells neutralised, and
    in Excel hostile text stays text, never a formula."""
    bundle = ResultBundle(
        question="test",
        provenance=Provenance(source="test"),
        tables={"effects": Table(frame(), "Effects")},
    )
    for path in write_bundle(bundle, tmp_path, table_formats=("csv",), workbook="all.xlsx"):
        if path.suffix == ".csv":
            assert_no_formula(cells(path))
    book = load_workbook(tmp_path / "all.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def test_measure_le_output_of_a_workspace_with_hostile_area_names(tmp_path: Path) -> None:
    ws = formula_workspace(tmp_path)
    out = tmp_path / "le.csv"
    result = run_cli("measure", "le", str(ws), "--level", "la", "--period", "2014",
                     "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = cells(out)
    assert_no_formula(rows)
    assert any(cell == "'=cmd|' /C calc'!A0" for row in rows for cell in row)


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_row(tmp_path: Path) -> None:
    data = pd.DataFrame({"area_name": ["Leeds\r=2+2", "York\r\n@x"], "value": [1.0, -2.0]})
    rows = cells(write_csv(data, tmp_path / "t.csv"))
    assert len(rows) == 3, "still one header and two data rows"
    assert rows[1][0] == "Leeds\n=2+2"
    assert_no_formula(rows)


WRITERS = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|ExcelWriter\(|Workbook\(")
GUARDS = re.compile(r"neutralise_|write_safe_csv|strings_to_formulas")


def test_every_csv_and_excel_writer_in_the_package_is_guarded() -> None:
    """A new writer of CSV or Excel must neutralise formulas (data.csv_export) or keep text
    as text (strings_to_formulas off): the rule lives in one place, so look for its use."""
    source = Path(__file__).resolve().parents[2] / "src" / "healthgap"
    unguarded = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if WRITERS.search(text := path.read_text(encoding="utf-8")) and not GUARDS.search(text)
    ]
    assert unguarded == []
