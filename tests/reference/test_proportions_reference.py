"""Proportions and Wilson limits against PHEindicatormethods' own test data.

Expected values: ``proportion_testdata.csv`` (``phe_proportion(df, Numerator, Denominator,
multiplier = m, confidence = c(0.95, 0.998))`` row by row), ``proportion_grouped_expected.csv``
(grouped by ``Area``, 95%) and the Wilson rows of ``byars_wilson_testdata.csv``
(``wilson_lower`` / ``wilson_upper``). Tolerance 1e-9 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.reference.test_rates_reference import _rows

from healthgap.measures.intervals import wilson_limits
from healthgap.measures.proportions import proportion

RTOL = 1e-9


@pytest.mark.parametrize("row", _rows("proportion_testdata.csv"))
def test_proportion_matches_each_reference_row(row: pd.Series) -> None:
    data = pd.DataFrame([row[["Area", "Numerator", "Denominator"]]]).astype(
        {"Numerator": float, "Denominator": float}
    )
    out = proportion(
        data,
        keys=("Area",),
        numerator="Numerator",
        denominator="Denominator",
        multiplier=float(row["multiplier"]),
        confidence=(0.95, 0.998),
    ).iloc[0]
    for column in ("value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"):
        np.testing.assert_allclose(out[column], row[column], rtol=RTOL, equal_nan=True)
    assert (out["statistic"], out["method"]) == (row["statistic"], row["method"])


def test_grouped_proportions_sum_before_dividing(phe_testdata: Path) -> None:
    rows = pd.read_csv(phe_testdata / "proportion_testdata.csv")
    rows = rows[rows["multiplier"] == 1]
    doubled = pd.concat([rows, rows])
    expected = pd.read_csv(phe_testdata / "proportion_grouped_expected.csv")
    out = proportion(doubled, keys=("Area",), numerator="Numerator", denominator="Denominator")
    merged = expected.merge(out, on="Area", suffixes=("_expected", ""))
    assert len(merged) == len(expected)
    for column in ("value", "lowercl", "uppercl"):
        np.testing.assert_allclose(
            merged[column], merged[f"{column}_expected"], rtol=RTOL, equal_nan=True
        )
    # The reference sheet lists Area10 (no denominator) once, not twice; compare the sums
    # where the proportion exists.
    known = merged["value_expected"].notna()
    for column in ("Numerator", "Denominator"):
        np.testing.assert_allclose(
            merged.loc[known, column], merged.loc[known, f"{column}_expected"]
        )


@pytest.mark.parametrize(
    "row", [r for r in _rows("byars_wilson_testdata.csv") if r.values[0] is None
            or r.values[0]["method"] == "Wilson"]
)  # fmt: skip
def test_wilson_limits_match_reference(row: pd.Series) -> None:
    level = float(row["confidence"].rstrip("%")) / 100
    lower, upper = wilson_limits(row["x"], row["n"], level)
    np.testing.assert_allclose([lower, upper], [row["lowercl"], row["uppercl"]], rtol=RTOL)
