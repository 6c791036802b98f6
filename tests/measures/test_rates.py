"""Crude rates: hand-computed cases, grouping, missing values and refused input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.measures.intervals import byars_lower, exact_poisson_upper
from healthgap.measures.rates import crude_rate


def test_rate_is_summed_within_groups_then_divided() -> None:
    data = pd.DataFrame(
        {"area": ["B", "A", "A"], "deaths": [30.0, 3.0, 6.0], "py": [1000.0, 100.0, 200.0]}
    )
    out = crude_rate(data, keys=("area",), count="deaths", population="py", multiplier=1000)
    assert out["area"].tolist() == ["A", "B"]
    np.testing.assert_allclose(out["value"], [30.0, 30.0])
    np.testing.assert_allclose(out.loc[0, "uppercl"], exact_poisson_upper(9, 0.95) / 300 * 1000)
    np.testing.assert_allclose(out.loc[1, "lowercl"], byars_lower(30, 0.95) / 1000 * 1000)
    assert out["method"].tolist() == ["Exact", "Byars"]
    assert out["statistic"].tolist() == ["rate per 1000"] * 2


def test_no_keys_gives_one_overall_rate() -> None:
    data = pd.DataFrame({"deaths": [1.0, 2.0], "py": [10.0, 20.0]})
    out = crude_rate(data, keys=(), count="deaths", population="py", confidence=(0.95, 0.998))
    assert len(out) == 1 and out.loc[0, "value"] == pytest.approx(10_000)
    assert {"lower95_0cl", "upper99_8cl"} <= set(out.columns)
    assert out.loc[0, "confidence"] == "95%, 99.8%"


def test_missing_count_gives_missing_rate_not_an_error() -> None:
    data = pd.DataFrame({"area": ["A", "A"], "deaths": [1.0, np.nan], "py": [10.0, 10.0]})
    out = crude_rate(data, keys=("area",), count="deaths", population="py")
    assert np.isnan(out.loc[0, ["value", "lowercl", "uppercl"]].astype(float)).all()
    assert out.loc[0, "method"] is None


def test_every_bad_row_is_reported() -> None:
    data = pd.DataFrame({"area": list("ABC"), "deaths": [-1.0, 2.0, -3.0], "py": [1.0, 0.0, 5.0]})
    with pytest.raises(InputError) as caught:
        crude_rate(data, keys=("area",), count="deaths", population="py", source="d.csv")
    found = [(p.file, p.row, p.column, p.rule) for p in caught.value.problems]
    assert found == [
        ("d.csv", 2, "deaths", "negative_count"),
        ("d.csv", 4, "deaths", "negative_count"),
        ("d.csv", 3, "py", "population_not_positive"),
    ]


def test_missing_and_non_numeric_columns_are_refused() -> None:
    data = pd.DataFrame({"deaths": ["a"], "py": [1.0]})
    with pytest.raises(InputError) as caught:
        crude_rate(data, keys=("area",), count="deaths", population="py")
    assert [p.rule for p in caught.value.problems] == ["missing_column"]
    with pytest.raises(InputError) as caught:
        crude_rate(data, keys=(), count="deaths", population="py", multiplier=0)
    assert [p.rule for p in caught.value.problems] == ["not_numeric", "bad_multiplier"]


def test_percent_confidence_is_refused() -> None:
    data = pd.DataFrame({"deaths": [1.0], "py": [1.0]})
    with pytest.raises(InputError, match="confidence_not_fraction"):
        crude_rate(data, keys=(), count="deaths", population="py", confidence=95)
