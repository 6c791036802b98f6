"""Properties of the rate-family measures: the CI brackets the value, and the result does
not depend on the order of the rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.agebands import STANDARD_STARTS
from healthgap.measures.dsr import directly_standardised_rate
from healthgap.measures.isr import indirectly_standardised_ratio
from healthgap.measures.proportions import proportion
from healthgap.measures.rates import crude_rate

LIMITS = [("lower95_0cl", "upper95_0cl"), ("lower99_8cl", "upper99_8cl")]
counts = st.integers(min_value=0, max_value=5000)


@st.composite
def grouped_bands(draw: st.DrawFn) -> pd.DataFrame:
    """1-4 groups in the 20 life-table bands with random deaths and person-years."""
    groups = draw(st.integers(min_value=1, max_value=4))
    size = groups * len(STANDARD_STARTS)
    deaths = draw(st.lists(st.integers(0, 300), min_size=size, max_size=size))
    pops = draw(st.lists(st.integers(1, 20_000), min_size=size, max_size=size))
    return pd.DataFrame(
        {
            "area_code": np.repeat([f"E{g}" for g in range(groups)], len(STANDARD_STARTS)),
            "sex": "female",
            "period": "2014",
            "age_start": np.tile(STANDARD_STARTS, groups),
            "deaths": np.asarray(deaths, dtype=float),
            "person_years": np.asarray(pops, dtype=float),
        }
    )


def _brackets(out: pd.DataFrame) -> None:
    shown = out["value"].notna()
    for lower, upper in LIMITS:
        low, high = out.loc[shown, lower], out.loc[shown, upper]
        assert (low.isna() | (low <= out.loc[shown, "value"])).all()
        assert (high >= out.loc[shown, "value"]).all()
        assert (low.isna() | (low <= high)).all()


@settings(max_examples=30, deadline=None)
@given(data=grouped_bands(), seed=st.integers(0, 1000))
def test_dsr_ci_brackets_value_and_ignores_row_order(data: pd.DataFrame, seed: int) -> None:
    out = directly_standardised_rate(data, confidence=(0.95, 0.998))
    _brackets(out)
    shuffled = directly_standardised_rate(data.sample(frac=1, random_state=seed),
                                          confidence=(0.95, 0.998))  # fmt: skip
    pd.testing.assert_frame_equal(out, shuffled)


@settings(max_examples=30, deadline=None)
@given(data=grouped_bands(), seed=st.integers(0, 1000))
def test_crude_rate_and_isr_brackets_and_row_order(data: pd.DataFrame, seed: int) -> None:
    calls = [
        lambda d: crude_rate(d, keys=("area_code",), count="deaths", population="person_years",
                             confidence=(0.95, 0.998)),
        lambda d: indirectly_standardised_ratio(
            d.assign(reference_count=d["deaths"].sum() / len(d) + 1.0,
                     reference_population=d["person_years"].mean()),
            confidence=(0.95, 0.998)),
    ]  # fmt: skip
    for call in calls:
        out = call(data)
        _brackets(out)
        pd.testing.assert_frame_equal(out, call(data.sample(frac=1, random_state=seed)))


@settings(max_examples=50, deadline=None)
@given(x=counts, extra=counts, multiplier=st.sampled_from([1, 100]))
def test_wilson_ci_brackets_the_proportion(x: int, extra: int, multiplier: int) -> None:
    data = pd.DataFrame({"x": [float(x)], "n": [float(x + extra + 1)]})
    out = proportion(data, keys=(), numerator="x", denominator="n", multiplier=multiplier,
                     confidence=(0.95, 0.998))  # fmt: skip
    _brackets(out)
    assert out.loc[0, "lower99_8cl"] >= 0 and out.loc[0, "upper99_8cl"] <= multiplier * (1 + 1e-12)
