"""One writer for every result: disclosure control and the SYNTHETIC note on every table and
chart a bundle becomes, in every format."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.reports import Provenance, ResultBundle, Table
from healthgap.reports.outputs import bundle_file, write_bundle, write_bundle_workbook
from healthgap.reports.tables import SYNTHETIC_NOTE

CHART = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "title": {"text": "Deaths"},
    "data": {"values": [{"x": "a", "y": 3}]},
    "mark": "bar",
    "encoding": {"x": {"field": "x"}, "y": {"field": "y", "type": "quantitative"}},
}


def _bundle(synthetic: bool) -> ResultBundle:
    deaths = pd.DataFrame(
        {
            "area_code": ["E1", "E2"],
            "value": [80.123, 79.5],
            "lowercl": [79.0, 78.0],
            "uppercl": [81.0, 81.0],
            "confidence": "95%",
            "deaths": [3.0, 1234.0],
        }
    )
    return ResultBundle(
        question="example",
        provenance=Provenance("ws", {"deaths": "f" * 64}, ("a method",), synthetic=synthetic),
        tables={
            "le": Table(deaths, "life expectancy", decimals={"value": 1}, fingertips={}),
            "other": Table(deaths[["area_code", "deaths"]], "deaths only"),
        },
        charts={"deaths": CHART},
        metadata={"period": "2014"},
    )


@pytest.mark.parametrize("synthetic", [True, False])
def test_every_table_and_chart_says_synthetic_once(tmp_path: Path, synthetic: bool) -> None:
    bundle = _bundle(synthetic)
    written = write_bundle(
        bundle,
        tmp_path,
        table_formats=("csv", "xlsx", "fingertips.csv"),
        chart_formats=("svg", "json"),
        workbook="all.xlsx",
    )
    assert {p.name for p in written} == {
        "le.csv",
        "le.xlsx",
        "le.fingertips.csv",
        "other.csv",
        "other.xlsx",
        "deaths.svg",
        "deaths.json",
        "all.xlsx",
    }
    for path in written:
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            text = " ".join(
                str(c.value) for sheet in book for row in sheet.iter_rows() for c in row
            )
            assert ("SYNTHETIC" in text) == synthetic, path.name
            assert "Disclosure control" in text and "ffffffffffff" in text
        else:
            text = path.read_text(encoding="utf-8")
            assert text.count("SYNTHETIC") >= synthetic and ("SYNTHETIC" in text) == synthetic
    le = pd.read_csv(tmp_path / "le.csv")
    assert le["value"].tolist() == [80.1, 79.5]  # published rounded, as declared
    assert le["deaths"].isna().tolist() == [True, False]  # 1-7 suppressed
    if synthetic:
        assert (le["data_note"] == SYNTHETIC_NOTE).all()


def test_the_workbook_puts_metadata_first_and_controls_each_sheet(tmp_path: Path) -> None:
    path = write_bundle_workbook(_bundle(True), tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["metadata", "le", "other"]
    for name in ("le", "other"):
        header = [c.value for c in next(book[name].iter_rows())]
        assert header[-2:] == ["disclosure_note", "data_note"]


def test_formats_that_do_not_fit_are_refused() -> None:
    bundle = _bundle(False)
    with pytest.raises(InputError):
        bundle_file(bundle, "other", "fingertips.csv")  # no limits: no Fingertips layout
    with pytest.raises(InputError):
        bundle_file(bundle, "le", "gif")
    with pytest.raises(InputError):
        bundle.table("nothing")
    svg = bundle_file(_bundle(True), "deaths", "svg")
    assert b"SYNTHETIC" in svg
    assert openpyxl.load_workbook(io.BytesIO(bundle_file(bundle, "le", "xlsx"))).sheetnames == [
        "data",
        "metadata",
    ]
