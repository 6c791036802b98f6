"""Indicator tables are checked and joined by area and vintage; bad input names file,
row and column."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import shared_path

from healthgap.errors import InputError, SuppressionWarning
from healthgap.insight import (
    indicator_table,
    indicators_from_long,
    join_indicators,
    read_imd_domains,
    read_indicator_file,
)


def _rules(err: pytest.ExceptionInfo[InputError]) -> set[str]:
    return {p.rule for p in err.value.problems}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_file_reads_with_its_vintage_from_the_code_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "mine.csv",
        "lsoa21_code,name,green_space,fast_food\nE01000001,A,0.31,4\nE01000002,B,0.12,9\n",
    )
    table = read_indicator_file(path)
    assert table.vintage == "2021"
    assert table.columns == ["green_space", "fast_food"]  # the text column is not an indicator
    assert table.rows.to_dict() == {"E01000001": 2, "E01000002": 3}


def test_every_bad_cell_is_a_problem_naming_file_row_and_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "bad.csv",
        "area_code,vintage,a,b\n"
        "E01000001,2021,1,2\n"
        "X123,2021,1,2\n"
        "E01000001,2021,3,4\n"
        "E01000004,2011,5,\n",
    )
    with pytest.raises(InputError) as err:
        read_indicator_file(path, columns=["a", "b"])
    found = {(p.file, p.row, p.column, p.rule) for p in err.value.problems}
    assert ("bad.csv", 3, "area_code", "bad_area_code") in found
    assert ("bad.csv", 4, "area_code", "duplicate_area") in found
    assert ("bad.csv", 5, "vintage", "mixed_vintages") in found
    assert ("bad.csv", 5, "b", "missing_value") in found


def test_text_in_a_chosen_indicator_column_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "area_code,a\nE01000001,1\nE01000002,n/a\n")
    with pytest.raises(InputError) as err:
        read_indicator_file(path, columns=["a"], vintage="2021")
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.rule) == (3, "a", "non_numeric")


def test_empty_values_can_drop_their_areas_with_a_warning() -> None:
    frame = pd.DataFrame({"area_code": ["E01000001", "E01000002"], "a": [1.0, None]})
    with pytest.warns(SuppressionWarning, match="1 areas"):
        table = indicator_table(frame, vintage="2021", missing="drop")
    assert list(table.values.index) == ["E01000001"]


def test_a_file_without_vintage_or_codes_is_refused() -> None:
    with pytest.raises(InputError) as err:
        indicator_table(pd.DataFrame({"code": ["E01000001"], "a": [1.0]}))
    assert _rules(err) == {"no_area_column"}
    with pytest.raises(InputError) as err:
        indicator_table(pd.DataFrame({"area_code": ["E01000001"], "a": [1.0]}))
    assert _rules(err) == {"no_vintage"}


def _table(codes: list[str], vintage: str, name: str, column: str):
    frame = pd.DataFrame({"area_code": codes, column: range(len(codes))})
    return indicator_table(frame, name=name, vintage=vintage)


def test_joining_refuses_mixed_vintages_and_unmatched_codes() -> None:
    first = _table(["E01000001", "E01000002"], "2021", "imd.csv", "a")
    older = _table(["E01000001", "E01000002"], "2011", "old.csv", "b")
    with pytest.raises(InputError) as err:
        join_indicators([first, older])
    assert err.value.problems[0].file == "old.csv"
    assert _rules(err) == {"mixed_vintages"}

    partial = _table(["E01000001", "E01000003"], "2021", "mine.csv", "c")
    with pytest.raises(InputError) as err:
        join_indicators([first, partial])
    found = {(p.file, p.row, p.rule) for p in err.value.problems}
    assert found == {("imd.csv", 3, "unmatched_code"), ("mine.csv", 3, "unmatched_code")}
    with pytest.warns(SuppressionWarning):
        joined = join_indicators([first, partial], unmatched="drop")
    assert list(joined.values.index) == ["E01000001"]
    assert list(joined.values.columns) == ["a", "c"]


def test_the_same_indicator_in_two_sources_is_refused() -> None:
    first = _table(["E01000001"], "2021", "one.csv", "a")
    second = _table(["E01000001"], "2021", "two.csv", "a")
    with pytest.raises(InputError) as err:
        join_indicators([first, second])
    assert _rules(err) == {"duplicate_indicator"}


def test_the_workspace_long_indicators_table_becomes_wide() -> None:
    long = pd.DataFrame(
        {
            "area_code": ["E01000001", "E01000001", "E01000002", "E01000002", "E01000001"],
            "period": ["2019", "2019", "2019", "2019", "2018"],
            "sex": "persons",
            "indicator": ["smoking", "obesity", "smoking", "obesity", "smoking"],
            "value": [12.0, 25.0, 20.0, 30.0, 13.0],
        }
    )
    with pytest.raises(InputError) as err:
        indicators_from_long(long, vintage="2021")
    assert err.value.problems[0].rule == "duplicate_area"
    table = indicators_from_long(long, vintage="2021", filters={"period": "2019"})
    assert table.values.loc["E01000002", "smoking"] == 20.0


def test_imd_2025_domain_scores_and_2019_ranks_read_from_shared() -> None:
    table = read_imd_domains(shared_path("data", "imd", "imd2025_lsoa21_england.csv"))
    assert (table.vintage, len(table.values), len(table.columns)) == ("2021", 33_755, 7)
    assert "income deprivation score" in table.labels["Income_score"]
    ranks = read_imd_domains(
        shared_path("data", "imd", "imd2019_lsoa11_england.csv"), measure="rank"
    )
    assert (ranks.vintage, len(ranks.values)) == ("2011", 32_844)
    assert "Housing_and_Access_rank" in ranks.columns
    with pytest.raises(InputError) as err:
        join_indicators([table, ranks])
    assert _rules(err) == {"mixed_vintages"}


def test_local_health_msoa_file_reads_with_suppressed_cells_dropped() -> None:
    path = shared_path("data", "published_indicators", "local_health_msoa_indicators_2015_19.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = read_indicator_file(path, missing="drop")
    assert table.vintage == "2011"
    assert any(issubclass(w.category, SuppressionWarning) for w in caught)
    assert 6_000 < len(table.values) < 6_791
    assert "Life expectancy at birth for females" in table.columns
