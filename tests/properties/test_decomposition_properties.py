"""Property tests of the decomposition: exact sums, equivalence with Preston's form, order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.agebands import STANDARD_STARTS
from healthgap.decomposition.decompose import decompose_gap
from healthgap.measures.life_table import chiang_life_table

CAUSES = ("circulatory", "cancer", "other")
N_BAND = len(STANDARD_STARTS)


@st.composite
def two_populations(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two populations with plausible, random cause-specific rates on the 20 bands."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    age = np.asarray(STANDARD_STARTS, float)
    deaths, population = [], []
    for area in ("base", "comp"):
        level = rng.uniform(0.5, 2.0)
        person_years = rng.uniform(2_000, 40_000, N_BAND)
        all_cause = level * 1e-4 * np.exp(0.085 * age) * rng.uniform(0.5, 1.5, N_BAND)
        shares = rng.dirichlet(np.ones(len(CAUSES)), N_BAND)
        counts = np.maximum(all_cause[:, None] * shares * person_years[:, None], 0.0)
        counts[-1] += 1.0  # life expectancy needs deaths in the open band
        for b, start in enumerate(STANDARD_STARTS):
            population.append((area, start, person_years[b]))
            deaths.extend((area, start, c, counts[b, i]) for i, c in enumerate(CAUSES))
    return (
        pd.DataFrame(deaths, columns=["area_code", "age_start", "cause", "deaths"]),
        pd.DataFrame(population, columns=["area_code", "age_start", "person_years"]),
    )


PAIR = pd.DataFrame({"base_area_code": ["base"], "comparator_area_code": ["comp"]})


@settings(max_examples=30, deadline=None)
@given(two_populations(), st.sampled_from(["arriaga", "symmetric"]))
def test_contributions_sum_to_the_gap(data: tuple[pd.DataFrame, pd.DataFrame], method: str) -> None:
    deaths, population = data
    out = decompose_gap(deaths, population, PAIR, method=method, key=("area_code",))
    gap = out["gap"].iloc[0]
    assert abs(out["contribution"].sum() - gap) < 1e-9
    assert np.allclose(out["direct"] + out["indirect"], out["contribution"], rtol=0, atol=1e-12)


def _preston_arriaga(d1: np.ndarray, p1: np.ndarray, d2: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """Arriaga's DE + OE in Preston, Heuveline & Guillot's notation, written independently."""
    lt1 = chiang_life_table(d1, p1)
    lt2 = chiang_life_table(d2, p2)
    l0 = lt1.l[0]
    out = np.empty(N_BAND)
    for x in range(N_BAND - 1):
        direct = lt1.l[x] / l0 * (lt2.L[x] / lt2.l[x] - lt1.L[x] / lt1.l[x])
        other = lt2.T[x + 1] / l0 * (lt1.l[x] / lt2.l[x] - lt1.l[x + 1] / lt2.l[x + 1])
        out[x] = direct + other
    out[-1] = lt1.l[-1] / l0 * (lt2.T[-1] / lt2.l[-1] - lt1.T[-1] / lt1.l[-1])
    return out


@settings(max_examples=30, deadline=None)
@given(two_populations())
def test_directional_arriaga_equals_the_classic_de_plus_oe_form(
    data: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    deaths, population = data
    arrays = {}
    for area in ("base", "comp"):
        d = deaths[deaths["area_code"] == area].groupby("age_start")["deaths"].sum().to_numpy()
        p = population[population["area_code"] == area]["person_years"].to_numpy()
        arrays[area] = (d, p)
    expected = _preston_arriaga(*arrays["base"], *arrays["comp"])
    out = decompose_gap(deaths, population, PAIR, by=("age",), key=("area_code",))
    np.testing.assert_allclose(out["contribution"].to_numpy(), expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(two_populations(), st.integers(0, 2**16))
def test_row_order_does_not_matter(data: tuple[pd.DataFrame, pd.DataFrame], seed: int) -> None:
    deaths, population = data
    first = decompose_gap(deaths, population, PAIR, key=("area_code",))
    shuffled = decompose_gap(
        deaths.sample(frac=1, random_state=seed),
        population.sample(frac=1, random_state=seed + 1),
        PAIR,
        key=("area_code",),
    )
    pd.testing.assert_frame_equal(first, shuffled, check_exact=False, rtol=1e-13, atol=1e-15)


@settings(max_examples=20, deadline=None)
@given(two_populations())
def test_symmetric_is_antisymmetric_when_sides_swap(
    data: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    deaths, population = data
    swapped = PAIR.rename(
        columns={"base_area_code": "comparator_area_code", "comparator_area_code": "base_area_code"}
    )
    forward = decompose_gap(deaths, population, PAIR, method="symmetric", key=("area_code",))
    backward = decompose_gap(deaths, population, swapped, method="symmetric", key=("area_code",))
    np.testing.assert_allclose(
        forward["contribution"].to_numpy(), -backward["contribution"].to_numpy(), atol=1e-12
    )
