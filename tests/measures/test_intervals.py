"""Confidence-interval helpers: hand-computed values and argument checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from healthgap.errors import InputError
from healthgap.measures.intervals import (
    byars_lower,
    byars_upper,
    confidence_label,
    exact_poisson_lower,
    exact_poisson_upper,
    limit_columns,
    normalise_confidence,
    poisson_limits,
    poisson_method,
    wilson_limits,
    z_value,
)


def test_z_matches_the_usual_values() -> None:
    np.testing.assert_allclose(z_value([0.95, 0.998]), [1.959963985, 3.090232306], rtol=1e-9)


def test_byars_by_hand() -> None:
    """O = 100, z = 1.959964: O(1 - 1/900 - z/30)^3 and 101(1 - 1/909 + z/(3 sqrt 101))^3."""
    z = 1.959963984540054
    lower = 100 * (1 - 1 / 900 - z / 30) ** 3
    upper = 101 * (1 - 1 / 909 + z / (3 * math.sqrt(101))) ** 3
    np.testing.assert_allclose(byars_lower(100, 0.95), lower, rtol=1e-12)
    np.testing.assert_allclose(byars_upper(100, 0.95), upper, rtol=1e-12)


def test_byars_lower_is_missing_when_the_bracket_goes_negative() -> None:
    assert np.isnan(byars_lower(1, 0.998))


def test_exact_limits_of_zero_and_one() -> None:
    """Upper limit for 0 events at 95% is -ln(0.025) = 3.6889; lower limit of 1 is -ln(0.975)."""
    assert exact_poisson_lower(0, 0.95) == 0
    np.testing.assert_allclose(exact_poisson_upper(0, 0.95), -math.log(0.025), rtol=1e-10)
    np.testing.assert_allclose(exact_poisson_lower(1, 0.95), -math.log(0.975), rtol=1e-10)


def test_poisson_limits_switch_method_at_ten() -> None:
    lower, upper = poisson_limits([9, 10, np.nan], 0.95)
    np.testing.assert_allclose(lower[:2], [exact_poisson_lower(9, 0.95), byars_lower(10, 0.95)])
    np.testing.assert_allclose(upper[:2], [exact_poisson_upper(9, 0.95), byars_upper(10, 0.95)])
    assert np.isnan(lower[2]) and np.isnan(upper[2])
    assert poisson_method([9, 10, np.nan]).tolist() == ["Exact", "Byars", None]


def test_wilson_at_the_edges_stays_inside_zero_one() -> None:
    lower, upper = wilson_limits([0, 10], [10, 10], 0.95)
    assert lower[0] == 0 and upper[1] == pytest.approx(1.0)
    assert 0 < upper[0] < 1 and 0 < lower[1] < 1


def test_confidence_must_be_a_fraction_and_every_problem_is_listed() -> None:
    with pytest.raises(InputError) as caught:
        normalise_confidence((95, 0.5, 0.95, 0.95))
    rules = [p.rule for p in caught.value.problems]
    assert rules == ["confidence_not_fraction", "confidence_too_low", "confidence_repeated"]


def test_labels_and_column_names() -> None:
    assert [confidence_label(c) for c in (0.9, 0.95, 0.99, 0.998)] == ["90%", "95%", "99%", "99.8%"]
    assert limit_columns([0.95, 0.99]) == [
        ("lower95_0cl", "upper95_0cl"),
        ("lower99_0cl", "upper99_0cl"),
    ]
