"""Properties of life expectancy that must hold for any plausible data (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.agebands import STANDARD_STARTS
from healthgap.measures.life_expectancy import life_expectancy

N_BANDS = len(STANDARD_STARTS)
# English-like rates at each band (Gompertz-type), scaled per group by a drawn factor.
BASE_RATES = np.array([0.004, 0.0002] + [3.5e-5 * np.exp(0.092 * s) for s in STANDARD_STARTS[2:]])


@st.composite
def groups(draw: st.DrawFn, n_groups: int = 3) -> pd.DataFrame:
    """Some groups of plausible, calculable mortality (large enough to pass every rule)."""
    frames = []
    for g in range(n_groups):
        pop = np.array(
            draw(st.lists(st.integers(400, 20_000), min_size=N_BANDS, max_size=N_BANDS)),
            dtype=float,
        )
        factor = draw(st.floats(0.5, 2.0))
        deaths = np.maximum(np.round(pop * BASE_RATES * factor), 0)
        deaths[-1] = max(deaths[-1], 1)
        frames.append(
            pd.DataFrame(
                {
                    "area_code": f"E{g}",
                    "sex": "male",
                    "period": "2014",
                    "age_start": STANDARD_STARTS,
                    "person_years": pop,
                    "deaths": deaths,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@settings(max_examples=40, deadline=None)
@given(data=groups(), levels=st.sampled_from([0.8, 0.95, (0.95, 0.998), 0.999]))
def test_interval_brackets_the_value(data: pd.DataFrame, levels: float | tuple) -> None:
    out = life_expectancy(data, confidence=levels).dropna(subset=["value"])
    lower = [c for c in out.columns if c.startswith("lower")]
    upper = [c for c in out.columns if c.startswith("upper")]
    for low, high in zip(lower, upper, strict=True):
        assert (out[low] <= out["value"]).all() and (out["value"] <= out[high]).all()


@settings(max_examples=40, deadline=None)
@given(
    data=groups(n_groups=1),
    band=st.integers(0, N_BANDS - 1),
    extra=st.integers(1, 50),
)
def test_more_deaths_in_any_band_lower_life_expectancy(
    data: pd.DataFrame, band: int, extra: int
) -> None:
    raised = data.copy()
    raised.loc[band, "deaths"] = min(
        raised.loc[band, "deaths"] + extra, raised.loc[band, "person_years"]
    )
    before = life_expectancy(data, confidence=0.95)["value"].to_numpy()
    after = life_expectancy(raised, confidence=0.95)["value"].to_numpy()
    if raised.loc[band, "deaths"] == data.loc[band, "deaths"]:
        return
    # at and below the band life expectancy falls; above it nothing changes
    assert (after[: band + 1] < before[: band + 1]).all()
    np.testing.assert_allclose(after[band + 1 :], before[band + 1 :], rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(data=groups(), seed=st.integers(0, 2**32 - 1))
def test_result_does_not_depend_on_row_order(data: pd.DataFrame, seed: int) -> None:
    shuffled = data.sample(frac=1.0, random_state=np.random.default_rng(seed))
    keys = ["area_code", "age_start"]
    first = life_expectancy(data).sort_values(keys).reset_index(drop=True)
    second = life_expectancy(shuffled).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)
