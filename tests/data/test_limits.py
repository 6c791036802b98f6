"""Bounded work for any input: size, rows, columns and cells per file are limited (settings
with defaults, overridable), reading stops early, and problem lists are capped.

Before: a 1.2 MB xlsx that expands to 3M rows took 282 s and 1.47 GB and listed 3,000,000
problems; a 500 MB CSV was read whole into memory.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from _data_files import population_lines, write
from _hostile_files import claim_dimension, expanding_xlsx, xlsx

from cli_runner import run_cli
from healthgap.data import Limits, load
from healthgap.data.readers import read_table_file
from healthgap.errors import InputError

HEADER = ["area_code", "period", "sex", "age_start", "person_years"]


def rule_of(path: Path, limits: Limits | None = None) -> tuple[str, int | None, str]:
    with pytest.raises(InputError) as error:
        read_table_file(path, limits=limits)
    problem = error.value.problems[0]
    return problem.rule, problem.row, problem.message


def test_file_size_limit_from_the_environment(tmp_path, monkeypatch) -> None:
    path = write(tmp_path / "p.csv", population_lines())
    monkeypatch.setenv("HEALTHGAP_MAX_FILE_BYTES", "1000")
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert "file_too_large" in result.stderr and "HEALTHGAP_MAX_FILE_BYTES" in result.stderr


def test_csv_reading_stops_at_the_row_limit(tmp_path) -> None:
    lines = population_lines() * 2_000  # 82,000 lines
    path = write(tmp_path / "long.csv", lines)
    rule, _row, message = rule_of(path, Limits(max_rows=1_000))
    assert rule == "too_many_rows" and "1,000" in message


def test_too_many_columns(tmp_path) -> None:
    path = write(
        tmp_path / "wide.csv", [",".join(f"c{i}" for i in range(2_000)), "1," * 1999 + "1"]
    )
    rule, row, _message = rule_of(path)
    assert (rule, row) == ("too_many_columns", 1)


def test_a_huge_cell_is_named_by_row_and_column(tmp_path) -> None:
    lines = population_lines()
    lines[2] = lines[2].replace("male", "m" * 20_000)
    with pytest.raises(InputError) as error:
        read_table_file(write(tmp_path / "cell.csv", lines))
    problem = error.value.problems[0]
    assert (problem.rule, problem.row, problem.column) == ("cell_too_large", 3, "sex")


def test_an_excel_sheet_claiming_three_million_rows_is_refused_unread(tmp_path) -> None:
    rows = [HEADER, ["E06000001", "2014", "male", 0, 10]]
    path = claim_dimension(xlsx(tmp_path / "claims.xlsx", rows), "A1:E3000000")
    started = time.perf_counter()
    rule, _row, message = rule_of(path)
    assert rule == "too_many_rows" and "1,048,57" in message
    assert time.perf_counter() - started < 10  # it took 282 s to read such a sheet


def test_an_expanding_excel_sheet_with_a_false_claim_stops_at_the_row_cap(tmp_path) -> None:
    path = claim_dimension(expanding_xlsx(tmp_path / "grows.xlsx", 20_000), "A1:E2")
    assert path.stat().st_size < 1_000_000
    rule, _row, _message = rule_of(path, Limits(max_rows=2_000))
    assert rule == "too_many_rows"


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused(tmp_path) -> None:
    path = expanding_xlsx(tmp_path / "bomb.xlsx", 5_000)
    rule, _row, message = rule_of(path, Limits(max_unpacked_bytes=50_000))
    assert rule == "file_too_large" and "unpacks" in message


def test_parquet_limits_are_checked_from_the_footer(tmp_path) -> None:
    path = tmp_path / "p.parquet"
    pd.DataFrame({"area_code": ["E06000001"] * 5_000, "n": range(5_000)}).to_parquet(path)
    assert rule_of(path, Limits(max_rows=100))[0] == "too_many_rows"
    assert rule_of(path, Limits(max_columns=1))[0] == "too_many_columns"


def test_a_sheet_with_merged_cells_and_blank_trailing_rows_reads_as_text(tmp_path) -> None:
    rows = [HEADER, ["E06000001", "2014", "male", 0, 10], [None, "2014", "female", 0, 12],
            [None] * 5, [None] * 5]  # fmt: skip
    frame = read_table_file(xlsx(tmp_path / "m.xlsx", rows, merge="A2:A3"))
    assert frame["area_code"].tolist() == ["E06000001", ""]  # a merged cell keeps one value
    assert frame["person_years"].tolist() == ["10", "12"] and len(frame) == 2


def test_the_problem_list_of_a_huge_bad_file_is_short(tmp_path) -> None:
    lines = ["area_code,period,sex,age_start,person_years"]
    lines += [f"E06000001,2014,x{i},0,bad" for i in range(20_000)]
    with pytest.raises(InputError) as error:
        load(write(tmp_path / "bad.csv", lines), "population")
    problems = error.value.problems
    assert len(problems) <= 2 * 101
    counts = [p.message for p in problems if p.row is None]
    assert "and 19,900 more problems of rule non_numeric" in counts
    assert "and 19,900 more problems of rule unknown_sex" in counts
