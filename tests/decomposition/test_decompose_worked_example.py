"""The worked example of interventions.md sections 6.1-6.3, reproduced exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from worked_example import (
    CAUSES,
    EXPECTED,
    EXPECTED_CAUSE_TOTALS,
    EXPECTED_TOTALS,
    PAIR,
    tables,
)

from healthgap.agebands import STANDARD_STARTS
from healthgap.decomposition.decompose import decompose_gap, life_expectancy_gaps


@pytest.fixture(scope="module")
def by_age_cause() -> pd.DataFrame:
    deaths, population = tables()
    return decompose_gap(deaths, population, PAIR, key=("area_code",))


def test_life_expectancies_and_gap_match_section_6_2() -> None:
    deaths, population = tables()
    gaps = life_expectancy_gaps(deaths, population, PAIR, key=("area_code",))
    row = gaps.iloc[0]
    assert row["e0_base"] == pytest.approx(75.186597, abs=5e-7)
    assert row["e0_comparator"] == pytest.approx(83.383406, abs=5e-7)
    assert row["value"] == pytest.approx(8.196810, abs=5e-7)
    assert row["lowercl"] < row["value"] < row["uppercl"]
    assert row["confidence"] == "95%"


def test_age_contributions_match_the_table_to_4dp(by_age_cause: pd.DataFrame) -> None:
    by_age = by_age_cause.groupby("age_start", sort=True)[["direct", "indirect", "contribution"]]
    got = by_age.sum().round(4)
    expected = np.array([row[:3] for row in EXPECTED])
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=1e-12)
    assert got.index.tolist() == list(STANDARD_STARTS)


def test_cause_contributions_match_the_table_to_4dp(by_age_cause: pd.DataFrame) -> None:
    wide = by_age_cause.pivot(index="age_start", columns="cause", values="contribution")
    got = wide[list(CAUSES)].round(4).to_numpy()
    expected = np.array([row[3:] for row in EXPECTED])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_totals_match_to_the_published_precision(by_age_cause: pd.DataFrame) -> None:
    for column, value in EXPECTED_TOTALS.items():
        assert by_age_cause[column].sum() == pytest.approx(value, abs=5e-5)
    for cause, value in EXPECTED_CAUSE_TOTALS.items():
        got = by_age_cause.loc[by_age_cause["cause"] == cause, "contribution"].sum()
        assert got == pytest.approx(value, abs=5e-5)
    # the gap itself is published to 6 dp, and the contributions add up to it exactly
    assert by_age_cause["contribution"].sum() == pytest.approx(8.196810, abs=5e-7)
    assert by_age_cause["contribution"].sum() == pytest.approx(
        by_age_cause["gap"].iloc[0], abs=1e-12
    )


def test_symmetric_arriaga_matches_section_6_3() -> None:
    deaths, population = tables()
    sym = decompose_gap(
        deaths, population, PAIR, by=("age",), method="symmetric", key=("area_code",)
    )
    by_age = sym.set_index("age_start")["contribution"]
    assert round(by_age[0], 4) == 0.2179
    assert round(by_age[55], 4) == 0.8242
    assert round(by_age[85], 4) == 0.2438
    assert by_age.sum() == pytest.approx(8.196810, abs=5e-7)
    assert "symmetric" in sym["method"].iloc[0]


def test_low_count_bands_are_flagged_as_unstable(by_age_cause: pd.DataFrame) -> None:
    """Section 6.2's note: the split at ages 1-14 rests on 0-3 deaths per cell."""
    flagged = by_age_cause.groupby("age_start")["cause_split_unstable"].first()
    assert flagged[[1, 5, 10]].all()
    assert not flagged[[55, 60, 65, 70]].any()


def test_breakdowns_are_consistent(by_age_cause: pd.DataFrame) -> None:
    deaths, population = tables()
    by_cause = decompose_gap(deaths, population, PAIR, by=("cause",), key=("area_code",))
    whole = decompose_gap(deaths, population, PAIR, by=(), key=("area_code",))
    assert "age_start" not in by_cause.columns
    np.testing.assert_allclose(
        by_cause.set_index("cause")["contribution"][list(CAUSES)].to_numpy(),
        by_age_cause.groupby("cause")["contribution"].sum()[list(CAUSES)].to_numpy(),
        rtol=0,
        atol=1e-12,
    )
    assert len(whole) == 1
    assert whole["contribution"].iloc[0] == pytest.approx(8.196810, abs=5e-7)
