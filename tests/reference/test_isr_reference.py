"""Indirect standardisation against PHEindicatormethods' own test data (``isr_expected.csv``).

Calls: ``calculate_ISRate(df, count, pop, x_ref = refcount, n_ref = refpop, refpoptype =
"vector", multiplier = m, confidence = c(0.95, 0.998))`` and ``calculate_ISRatio(...,
refvalue = r)``; the ``*_err2_input`` scenarios run on ``dsr_err2_zero_pop.csv`` (a zero
population is allowed here) at 95%. Tolerance 1e-9 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import shared_path

from healthgap.measures.isr import indirectly_standardised_rate, indirectly_standardised_ratio

RTOL = 1e-9
LIMITS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def _folder() -> Path:
    return shared_path("reference", "phe_testdata")


def _reference() -> pd.DataFrame:
    return pd.read_csv(_folder() / "isr_refdata.csv").rename(
        columns={
            "Age Band": "ageband",
            "refcount": "reference_count",
            "refpop": "reference_population",
        }
    )


def _expected(scenario: str) -> pd.DataFrame:
    expected = pd.read_csv(_folder() / "isr_expected.csv")
    return expected[expected["scenario"] == scenario]


def _check(out: pd.DataFrame, scenario: str, limits: list[str]) -> None:
    expected = _expected(scenario)
    merged = expected.merge(out, on="area", suffixes=("_expected", ""))
    assert len(merged) == len(expected) > 0
    columns = ["observed", "expected", "value", *limits]
    columns += ["ref_rate"] if "ref_rate" in out else []
    for column in columns:
        np.testing.assert_allclose(merged[column], merged[f"{column}_expected"], rtol=RTOL)
    assert (merged["statistic"] == merged["statistic_expected"]).all()
    assert (merged["method"] == merged["method_expected"]).all()


CALLS = {"keys": ("area",), "age_start": "ageband", "count": "count", "population": "pop"}


@pytest.mark.parametrize("reference_in_data", [False, True])
@pytest.mark.parametrize(("scenario", "multiplier"), [("per100000", 100_000), ("per1000", 1000)])
def test_rates(scenario: str, multiplier: int, reference_in_data: bool) -> None:
    """Reference joined by band label, or repeated in the data (``isr_input_multiarea_ownref``)."""
    if reference_in_data:
        data = pd.read_csv(_folder() / "isr_input_multiarea_ownref.csv")
        extra = {"reference_count": "refcount", "reference_population": "refpop"}
    else:
        data = pd.read_csv(_folder() / "dsr_isr_input_multiarea.csv")
        extra = {"reference": _reference()}
    out = indirectly_standardised_rate(
        data, **CALLS, **extra, multiplier=multiplier, confidence=(0.95, 0.998)
    )
    _check(out, f"israte_{scenario}", LIMITS)


@pytest.mark.parametrize(("scenario", "value"), [("x1", 1), ("x100", 100)])
def test_ratios(scenario: str, value: int) -> None:
    data = pd.read_csv(_folder() / "dsr_isr_input_multiarea.csv")
    out = indirectly_standardised_ratio(
        data, **CALLS, reference=_reference(), reference_value=value, confidence=(0.95, 0.998)
    )
    _check(out, f"isratio_{scenario}", LIMITS)


def test_observed_totals_replace_summed_counts() -> None:
    """``observed_totals`` from ``isr_input_observed_totals.csv`` with zeroed counts."""
    data = pd.read_csv(_folder() / "dsr_isr_input_multiarea.csv").assign(count=0.0)
    totals = pd.read_csv(_folder() / "isr_input_observed_totals.csv")
    out = indirectly_standardised_ratio(
        data, **CALLS, reference=_reference(), confidence=(0.95, 0.998),
        observed_totals=totals.rename(columns={"total_count": "count"}),
    )  # fmt: skip
    _check(out, "isratio_x1", LIMITS)


def test_zero_population_is_allowed() -> None:
    """Scenarios ``*_err2_input``: Area1 has a population of 0 in one band."""
    data = pd.read_csv(_folder() / "dsr_err2_zero_pop.csv")
    bands = _reference()["ageband"]
    data["ageband"] = data.groupby("area").cumcount().map(dict(enumerate(bands)))
    rate = indirectly_standardised_rate(data, **CALLS, reference=_reference())
    ratio = indirectly_standardised_ratio(
        data, **CALLS, reference=_reference(), reference_value=100
    )
    for out, scenario in [
        (rate, "israte_per100000_err2_input"),
        (ratio, "isratio_x100_err2_input"),
    ]:
        merged = _expected(scenario).merge(out, on="area", suffixes=("_expected", ""))
        assert len(merged) == 2
        for column, expected in [
            ("expected", "expected_expected"),
            ("value", "value_expected"),
            ("lowercl", "lower95_0cl"),
            ("uppercl", "upper95_0cl"),
        ]:
            np.testing.assert_allclose(merged[column], merged[expected], rtol=RTOL)
        assert (merged["method"] == merged["method_expected"]).all()
