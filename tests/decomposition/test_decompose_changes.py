"""Change in a gap between periods, and life years lost before 75."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from worked_example import PAIR, tables

from healthgap.decomposition.changes import decompose_gap_change, life_years_lost
from healthgap.decomposition.decompose import decompose_gap
from healthgap.errors import InputError


def _two_periods() -> tuple[pd.DataFrame, pd.DataFrame]:
    deaths, population = tables()
    later = deaths.copy()
    # the base improves at ages 35-74 in the later period: the gap should narrow there
    improving = (later["area_code"] == "Q1") & later["age_start"].between(35, 70)
    later.loc[improving, "deaths"] *= 0.8
    deaths = pd.concat([deaths.assign(period="2012-14"), later.assign(period="2019-21")])
    population = pd.concat([population.assign(period=p) for p in ("2012-14", "2019-21")])
    return deaths, population


def test_gap_change_adds_up_and_points_at_the_improving_ages() -> None:
    deaths, population = _two_periods()
    out = decompose_gap_change(
        deaths, population, PAIR, before="2012-14", after="2019-21", key=("area_code", "period")
    )
    assert out["change"].sum() == pytest.approx(out["gap_change"].iloc[0], abs=1e-12)
    assert out["gap_before"].iloc[0] == pytest.approx(8.196810, abs=5e-7)
    assert out["gap_change"].iloc[0] < 0
    by_age = out.groupby("age_start")["change"].sum()
    assert (by_age.loc[35:70] < 0).all()
    assert by_age.loc[35:70].sum() < out["gap_change"].iloc[0]  # other ages offset a little


def test_gap_change_equals_difference_of_separate_decompositions() -> None:
    deaths, population = _two_periods()
    change = decompose_gap_change(
        deaths,
        population,
        PAIR,
        before="2012-14",
        after="2019-21",
        by=("cause",),
        key=("area_code", "period"),
    )
    parts = {
        p: decompose_gap(
            deaths[deaths["period"] == p],
            population[population["period"] == p],
            PAIR,
            by=("cause",),
            key=("area_code", "period"),
        ).set_index("cause")
        for p in ("2012-14", "2019-21")
    }
    expected = parts["2019-21"]["contribution"] - parts["2012-14"]["contribution"]
    got = change.set_index("cause")["change"]
    np.testing.assert_allclose(got[expected.index], expected, rtol=0, atol=1e-13)


def test_gap_change_needs_a_period_key() -> None:
    deaths, population = tables()
    with pytest.raises(InputError, match="period"):
        decompose_gap_change(deaths, population, PAIR, before="1", after="2", key=("area_code",))


def test_life_years_lost_before_75_add_up_to_the_temporary_le_gap() -> None:
    deaths, population = tables()
    out = life_years_lost(deaths, population, PAIR, key=("area_code",))
    assert out["age_start"].max() == 70
    assert out["years_lost"].sum() == pytest.approx(out["years_lost_total"].iloc[0], abs=1e-12)
    # temporary LE 0-75 cannot exceed 75 and the most deprived quintile loses years
    assert 0 < out["temporary_e0_base"].iloc[0] < out["temporary_e0_comparator"].iloc[0] < 75
    # hand check of the total from the life table columns: (T0 - T75) / l0
    from healthgap.measures.life_table import chiang_life_table

    d = deaths.groupby(["area_code", "age_start"])["deaths"].sum().unstack().to_numpy()
    p = population.set_index(["area_code", "age_start"])["person_years"].unstack().to_numpy()
    lt = chiang_life_table(d, p)
    temp = (lt.T[:, 0] - lt.T[:, 16]) / lt.l[:, 0]
    assert out["years_lost_total"].iloc[0] == pytest.approx(temp[1] - temp[0], rel=1e-12)


def test_life_years_lost_rejects_an_age_that_is_not_a_band_start() -> None:
    deaths, population = tables()
    with pytest.raises(InputError, match="upper_age"):
        life_years_lost(deaths, population, PAIR, upper_age=77, key=("area_code",))
