"""Indirect standardisation: hand-computed case and refused input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.measures.intervals import exact_poisson_lower
from healthgap.measures.isr import indirectly_standardised_rate, indirectly_standardised_ratio

REFERENCE = pd.DataFrame(
    {"age_start": [0, 50], "reference_count": [10.0, 90.0], "reference_population": [1e4, 1e4]}
)


def _data(deaths: tuple[float, float]) -> pd.DataFrame:
    return pd.DataFrame({"area": "A", "age_start": [50, 0], "deaths": list(deaths),
                         "person_years": [100.0, 1000.0]})  # fmt: skip


def test_ratio_and_rate_by_hand() -> None:
    """E = 0.001*1000 + 0.009*100 = 1.9; O = 4; ratio 4/1.9; ref rate 100/20000 = 0.005."""
    data = _data((3.0, 1.0))
    ratio = indirectly_standardised_ratio(data, keys=("area",), reference=REFERENCE)
    assert ratio.loc[0, "expected"] == pytest.approx(1.9)
    assert ratio.loc[0, "value"] == pytest.approx(4 / 1.9)
    assert ratio.loc[0, "lowercl"] == pytest.approx(exact_poisson_lower(4, 0.95) / 1.9)
    assert ratio.loc[0, "method"] == "Exact"
    rate = indirectly_standardised_rate(data, keys=("area",), reference=REFERENCE, multiplier=1e5)
    assert rate.loc[0, "ref_rate"] == pytest.approx(500.0)
    assert rate.loc[0, "value"] == pytest.approx(4 / 1.9 * 500)


def test_band_missing_from_the_reference_is_refused() -> None:
    data = _data((3.0, 1.0))
    data.loc[0, "age_start"] = 60
    with pytest.raises(InputError) as caught:
        indirectly_standardised_ratio(data, keys=("area",), reference=REFERENCE)
    assert [(p.row, p.rule) for p in caught.value.problems] == [(2, "unknown_band")]


def test_negative_population_and_missing_observed_total_are_refused() -> None:
    data = _data((3.0, 1.0))
    data.loc[1, "person_years"] = -1
    with pytest.raises(InputError, match="negative_population"):
        indirectly_standardised_ratio(data, keys=("area",), reference=REFERENCE)
    totals = pd.DataFrame({"area": ["B"], "deaths": [5.0]})
    with pytest.raises(InputError, match="missing_total"):
        indirectly_standardised_ratio(
            _data((1.0, 1.0)), keys=("area",), reference=REFERENCE, observed_totals=totals
        )


def test_observed_totals_replace_the_counts() -> None:
    totals = pd.DataFrame({"area": ["A"], "deaths": [19.0]})
    out = indirectly_standardised_ratio(
        _data((0.0, 0.0)), keys=("area",), reference=REFERENCE, observed_totals=totals
    )
    np.testing.assert_allclose(out.loc[0, ["observed", "value"]].astype(float), [19, 10.0])
    assert out.loc[0, "method"] == "Byars"
