"""Comparisons with a comparator: Fingertips categories, colours, labels and difference CIs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.measures.comparisons import BENCHMARK_COLOURS, compare

AREAS = pd.DataFrame(
    {
        "area_code": ["low", "touch", "inside", "high", "no_ci"],
        "sex": "female",
        "value": [10.0, 12.0, 20.0, 30.0, 25.0],
        "lowercl": [8.0, 11.0, 15.0, 25.0, np.nan],
        "uppercl": [12.0, 20.0, 25.0, 35.0, np.nan],
    }
)
ENGLAND = pd.DataFrame({"sex": ["female"], "value": [20.0], "lowercl": [19.0], "uppercl": [21.0]})


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("high_is_good", ["worse", "similar", "similar", "better", "not compared"]),
        ("low_is_good", ["better", "similar", "similar", "worse", "not compared"]),
        ("no_judgement", ["lower", "similar", "similar", "higher", "not compared"]),
    ],
)
def test_categories_follow_overlap_with_the_comparator_value(polarity: str, expected: list) -> None:
    """A CI that touches the comparator value (upper limit exactly 20) is "similar"."""
    out = compare(AREAS, ENGLAND, on=("sex",), polarity=polarity)
    assert out["benchmark"].tolist() == expected
    assert out["benchmark_colour"].tolist() == [BENCHMARK_COLOURS[c] for c in expected]
    assert out["benchmark_method"].iloc[0] == (
        "Confidence intervals overlapping reference value (95.0)"
    )


def test_labels_name_the_comparator_and_level() -> None:
    data = AREAS.rename(columns={"lowercl": "lower99_8cl", "uppercl": "upper99_8cl"})
    out = compare(data, ENGLAND[["sex", "value"]], on=("sex",), confidence=0.998,
                  polarity="no_judgement", comparator_name="the North East")  # fmt: skip
    assert out["benchmark_label"].tolist() == [
        "Lower than the North East (99.8%)",
        "Similar to the North East (99.8%)",
        "Similar to the North East (99.8%)",
        "Higher than the North East (99.8%)",
        "Not compared with the North East",
    ]
    assert out.loc[1, "benchmark_text_colour"] == "#0B0C0C"


def test_difference_limits_combine_both_sides_of_each_ci() -> None:
    """MOVER: high area 30 (25, 35) vs 20 (19, 21): 10 -/+ sqrt(5^2 + 1^2)."""
    out = compare(AREAS, ENGLAND, on=("sex",)).set_index("area_code")
    half = math.sqrt(26)
    np.testing.assert_allclose(
        out.loc["high", ["difference", "difference_lowercl", "difference_uppercl"]].astype(float),
        [10.0, 10.0 - half, 10.0 + half],
    )
    log_half = math.sqrt(math.log(30 / 25) ** 2 + math.log(21 / 20) ** 2)
    np.testing.assert_allclose(out.loc["high", "relative_difference"], 0.5)
    np.testing.assert_allclose(
        out.loc["high", "relative_difference_lowercl"], 1.5 * math.exp(-log_half) - 1
    )


def test_comparator_without_limits_is_treated_as_exact() -> None:
    out = compare(AREAS, ENGLAND[["sex", "value"]], on=("sex",)).set_index("area_code")
    np.testing.assert_allclose(out.loc["high", "difference_lowercl"], 5.0)


def test_bad_arguments_are_all_reported() -> None:
    with pytest.raises(InputError) as caught:
        compare(AREAS, ENGLAND, on=("sex",), polarity="up", confidence=0.99)
    assert [p.rule for p in caught.value.problems] == ["bad_polarity", "bad_benchmark_level"]
    with pytest.raises(InputError, match="missing_limits"):
        compare(AREAS, ENGLAND, on=("sex",), confidence=0.998)
    with pytest.raises(InputError, match="duplicate_comparator"):
        compare(AREAS, pd.concat([ENGLAND, ENGLAND]), on=("sex",))
