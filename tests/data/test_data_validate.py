"""validate_tables(): per-table and cross-table rules, each problem with file/row/column/rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from healthgap.agebands import STANDARD_STARTS
from healthgap.data import RULES, validate_tables


def population(areas=("E06000001",), sexes=("male", "female"), value=100.0) -> pd.DataFrame:
    index = pd.MultiIndex.from_product(
        [list(areas), ["2014"], list(sexes), list(STANDARD_STARTS)],
        names=["area_code", "period", "sex", "age_start"],
    )
    return pd.DataFrame({"person_years": value}, index=index).reset_index()


def deaths(value=1.0, **kwargs) -> pd.DataFrame:
    frame = population(**kwargs).rename(columns={"person_years": "deaths"}).assign(deaths=value)
    return frame.assign(cause="all")[["area_code", "period", "sex", "age_start", "cause", "deaths"]]


def areas(codes=("E06000001",)) -> pd.DataFrame:
    return pd.DataFrame({"area_code": list(codes), "area_name": "x", "level": "la"})


def found(problems) -> set[tuple]:
    return {(p.file, p.row, p.column, p.rule) for p in problems}


def test_clean_tables_pass() -> None:
    assert validate_tables({"population": population(), "deaths": deaths(), "areas": areas()}) == []


def test_deaths_may_be_omitted_where_zero() -> None:
    assert validate_tables({"population": population(), "deaths": deaths().iloc[::3]}) == []


def test_column_rules_name_row_and_column() -> None:
    pop = population().astype({"person_years": object, "sex": object})
    pop.loc[2, "person_years"] = "lots"
    pop.loc[3, "person_years"] = -1.0
    pop.loc[4, "sex"] = "x"
    problems = validate_tables({"population": pop}, sources={"population": "pop.csv"})
    assert found(problems) >= {
        ("pop.csv", 4, "person_years", "non_numeric"),
        ("pop.csv", 5, "person_years", "negative_count"),
        ("pop.csv", 6, "sex", "unknown_sex"),
    }


def test_deaths_exceeding_population_and_missing_cells() -> None:
    d = deaths()
    d.loc[7, "deaths"] = 500.0
    extra = d.iloc[[0]].assign(area_code="E06000002")
    late = d.iloc[[1]].assign(period="2015")
    d = pd.concat([d, extra, late], ignore_index=True)
    rules = {(p.row, p.rule) for p in validate_tables({"population": population(), "deaths": d})}
    assert (9, "deaths_exceed_population") in rules
    assert (len(d), "deaths_without_population") in rules
    assert (len(d) + 1, "period_without_population") in rules


def test_duplicates_missing_bands_unknown_areas_and_gss() -> None:
    pop = population(areas=("E06000001", "X1"))
    pop = pd.concat([pop, pop.iloc[[0]]], ignore_index=True).drop(index=5)
    problems = validate_tables({"population": pop, "areas": areas()}, gss_codes=True)
    rules = {(p.rule, p.column) for p in problems}
    assert rules == {
        ("duplicate_key", "age_start"),
        ("missing_age_band", "age_start"),
        ("unknown_area", "area_code"),
        ("bad_area_code", "area_code"),
    }
    assert [p.row for p in problems if p.rule == "bad_area_code"] == [41]  # once per code


def test_empty_table_and_missing_column() -> None:
    problems = validate_tables(
        {"population": population().iloc[:0], "deaths": deaths().drop(columns="deaths")}
    )
    assert {(p.rule, p.column) for p in problems} == {
        ("empty_file", None),
        ("missing_column", "deaths"),
    }


def test_every_rule_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert [rule for rule in RULES if f"`{rule}`" not in text] == []
