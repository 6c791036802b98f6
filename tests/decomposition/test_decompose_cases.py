"""Hand-computed cases, the real 2014 local-authority data, and input errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from healthgap.decomposition.decompose import decompose_gap
from healthgap.errors import InputError, SmallNumbersWarning


def _two_band_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    population = pd.DataFrame(
        {
            "area_code": ["A", "A", "B", "B"],
            "age_start": [0, 5, 0, 5],
            "person_years": [10_000.0, 8_000.0, 10_000.0, 8_000.0],
        }
    )
    deaths = pd.DataFrame(
        {
            "area_code": ["A", "A", "A", "A", "B", "B", "B", "B"],
            "age_start": [0, 0, 5, 5, 0, 0, 5, 5],
            "cause": ["x", "y"] * 4,
            "deaths": [30.0, 10.0, 300.0, 100.0, 10.0, 10.0, 200.0, 120.0],
        }
    )
    return deaths, population


def test_two_band_example_computed_by_hand() -> None:
    """Bands [0, 5) and 5+, a = 0.5, radix 1; every step written out in plain arithmetic."""
    # base A: M0 = 40/10000 = 0.004, M1 = 400/8000 = 0.05
    q_a = 5 * 0.004 / (1 + 5 * 0.5 * 0.004)  # 0.0198019...
    l5_a = 1 - q_a
    L0_a = 5 * (l5_a + 0.5 * q_a)
    L1_a = l5_a / 0.05
    e0_a, e5_a = L0_a + L1_a, L1_a / l5_a
    # comparator B: M0 = 20/10000 = 0.002, M1 = 320/8000 = 0.04
    q_b = 5 * 0.002 / (1 + 5 * 0.5 * 0.002)
    l5_b = 1 - q_b
    L0_b = 5 * (l5_b + 0.5 * q_b)
    L1_b = l5_b / 0.04
    e0_b, e5_b = L0_b + L1_b, L1_b / l5_b
    # Arriaga (Preston 2001): DE and OE for band 0; the open band is all direct
    de_0 = L0_b / 1 - L0_a / 1
    oe_0 = L1_b * (1 / 1 - l5_a / l5_b)
    delta_open = l5_a * (e5_b - e5_a)
    # cause split of band 0: rate differences x: (30-10)/1e4, y: 0; band 5+: x 100, y -20
    expected_cause = {
        (0, "x"): (de_0 + oe_0) * 1.0,
        (0, "y"): 0.0,
        (5, "x"): delta_open * (100 / 8000) / (80 / 8000),
        (5, "y"): delta_open * (-20 / 8000) / (80 / 8000),
    }
    deaths, population = _two_band_tables()
    pair = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    out = decompose_gap(deaths, population, pair, key=("area_code",), starts=(0, 5))
    got = out.set_index(["age_start", "cause"])
    for cell, value in expected_cause.items():
        assert got.loc[cell, "contribution"] == pytest.approx(value, rel=1e-12, abs=1e-13)
    assert got.loc[(0, "x"), "direct"] == pytest.approx(de_0, rel=1e-12)
    assert got.loc[(0, "x"), "indirect"] == pytest.approx(oe_0, rel=1e-12)
    assert out["gap"].iloc[0] == pytest.approx(e0_b - e0_a, rel=1e-12)
    assert out["contribution"].sum() == pytest.approx(e0_b - e0_a, rel=1e-12)
    # a negative contribution is legitimate: cause y kills more in the comparator at 5+
    assert got.loc[(5, "y"), "contribution"] < 0


def _real_2014(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = shared_data / "mortality_2014"
    deaths = pd.read_csv(folder / "deaths_2014_by_area_sex_age.csv")
    deaths = deaths[deaths["area_code"].str.match(r"^E(0[6-9]|92)")]
    population = pd.read_csv(folder / "population_mid2014_by_area_sex_single_year_age.csv")
    # Cornwall and the Isles of Scilly are one unit in the deaths file
    cornwall = population["area_code"].isin(["E06000052", "E06000053"])
    population.loc[cornwall, "area_code"] = "E06000052+E06000053"
    population = population[population["area_code"].isin(deaths["area_code"].unique())].copy()
    starts = np.array([0, 1, *range(5, 95, 5)])
    population["age_start"] = starts[np.searchsorted(starts, population["age"], side="right") - 1]
    population = (
        population.groupby(["area_code", "sex", "age_start"], as_index=False)["population"]
        .sum()
        .rename(columns={"population": "person_years"})
    )
    deaths = deaths.assign(cause="all")[["area_code", "sex", "age_start", "cause", "deaths"]]
    return deaths, population


@pytest.mark.shared
def test_real_2014_every_la_against_england_sums_to_the_gap(shared_data: Path) -> None:
    """ONS 2014 deaths and mid-2014 population, every English LA v England, both sexes."""
    deaths, population = _real_2014(shared_data)
    las = sorted(set(deaths["area_code"]) - {"E92000001"})
    pairs = pd.DataFrame({"base_area_code": las, "comparator_area_code": "E92000001"})
    with pytest.warns(SmallNumbersWarning):  # City of London: too few person-years
        out = decompose_gap(deaths, population, pairs, key=("area_code", "sex"))
    assert len(las) == 325
    per_pair = out.groupby(["base_area_code", "sex"]).agg(
        total=("contribution", "sum"), gap=("gap", "first")
    )
    assert len(per_pair) == 650
    finite = per_pair["gap"].notna()
    assert finite.sum() >= 648
    np.testing.assert_allclose(
        per_pair["total"][finite], per_pair["gap"][finite], rtol=0, atol=1e-9
    )
    england_male = out.loc[out["sex"] == "Male", "e0_comparator"].iloc[0]
    assert england_male == pytest.approx(79.62, abs=0.01)  # README: "79.62"
    city = out[out["base_area_code"] == "E09000001"]
    assert city["small_numbers"].all()
    assert "pool at least" in city["note"].iloc[0]


def test_every_input_problem_is_reported_at_once() -> None:
    deaths, population = _two_band_tables()
    deaths.loc[1, "deaths"] = -2.0
    deaths.loc[2, "age_start"] = 7
    population = population.drop(index=3)
    pair = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    with pytest.raises(InputError) as info:
        decompose_gap(deaths, population, pair, key=("area_code",), starts=(0, 5))
    rules = {(p.file, p.row, p.rule) for p in info.value.problems}
    assert ("deaths", 3, "negative_count") in rules
    assert ("deaths", 4, "unknown_age_band") in rules


def test_missing_band_and_unknown_pair_are_named() -> None:
    deaths, population = _two_band_tables()
    population = population.drop(index=3)
    pair = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    with pytest.raises(InputError) as info:
        decompose_gap(deaths, population, pair, key=("area_code",), starts=(0, 5))
    assert [p.rule for p in info.value.problems] == ["missing_age_band"]
    deaths, population = _two_band_tables()
    bad = pd.DataFrame({"base_area_code": ["A", "Z"], "comparator_area_code": ["Q", "B"]})
    with pytest.raises(InputError) as info:
        decompose_gap(deaths, population, bad, key=("area_code",), starts=(0, 5))
    assert {(p.row, p.rule) for p in info.value.problems} == {
        (3, "unknown_base"),
        (2, "unknown_comparator"),
    }


def test_bad_options_raise_input_error() -> None:
    deaths, population = _two_band_tables()
    pair = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    with pytest.raises(InputError, match="method"):
        decompose_gap(deaths, population, pair, method="pollard", key=("area_code",), starts=(0, 5))


def test_small_population_warns_and_says_how_many_years_to_pool() -> None:
    deaths, population = _two_band_tables()
    population["person_years"] = population["person_years"] / 10  # 1,800 person-years
    population["period"] = "2022"
    deaths["period"] = "2022"
    pair = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    with pytest.warns(SmallNumbersWarning, match="pool"):
        out = decompose_gap(deaths, population, pair, key=("area_code", "period"), starts=(0, 5))
    assert out["small_numbers"].all()
    assert "pool at least 3 years" in out["note"].iloc[0]


def test_pairs_expand_over_unnamed_keys() -> None:
    deaths, population = _two_band_tables()
    both = []
    for sex in ("male", "female"):
        both.append((deaths.assign(sex=sex), population.assign(sex=sex)))
    deaths = pd.concat([d for d, _ in both])
    population = pd.concat([p for _, p in both])
    pair = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    out = decompose_gap(deaths, population, pair, by=(), key=("area_code", "sex"), starts=(0, 5))
    assert sorted(out["sex"]) == ["female", "male"]
    assert out["contribution"].nunique() == 1
