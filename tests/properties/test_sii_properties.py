"""Properties of the slope index of inequality: the SII of a constant is zero, the CI
brackets the value, and the result does not depend on the order of the rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.measures.sii import slope_index_of_inequality

populations = st.lists(st.floats(100, 1e5), min_size=5, max_size=12)


def _frame(pops: list[float], values: list[float], area: str = "A") -> pd.DataFrame:
    return pd.DataFrame({"area": area, "quantile": range(1, len(pops) + 1), "population": pops,
                         "value": values, "se": 0.4})  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(pops=populations.filter(lambda p: len(p) <= 10), level=st.floats(1.0, 100.0))
def test_sii_of_a_constant_is_zero(pops: list[float], level: float) -> None:
    out = slope_index_of_inequality(_frame(pops, [level] * len(pops)), keys=("area",), se="se",
                                    repetitions=1000).set_index("measure")  # fmt: skip
    assert abs(out.loc["sii", "value"]) < 1e-9 * level
    assert abs(out.loc["rii", "value"] - 1) < 1e-9
    assert abs(out.loc["intercept", "value"] - level) < 1e-9 * level


@settings(max_examples=20, deadline=None)
@given(
    pops=populations.filter(lambda p: len(p) <= 10),
    slope=st.floats(-20, 20),
    noise=st.lists(st.floats(-1, 1), min_size=10, max_size=10),
    seed=st.integers(0, 1000),
)
def test_ci_brackets_sii_and_row_order_does_not_matter(
    pops: list[float], slope: float, noise: list[float], seed: int
) -> None:
    k = len(pops)
    values = [60 + slope * i / k + noise[i] for i in range(k)]
    data = pd.concat([_frame(pops, values, "A"), _frame(pops[::-1], values, "B")])
    out = slope_index_of_inequality(data, keys=("area",), se="se", repetitions=2000)
    sii = out[out["measure"] == "sii"]
    assert (sii["lowercl"] <= sii["value"]).all() and (sii["value"] <= sii["uppercl"]).all()
    shuffled = slope_index_of_inequality(data.sample(frac=1, random_state=seed), keys=("area",),
                                         se="se", repetitions=2000)  # fmt: skip
    pd.testing.assert_frame_equal(out, shuffled)
    assert np.isfinite(out["value"]).all()
