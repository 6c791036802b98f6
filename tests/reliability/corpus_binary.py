"""Corpus cases of binary files: Excel oddities (merged cells, formulas, error cells, dates,
expanding sheets, false size claims, zip bombs) and Parquet types."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from corpus_tables import DEATHS_HEADER, POP_HEADER, Builder, deaths_rows, population_rows


# -- Excel --------------------------------------------------------------------------------
def _xlsx(path: Path, rows: list[list[object]], formulas: dict[str, str] | None = None,
          merge: str | None = None, sheets: int = 1) -> Path:  # fmt: skip
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as book:
        if sheets > 1:
            book.add_worksheet("cover")  # an empty first sheet
        sheet = book.add_worksheet("data")
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    sheet.write(i, j, value)
        for cell, (formula, cached) in (formulas or {}).items():
            sheet.write_formula(cell, formula, None, cached)
        if merge:
            sheet.merge_range(merge, rows[1][0], None)
    return path


def _claim(path: Path, ref: str) -> Path:
    import re

    rebuilt = path.with_suffix(".part")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
            new.writestr(item, data)
    rebuilt.replace(path)
    return path


def excel_cases(b: Builder) -> None:
    f = b.folder
    pop = [POP_HEADER, *[[a, p, s, int(age), float(v)] for a, p, s, age, v in population_rows()]]

    def rows_with(row: int, column: int, value: object) -> list[list[object]]:
        out = [list(r) for r in pop]
        out[row][column] = value
        return out

    b.add(
        "xlsx that is plain text",
        "unreadable_file",
        b.text("plaintext.xlsx", "not a workbook"),
        reader="xlsx",
    )
    b.add("xlsx that is another zip", "unreadable_file", _zip(f / "other.xlsx"), reader="xlsx")
    whole = _xlsx(f / "whole.xlsx", pop).read_bytes()
    b.add(
        "truncated xlsx",
        "unreadable_file",
        b.raw("truncated.xlsx", whole[: len(whole) // 2]),
        reader="xlsx",
    )
    b.add(
        "workbook with an empty sheet",
        "empty_file",
        _xlsx(f / "empty_sheet.xlsx", []),
        reader="xlsx",
    )
    b.add(
        "data on the second sheet only",
        "empty_file",
        _xlsx(f / "second_sheet.xlsx", pop, sheets=2),
        reader="xlsx",
    )
    b.add("header row only", "empty_file", _xlsx(f / "header.xlsx", [POP_HEADER]), reader="xlsx")
    merged = [list(r) for r in pop]
    for r in merged[2:5]:
        r[0] = None  # a merged range keeps only its first cell's value
    b.add(
        "merged key cells",
        {"missing_value", "duplicate_key"},
        _xlsx(f / "merged.xlsx", merged, merge="A2:A5"),
        reader="xlsx",
    )
    b.add(
        "formula without cached value",
        "missing_value",
        _xlsx(f / "formula.xlsx", rows_with(3, 4, None), {"E4": ("=A1*2", "")}),
        reader="xlsx",
    )
    b.add(
        "error cell #DIV/0!",
        "non_numeric",
        _xlsx(f / "div0.xlsx", rows_with(2, 4, None), {"E3": ("=1/0", "#DIV/0!")}),
        reader="xlsx",
    )
    b.add(
        "text in a count",
        "non_numeric",
        _xlsx(f / "text.xlsx", rows_with(5, 4, "lots")),
        reader="xlsx",
    )
    b.add(
        "boolean count", "non_numeric", _xlsx(f / "bool.xlsx", rows_with(5, 4, True)), reader="xlsx"
    )
    b.add(
        "date as period",
        "bad_period",
        _xlsx(f / "date.xlsx", [pop[0], *[[r[0], datetime(2014, 1, 1), *r[2:]] for r in pop[1:]]]),
        reader="xlsx",
    )
    b.add(
        "negative count",
        "negative_count",
        _xlsx(f / "neg.xlsx", rows_with(8, 4, -12.0)),
        reader="xlsx",
    )
    b.add(
        "huge string cell",
        "cell_too_large",
        _xlsx(f / "cell.xlsx", rows_with(1, 2, "x" * 30_000)),
        reader="xlsx",
    )
    b.add(
        "1,200 columns",
        "too_many_columns",
        _xlsx(f / "wide.xlsx", [[f"c{i}" for i in range(1_200)], list(range(1_200))]),
        reader="xlsx",
    )
    b.add(
        "sheet claiming 3 million rows",
        "too_many_rows",
        _claim(_xlsx(f / "claims.xlsx", pop), "A1:E3000000"),
        reader="xlsx",
    )
    b.add(
        "sheet larger than it claims",
        "too_many_rows",
        _claim(_expanding(f / "grows.xlsx", 3_000), "A1:E2"),
        reader="xlsx",
        env={"HEALTHGAP_MAX_ROWS": "1000"},
    )
    b.add(
        "workbook unpacking beyond the limit",
        "file_too_large",
        _expanding(f / "bomb.xlsx", 3_000),
        reader="xlsx",
        env={"HEALTHGAP_MAX_UNPACKED_BYTES": "50000"},
    )
    b.add(
        "missing age band in a sheet",
        "missing_age_band",
        _xlsx(f / "gap.xlsx", pop[:4] + pop[5:]),
        reader="xlsx",
    )
    b.add(
        "unknown sex in a sheet",
        "unknown_sex",
        _xlsx(f / "sex.xlsx", rows_with(9, 2, "Z")),
        reader="xlsx",
    )


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path


def _expanding(path: Path, rows: int) -> Path:
    import xlsxwriter

    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, POP_HEADER)
        for i in range(1, rows + 1):
            sheet.write_row(i, 0, ["E06000001", "2014", "male", 0, 1])
    return path


# -- Parquet ------------------------------------------------------------------------------
def parquet_cases(b: Builder) -> None:
    f = b.folder
    base = pd.DataFrame(population_rows(), columns=POP_HEADER)
    base["age_start"] = base["age_start"].astype(int)
    base["person_years"] = base["person_years"].astype(float)

    def write(name: str, table: pa.Table | pd.DataFrame) -> Path:
        path = f / name
        if isinstance(table, pd.DataFrame):
            table = pa.Table.from_pandas(table, preserve_index=False)
        pq.write_table(table, path)
        return path

    def column(values: pa.Array, name: str = "person_years") -> pa.Table:
        table = pa.Table.from_pandas(base, preserve_index=False)
        return table.set_column(table.schema.get_field_index(name), name, values)

    n = len(base)
    b.add(
        "parquet that is text",
        "unreadable_file",
        b.text("text.parquet", "PAR1 not really"),
        reader="parquet",
    )
    whole = write("whole.parquet", base).read_bytes()
    b.add(
        "truncated parquet",
        "unreadable_file",
        b.raw("cut.parquet", whole[: len(whole) - 20]),
        reader="parquet",
    )
    b.add("empty parquet", "empty_file", write("empty.parquet", base.iloc[:0]), reader="parquet")
    b.add(
        "string counts",
        "non_numeric",
        write("strings.parquet", base.assign(person_years=["x"] + ["1"] * (n - 1))),
        reader="parquet",
    )
    b.add(
        "boolean counts",
        "non_numeric",
        write("bools.parquet", column(pa.array([True] * n))),
        reader="parquet",
    )
    b.add(
        "null counts",
        "missing_value",
        write("nulls.parquet", column(pa.array([None] + [1.0] * (n - 1), pa.float64()))),
        reader="parquet",
    )
    b.add(
        "infinite count",
        "non_numeric",
        write("inf.parquet", column(pa.array([float("inf")] + [1.0] * (n - 1)))),
        reader="parquet",
    )
    b.add(
        "NaN count",
        "missing_value",
        write("nan.parquet", base.assign(person_years=[float("nan")] + [1.0] * (n - 1))),
        reader="parquet",
    )
    b.add(
        "1e300 count",
        "implausible_value",
        write("big.parquet", column(pa.array([1e300] + [1.0] * (n - 1)))),
        reader="parquet",
    )
    b.add(
        "int64 near overflow",
        "implausible_value",
        write("int64.parquet", column(pa.array([2**62] + [1] * (n - 1), pa.int64()))),
        reader="parquet",
    )
    b.add("negative decimal", "negative_count",
          write("decimal.parquet",
                column(pa.array([Decimal("-1.5")] + [Decimal(1)] * (n - 1), pa.decimal128(6, 2)))),
          reader="parquet")  # fmt: skip
    b.add(
        "list-typed counts",
        "non_numeric",
        write("lists.parquet", column(pa.array([[1.0, 2.0]] * n))),
        reader="parquet",
    )
    b.add(
        "timestamp periods",
        "bad_period",
        write("timestamps.parquet", column(pa.array([datetime(2014, 1, 1)] * n), "period")),
        reader="parquet",
    )
    b.add(
        "dictionary-encoded unknown sex",
        "unknown_sex",
        write("dict.parquet", column(pa.array(["X"] * n).dictionary_encode(), "sex")),
        reader="parquet",
    )
    deaths = pa.Table.from_pandas(
        pd.DataFrame(deaths_rows(), columns=DEATHS_HEADER), preserve_index=False
    )
    binary = deaths.set_column(0, "area_code", pa.array([b"\x00\xff"] * n))
    b.add(
        "binary area codes",
        {"unknown_area", "deaths_without_population", "unreadable_file"},
        write("binary.parquet", binary),
        reader="parquet",
    )
    b.add(
        "parquet rows over the limit",
        "too_many_rows",
        write("many.parquet", base),
        reader="parquet",
        env={"HEALTHGAP_MAX_ROWS": "10"},
    )
    b.add(
        "parquet columns over the limit",
        "too_many_columns",
        write("cols.parquet", base),
        reader="parquet",
        env={"HEALTHGAP_MAX_COLUMNS": "3"},
    )
    b.add(
        "parquet without a needed column",
        {"unknown_layout", "missing_column"},
        write("nocol.parquet", base.drop(columns="person_years")),
        reader="parquet",
    )
