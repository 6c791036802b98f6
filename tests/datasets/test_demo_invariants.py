"""Issue 10 item 5: the SYNTHETIC demo never has more deaths than person-years in a cell.

Before: the small demo had E01903977, 2023, male, 90+ with 4 deaths over 2 person-years, and
the national demo 638 such cells, so the demo broke the data model's own rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from healthgap.data import validate_tables
from healthgap.datasets import generate_demo, load_demo
from healthgap.datasets.mortality import draw_cell_deaths

CELL = ["area_code", "period", "sex", "age_start"]


def cells_over(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    deaths = tables["deaths"].groupby(CELL, observed=True)["deaths"].sum().reset_index()
    joined = deaths.merge(tables["population"], on=CELL, how="left")
    return joined[~(joined["deaths"] <= joined["person_years"])]


def test_small_demo_deaths_never_exceed_person_years() -> None:
    tables = load_demo("small")
    assert cells_over(tables).empty
    assert [p.rule for p in validate_tables(tables)] == []


@pytest.mark.slow
def test_national_demo_deaths_never_exceed_person_years() -> None:
    assert cells_over(generate_demo("national")).empty


@settings(max_examples=60, deadline=None)
@given(
    person_years=arrays(np.int64, 12, elements=st.integers(0, 50)),
    rates=arrays(np.float64, (12, 3), elements=st.floats(0.0, 3.0)),
    seed=st.integers(0, 2**32 - 1),
)
def test_cell_deaths_never_exceed_person_years_even_at_rates_above_one(
    person_years: np.ndarray, rates: np.ndarray, seed: int
) -> None:
    expected = rates * person_years[:, None]
    counts = draw_cell_deaths(np.random.default_rng(seed), person_years, expected)
    assert counts.shape == expected.shape and (counts >= 0).all()
    assert (counts.sum(axis=1) <= person_years).all()
    assert (counts[expected == 0] == 0).all(), "no deaths from a cause with no risk"


def test_cell_deaths_keep_the_expected_counts_on_average() -> None:
    person_years = np.full(4000, 50)
    expected = np.tile([0.5, 1.5, 3.0], (4000, 1))  # all-cause rate 0.1 per person-year
    counts = draw_cell_deaths(np.random.default_rng(7), person_years, expected)
    assert counts.mean(axis=0) == pytest.approx([0.5, 1.5, 3.0], rel=0.05)
