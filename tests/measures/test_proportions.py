"""Proportions with Wilson limits: hand-computed case and refused input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.measures.proportions import proportion


def test_wilson_by_hand_as_a_percentage() -> None:
    """x = 20, n = 100, z = 1.959964: (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))."""
    z = 1.959963984540054
    root = z * math.sqrt(z**2 + 4 * 20 * 0.8)
    scale = 2 * (100 + z**2)
    lower, upper = (40 + z**2 - root) / scale, (40 + z**2 + root) / scale
    data = pd.DataFrame({"g": ["a", "a"], "x": [5.0, 15.0], "n": [50.0, 50.0]})
    out = proportion(data, keys=("g",), numerator="x", denominator="n", multiplier=100)
    np.testing.assert_allclose(out.loc[0, ["value", "lowercl", "uppercl"]].astype(float),
                               [20.0, 100 * lower, 100 * upper], rtol=1e-12)  # fmt: skip
    assert (out.loc[0, "statistic"], out.loc[0, "method"]) == ("percentage", "Wilson")


def test_numerator_above_denominator_and_bad_denominators_are_refused() -> None:
    data = pd.DataFrame({"x": [5.0, 1.0, -1.0], "n": [4.0, 0.0, 3.0]})
    with pytest.raises(InputError) as caught:
        proportion(data, keys=(), numerator="x", denominator="n")
    found = sorted((p.row, p.rule) for p in caught.value.problems)
    assert found == [
        (2, "numerator_exceeds_denominator"),
        (3, "numerator_exceeds_denominator"),
        (3, "population_not_positive"),
        (4, "negative_count"),
    ]
