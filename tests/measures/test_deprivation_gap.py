"""Life expectancy by deprivation quantile (pooled, not averaged) and the gap between them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from healthgap.agebands import STANDARD_STARTS
from healthgap.errors import InputError, SuppressionWarning
from healthgap.measures.deprivation_gap import (
    deprivation_gap,
    deprivation_group_life_expectancy,
    mortality_by_band,
)
from healthgap.measures.life_expectancy import life_expectancy

RATES = np.array([0.004, 0.0002] + [3.5e-5 * np.exp(0.092 * s) for s in STANDARD_STARTS[2:]])


def _small_areas(n_areas: int = 20, seed: int = 7) -> tuple[pd.DataFrame, ...]:
    """Areas whose mortality rises with their deprivation score, in two local authorities."""
    rng = np.random.default_rng(seed)
    scores = np.linspace(60, 5, n_areas)
    codes = [f"E0100{i:04d}" for i in range(n_areas)]
    areas = pd.DataFrame(
        {
            "area_code": codes,
            "deprivation_score": scores,
            "parent_la": np.where(np.arange(n_areas) % 2 == 0, "LA1", "LA2"),
        }
    )
    rows = []
    for code, score in zip(codes, scores, strict=True):
        for sex, factor in (("male", 1.35), ("female", 1.0)):
            pop = rng.integers(1500, 3000, size=len(STANDARD_STARTS)).astype(float)
            deaths = rng.poisson(pop * RATES * factor * (0.6 + score / 50)).astype(float)
            deaths[-1] = max(deaths[-1], 1.0)
            rows.append(
                pd.DataFrame(
                    {
                        "area_code": code,
                        "sex": sex,
                        "period": "2012-14",
                        "age_start": STANDARD_STARTS,
                        "person_years": pop,
                        "deaths": deaths,
                    }
                )
            )
    both = pd.concat(rows, ignore_index=True)
    population = both.drop(columns="deaths")
    deaths = both[both["deaths"] > 0].drop(columns="person_years").assign(cause="all")
    return areas, deaths, population


def test_groups_pool_deaths_and_population_of_their_areas() -> None:
    areas, deaths, population = _small_areas()
    out = deprivation_group_life_expectancy(deaths, population, areas, quantiles=5, ages=[0])
    assert out["quantile"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert set(out["areas_pooled"]) == {4}
    # quintile 1 = the four highest scores; pool them by hand and compare
    top = areas.nlargest(4, "deprivation_score")["area_code"]
    joined = mortality_by_band(deaths, population, ["area_code", "sex", "period"])
    pooled = (
        joined[joined["area_code"].isin(top)]
        .groupby(["sex", "period", "age_start"], as_index=False)[["deaths", "person_years"]]
        .sum()
    )
    expected = life_expectancy(pooled, keys=["sex", "period"], ages=[0]).set_index("sex")
    got = out[out["quantile"] == 1].set_index("sex")
    for sex in ("male", "female"):
        assert got.loc[sex, "value"] == pytest.approx(expected.loc[sex, "value"], rel=1e-12)
        assert got.loc[sex, "uppercl"] == pytest.approx(expected.loc[sex, "uppercl"], rel=1e-12)


def test_gap_is_least_minus_most_deprived_with_summed_variances() -> None:
    areas, deaths, population = _small_areas()
    groups = deprivation_group_life_expectancy(deaths, population, areas, quantiles=5, ages=[0])
    gap = deprivation_gap(deaths, population, areas, quantiles=5, confidence=(0.95, 0.998))
    z95, z998 = 1.959963984540054, 3.090232306167813
    for sex in ("male", "female"):
        most = groups[(groups["quantile"] == 1) & (groups["sex"] == sex)].iloc[0]
        least = groups[(groups["quantile"] == 5) & (groups["sex"] == sex)].iloc[0]
        row = gap[gap["sex"] == sex].iloc[0]
        se = np.hypot(
            (most["uppercl"] - most["lowercl"]) / (2 * z95),
            (least["uppercl"] - least["lowercl"]) / (2 * z95),
        )
        assert row["value"] == pytest.approx(least["value"] - most["value"], rel=1e-12)
        assert row["value"] > 0  # the most deprived live shorter lives here
        assert row["lower95_0cl"] == pytest.approx(row["value"] - z95 * se, rel=1e-10)
        assert row["upper99_8cl"] == pytest.approx(row["value"] + z998 * se, rel=1e-10)
        assert row["most_deprived_value"] == most["value"]
    assert (
        gap["statistic"].iloc[0]
        == "gap in life expectancy at 0, least minus most deprived quintile"
    )
    assert set(gap["suppression_reason"]) == {""}


def test_local_quantiles_within_each_parent() -> None:
    areas, deaths, population = _small_areas()
    out = deprivation_group_life_expectancy(
        deaths, population, areas, quantiles=5, by="parent_la", ages=[0]
    )
    assert sorted(out["parent_la"].unique()) == ["LA1", "LA2"]
    assert out.groupby("parent_la")["quantile"].nunique().to_dict() == {"LA1": 5, "LA2": 5}
    assert set(out["areas_pooled"]) == {2}


def test_gap_is_suppressed_with_the_group_reason() -> None:
    areas, deaths, population = _small_areas()
    least = areas.nsmallest(4, "deprivation_score")["area_code"]
    population = population.copy()
    population.loc[population["area_code"].isin(least), "person_years"] = (
        50.0  # 4 areas x 20 bands x 50 = 4,000
    )
    deaths = deaths[~deaths["area_code"].isin(least)]
    with pytest.warns(SuppressionWarning, match="less than 5,000"):
        gap = deprivation_gap(deaths, population, areas, quantiles=5)
    assert gap["value"].isna().all() and gap["lowercl"].isna().all()
    assert set(gap["suppression_reason"]) == {"group_suppressed"}
    assert "least deprived quintile (small_population)" in gap["suppression_note"].iloc[0]


def test_given_quantile_column_is_used() -> None:
    areas, deaths, population = _small_areas()
    areas = areas.assign(my_q=np.where(areas["deprivation_score"] > 32.5, 1, 2))
    out = deprivation_group_life_expectancy(
        deaths, population, areas, quantiles=2, quantile_column="my_q", ages=[0]
    )
    assert out.groupby("quantile")["areas_pooled"].first().to_dict() == {1: 10, 2: 10}


def test_areas_missing_from_the_areas_table_are_refused() -> None:
    areas, deaths, population = _small_areas()
    with pytest.raises(InputError) as caught:
        deprivation_gap(deaths, population, areas.iloc[2:], quantiles=5)
    assert {p.rule for p in caught.value.problems} == {"unknown_area"}
    assert len(caught.value.problems) == 2
