"""One comparison spec: the CLI string, the scenario file and Python name the same thing; a
missing comparator is summed from the areas inside it, or named as missing."""

from __future__ import annotations

import pandas as pd
import pytest

from healthgap.datasets import load_demo
from healthgap.decomposition import Comparison, build_comparison, frame_reader, rows_of_areas
from healthgap.errors import InputError
from healthgap.periods import Period
from healthgap.scenarios import scenario_from_dict


@pytest.mark.parametrize(
    ("text", "mapping", "made"),
    [
        (
            "england",
            {"type": "area", "area": "A", "comparator": "england"},
            Comparison.against_england("A"),
        ),
        (
            "E12000001",
            {"type": "areas", "base": "A", "comparator": "E12000001"},
            Comparison.against_area("A", "E12000001"),
        ),
        ("quintiles", {"type": "quintiles", "area": "A"}, Comparison.within("A")),
        ("deciles", {"type": "deciles", "area": "A"}, Comparison.within("A", quantiles=10)),
        (
            "period:2012 - 14",
            {"type": "period", "area": "A", "before": "2012-2014"},
            Comparison.over_time("A", "2012-14"),
        ),
    ],
)
def test_three_spellings_one_comparison(text: str, mapping: dict, made: Comparison) -> None:
    assert Comparison.parse(text, area="A") == made
    assert Comparison.from_mapping(mapping) == made
    assert Comparison.from_mapping(made.to_mapping()) == made
    assert Comparison.parse(made.token, area="A") == made


def test_a_scenario_file_reads_the_same_comparison() -> None:
    spec = scenario_from_dict(
        {
            "comparison": {"type": "quintiles", "level": "la", "area": "E1"},
            "interventions": [{"intervention": "statins", "volume": {"units_per_year": 1}}],
        }
    )
    assert spec.comparison == Comparison.within("E1", level="la")
    default = scenario_from_dict(
        {"interventions": [{"intervention": "statins", "volume": {"units_per_year": 1}}]}
    )
    assert default.comparison == Comparison.within()


def test_scenario_comparison_problems_are_listed() -> None:
    with pytest.raises(InputError) as error:
        scenario_from_dict(
            {
                "comparison": {"type": "quintiles", "areas": ["E1"], "base": 9},
                "interventions": [{"intervention": "statins", "volume": {"units_per_year": 1}}],
            }
        )
    rules = {(p.column, p.rule) for p in error.value.problems}
    assert rules == {("comparison.areas", "unknown_field"), ("comparison.base", "bad_quantile")}


def _la_only() -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The demo's local authority and its LSOAs, without the country's or region's rows;
    the areas table names England only as a parent."""
    demo = load_demo("small")
    areas = demo["areas"][demo["areas"]["level"].isin(["la", "lsoa"])]
    small = set(areas.loc[areas["level"] == "lsoa", "area_code"])
    tables = {k: v[v["area_code"].isin(small)] for k, v in demo.items() if k != "areas"}
    return areas, tables


def test_england_is_summed_from_its_areas_when_it_has_no_rows() -> None:
    areas, tables = _la_only()
    la = areas.loc[areas["level"] == "la", "area_code"].iloc[0]
    compared = build_comparison(
        areas, tables["population"], tables["deaths"], area=la, compare="england", period="2024"
    )
    england = compared.population[compared.population["area_code"] == "E92000001"]
    lsoa_total = tables["population"].query("period == '2024'")["person_years"].sum()
    assert england["person_years"].sum() == pytest.approx(lsoa_total)
    assert compared.comparator_label == "England"
    assert any("E92000001 is the sum of its 103 lsoa areas" in n for n in compared.notes)


def test_a_comparator_that_cannot_be_built_is_named() -> None:
    areas, tables = _la_only()
    la = areas.loc[areas["level"] == "la", "area_code"].iloc[0]
    no_parent = areas.drop(columns=["parent_country"])
    with pytest.raises(InputError) as error:
        build_comparison(
            no_parent,
            tables["population"],
            tables["deaths"],
            area=la,
            compare="england",
            period="2024",
        )
    problem = error.value.problems[0]
    assert problem.rule == "no_comparator" and "parent_country" in problem.message
    read = frame_reader(tables)
    with pytest.raises(InputError) as error:
        rows_of_areas(areas, read, "population", ["E99999999"], Period.parse("2024"))
    assert error.value.problems[0].rule == "no_rows_for_area"
    assert "E99999999" in error.value.problems[0].message


def test_rows_of_areas_sums_listed_and_parent_only_areas() -> None:
    """An LA listed without rows of its own and England named only as a parent are both
    summed from their small areas (only the missing codes are looked up in the table)."""
    areas = pd.DataFrame(
        {
            "area_code": ["S1", "S2", "S3", "L1", "L2"],
            "level": pd.Categorical(["lsoa", "lsoa", "lsoa", "la", "la"]),
            "parent_la": ["L1", "L1", "L2", None, None],
            "parent_country": ["E92000001"] * 3 + [None, None],
        }
    )
    population = pd.DataFrame(
        {"area_code": ["S1", "S2", "S3", "L2"], "period": "2024", "sex": "male",
         "age_start": 0, "person_years": [1.0, 2.0, 4.0, 4.0]}
    )  # fmt: skip
    notes: list[str] = []
    read = frame_reader({"areas": areas, "population": population})
    rows = rows_of_areas(areas, read, "population", ["L2", "L1", "E92000001"], None, notes)
    totals = dict(zip(rows["area_code"], rows["person_years"], strict=True))
    assert totals == {"L2": 4.0, "L1": 3.0, "E92000001": 7.0}
    assert notes == [
        "L1 is the sum of its 2 lsoa areas",
        "E92000001 is the sum of its 3 lsoa areas",
    ]
