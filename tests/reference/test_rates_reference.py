"""Crude rates and Byar's limits against PHEindicatormethods' own test data.

Expected values: ``rate_testdata.csv`` (``phe_rate(df, Numerator, Denominator,
multiplier = m, confidence = c(0.95, 0.998))`` row by row), ``rate_grouped_expected.csv``
(the same grouped by ``Area``, 95%) and ``byars_wilson_testdata.csv`` (``byars_lower`` /
``byars_upper``). Tolerance 1e-9 relative: the methods are closed-form.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import shared_path

from healthgap.measures.intervals import byars_lower, byars_upper
from healthgap.measures.rates import crude_rate

RTOL = 1e-9


def _rows(name: str) -> list[pd.Series]:
    try:
        frame = pd.read_csv(shared_path("reference", "phe_testdata", name))
    except pytest.skip.Exception:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"needs ../shared ({name})"))]
    return [pytest.param(row, id=f"{name}:{i + 2}") for i, row in frame.iterrows()]


@pytest.mark.parametrize("row", _rows("rate_testdata.csv"))
def test_crude_rate_matches_each_reference_row(row: pd.Series) -> None:
    """``phe_rate(row, Numerator, Denominator, multiplier, confidence = c(0.95, 0.998))``."""
    data = pd.DataFrame([row[["Area", "Numerator", "Denominator"]]]).astype(
        {"Numerator": float, "Denominator": float}
    )
    out = crude_rate(
        data,
        keys=("Area",),
        count="Numerator",
        population="Denominator",
        multiplier=float(row["multiplier"]),
        confidence=(0.95, 0.998),
    ).iloc[0]
    for column in ("value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"):
        np.testing.assert_allclose(out[column], row[column], rtol=RTOL, equal_nan=True)
    assert out["statistic"] == row["statistic"]
    expected_method = None if pd.isna(row["method"]) else row["method"]
    assert out["method"] == expected_method


def test_grouped_crude_rates_sum_before_dividing(phe_testdata: Path) -> None:
    """``phe_rate(group_by(df, Area), Numerator, Denominator)`` after summing both copies."""
    rows = pd.read_csv(phe_testdata / "rate_testdata.csv")
    expected = pd.read_csv(phe_testdata / "rate_grouped_expected.csv")
    out = crude_rate(rows, keys=("Area",), count="Numerator", population="Denominator")
    merged = expected.merge(out, on="Area", suffixes=("_expected", ""))
    assert len(merged) == len(expected)
    for column in ("Numerator", "Denominator", "value", "lowercl", "uppercl"):
        np.testing.assert_allclose(
            merged[column], merged[f"{column}_expected"], rtol=RTOL, equal_nan=True
        )
    assert (merged["confidence"] == "95%").all()
    known = merged["method_expected"].notna()
    assert (merged.loc[known, "method"] == merged.loc[known, "method_expected"]).all()


def _byars_rows() -> list:
    return [row for row in _rows("byars_wilson_testdata.csv") if _is_byars(row)]


def _is_byars(param) -> bool:  # noqa: ANN001 - a pytest ParameterSet
    row = param.values[0]
    return row is None or row["method"] == "Byars"


@pytest.mark.parametrize("row", _byars_rows())
def test_byars_limits_match_reference(row: pd.Series) -> None:
    """``byars_lower(x, confidence)`` / ``byars_upper(x, confidence)``; NA where negative."""
    level = float(row["confidence"].rstrip("%")) / 100
    np.testing.assert_allclose(
        byars_lower(row["x"], level), row["lowercl"], rtol=RTOL, equal_nan=True
    )
    np.testing.assert_allclose(byars_upper(row["x"], level), row["uppercl"], rtol=RTOL)
