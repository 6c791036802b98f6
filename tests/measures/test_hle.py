"""Healthy life expectancy (Sullivan): a three-band case worked by hand, and identities."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from healthgap.agebands import STANDARD_STARTS
from healthgap.errors import BandingWarning, InputError, SuppressionWarning
from healthgap.measures.healthy_life_expectancy import healthy_life_expectancy
from healthgap.measures.life_expectancy import life_expectancy

THREE_BANDS = (0, 1, 5)  # 0, 1-4, 5+ (open)


def _three_band_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": "E1",
            "sex": "female",
            "period": "2014",
            "age_start": THREE_BANDS,
            "person_years": [1000.0, 4000.0, 10000.0],
            "deaths": [10.0, 4.0, 1000.0],
            "prevalence": [0.9, 0.8, 0.5],
            "respondents": [100.0, 200.0, 400.0],
        }
    )


def _by_hand() -> tuple[list[float], list[float]]:
    """Sullivan HLE and its SE for the three-band case, one scalar step at a time.

    Life table (Chiang II, a = 0.1 for age 0, 0.5 for 1-4):
    q0 = 1 * 0.01 / (1 + 1 * 0.9 * 0.01), q1 = 4 * 0.001 / (1 + 4 * 0.5 * 0.001), open M = 0.1.
    """
    l0 = 100_000.0
    q0 = 0.01 / 1.009
    q1 = 0.004 / 1.002
    l1 = l0 * (1 - q0)
    l2 = l1 * (1 - q1)
    L0 = 1 * (l1 + 0.1 * (l0 - l1))
    L1 = 4 * (l2 + 0.5 * (l1 - l2))
    L2 = l2 / 0.1
    p0, p1, p2 = 0.9, 0.8, 0.5
    hle2 = p2 * L2 / l2
    hle1 = (p1 * L1 + p2 * L2) / l1
    hle0 = (p0 * L0 + p1 * L1 + p2 * L2) / l0
    # mortality terms: l_i^2 ((1 - a_i) n_i p_i + HLE_{i+1})^2 q_i^2 (1 - q_i) / D_i
    w0 = l0**2 * (0.9 * 1 * p0 + hle1) ** 2 * q0**2 * (1 - q0) / 10
    w1 = l1**2 * (0.5 * 4 * p1 + hle2) ** 2 * q1**2 * (1 - q1) / 4
    w2 = p2**2 * l2**2 / (1000 * 0.1**2)  # Silcocks: Var(1/M) = 1 / (D M^2)
    # prevalence terms: L_i^2 p_i (1 - p_i) / N_i
    s0 = L0**2 * p0 * (1 - p0) / 100
    s1 = L1**2 * p1 * (1 - p1) / 200
    s2 = L2**2 * p2 * (1 - p2) / 400
    se2 = math.sqrt((w2 + s2) / l2**2)
    se1 = math.sqrt((w1 + w2 + s1 + s2) / l1**2)
    se0 = math.sqrt((w0 + w1 + w2 + s0 + s1 + s2) / l0**2)
    return [hle0, hle1, hle2], [se0, se1, se2]


def test_three_band_case_matches_the_hand_computation() -> None:
    with pytest.warns(BandingWarning, match="not the standard 20 bands"):
        out = healthy_life_expectancy(_three_band_frame(), starts=THREE_BANDS)
    values, ses = _by_hand()
    z = 1.959963984540054
    np.testing.assert_allclose(out["value"], values, rtol=1e-12)
    np.testing.assert_allclose(out["lowercl"], np.subtract(values, z * np.array(ses)), rtol=1e-12)
    np.testing.assert_allclose(out["uppercl"], np.add(values, z * np.array(ses)), rtol=1e-12)
    # the figures themselves, rounded, so a change in the formula cannot hide
    assert round(values[0], 4) == pytest.approx(8.9846, abs=1e-4)
    assert list(out["statistic"]) == [f"healthy life expectancy at {a}" for a in THREE_BANDS]


def _standard_frame(prevalence: float | list[float]) -> pd.DataFrame:
    deaths = [40, 4, 2, 2, 4, 5, 6, 8, 12, 18, 28, 45, 70, 110, 170, 260, 400, 600, 900, 1500]
    return pd.DataFrame(
        {
            "area_code": "E1",
            "sex": "male",
            "period": "2014",
            "age_start": STANDARD_STARTS,
            "person_years": 10_000.0,
            "deaths": deaths,
            "prevalence": prevalence,
            "respondents": 300.0,
        }
    )


def test_full_health_gives_life_expectancy_and_its_interval() -> None:
    data = _standard_frame(1.0)
    hle = healthy_life_expectancy(data, confidence=(0.95, 0.998))
    le = life_expectancy(data, confidence=(0.95, 0.998))
    for column in ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]:
        np.testing.assert_allclose(hle[column], le[column], rtol=1e-12)


def test_hle_is_below_le_and_falls_with_worse_health() -> None:
    good = healthy_life_expectancy(_standard_frame(0.9))
    worse = healthy_life_expectancy(_standard_frame(0.8))
    assert (good["value"] < good["life_expectancy"]).all()
    assert (worse["value"] < good["value"]).all()


def test_group_rules_of_life_expectancy_apply() -> None:
    data = _standard_frame(0.9)
    data.loc[3, "deaths"] = -1
    with pytest.warns(SuppressionWarning, match="negative deaths"):
        out = healthy_life_expectancy(data)
    assert out["value"].isna().all()
    assert set(out["suppression_reason"]) == {"negative_deaths"}


def test_bad_prevalence_and_respondents_are_all_reported() -> None:
    data = _standard_frame(0.9)
    data.loc[2, "prevalence"] = 85.0
    data.loc[4, "prevalence"] = -0.1
    data.loc[6, "respondents"] = 0
    with pytest.raises(InputError) as caught:
        healthy_life_expectancy(data)
    found = {(p.row, p.column, p.rule) for p in caught.value.problems}
    assert found == {
        (4, "prevalence", "prevalence_out_of_range"),
        (6, "prevalence", "prevalence_out_of_range"),
        (8, "respondents", "respondents_not_positive"),
    }
