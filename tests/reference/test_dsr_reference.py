"""Directly standardised rates against PHEindicatormethods' own test data.

``dsr_expected.csv`` holds the package's test sheet (``calculate_dsr(..., stdpop = esp2013,
confidence = c(0.95, 0.998))`` with the multipliers of each scenario);
``dsr_synthetic_mixed_package_output.csv`` is ``calculate_dsr(group_by(area, sex), deaths,
pops, stdpop = esp2013, confidence = c(0.95, 0.998))`` on 120 synthetic groups.
Tolerance: 1e-9 relative (the method is closed-form; the README suggests 1e-6).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import shared_path

from healthgap.errors import InputError
from healthgap.measures.dsr import directly_standardised_rate

RTOL = 1e-9
LIMITS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def _folder() -> Path:
    return shared_path("reference", "phe_testdata")


def _esp_by_row(frame: pd.DataFrame, group: str) -> pd.Series:
    """ESP2013 weights added in row order within each group, as the package tests do."""
    weights = pd.read_csv(_folder() / "esp2013.csv")["esp2013"]
    return frame.groupby(group).cumcount().map(dict(enumerate(weights)))


def _multiarea() -> pd.DataFrame:
    data = pd.read_csv(_folder() / "dsr_isr_input_multiarea.csv")
    data["esp2013"] = _esp_by_row(data, "area")
    return data


def _nonindependent() -> pd.DataFrame:
    """Long form: one row per area, band and number of events (f1-f4 -> freq 1-4)."""
    wide = pd.read_csv(_folder() / "dsr_input_nonindependent.csv")
    wide["esp2013"] = _esp_by_row(wide, "area")
    long = wide.melt(
        id_vars=["area", "ageband", "pop", "esp2013"],
        value_vars=["f1", "f2", "f3", "f4"],
        var_name="freq",
        value_name="persons",
    )
    long["freq"] = long["freq"].str[1].astype(int)
    dropped = (long["freq"] == 4) & long["area"].str.endswith(("_dummy", "_small", "_tiny"))
    return long[~dropped]


def _expected(scenario: str) -> pd.DataFrame:
    expected = pd.read_csv(_folder() / "dsr_expected.csv")
    return expected[expected["scenario"] == scenario].reset_index(drop=True)


def _check(out: pd.DataFrame, expected: pd.DataFrame, columns: list[str]) -> None:
    merged = expected.merge(out, on="area", suffixes=("_expected", ""))
    assert len(merged) == len(expected)
    for column in columns:
        np.testing.assert_allclose(
            merged[column], merged[f"{column}_expected"], rtol=RTOL, equal_nan=True
        )
    assert (merged["statistic"] == merged["statistic_expected"]).all()
    assert (merged["method"] == merged["method_expected"]).all()


@pytest.mark.parametrize("multiplier", [10_000, 100_000])
def test_multiarea_scenarios(multiplier: int) -> None:
    """Scenarios ``multiarea_esp2013_per10000`` / ``_per100000``; the tiny area (9 deaths)
    is suppressed with "dsr NA for total count < 10"."""
    out = directly_standardised_rate(
        _multiarea(), keys=("area",), age_start="ageband", count="count", population="pop",
        standard="esp2013", multiplier=multiplier, confidence=(0.95, 0.998),
    )  # fmt: skip
    scenario = f"multiarea_esp2013_per{multiplier}"
    # The per-10,000 sheet row only records 95% limits to check (see the README).
    limits = LIMITS if multiplier == 100_000 else LIMITS[:2]
    _check(out, _expected(scenario), ["total_count", "total_pop", "value", *limits])
    tiny = out.set_index("area").loc["testdata_tiny"]
    assert np.isnan(tiny[["value", *LIMITS]].astype(float)).all()
    assert tiny["statistic"] == "dsr NA for total count < 10"


@pytest.mark.parametrize("multiplier", [10_000, 100_000])
def test_esp1976_scenarios(multiplier: int) -> None:
    """``calculate_dsr(count, pop, stdpop = esp1976)``; the sheet's 99.8% cells are wrong,
    so they are checked against the package's values quoted in the README."""
    data = pd.read_csv(_folder() / "dsr_input_esp1976.csv").assign(area="testdata_1976")
    out = directly_standardised_rate(
        data, keys=("area",), age_start="Age Band", count="count", population="pop",
        standard="esp1976", multiplier=multiplier, confidence=(0.95, 0.998),
    )  # fmt: skip
    _check(out, _expected(f"esp1976_per{multiplier}"), ["total_count", "value", *LIMITS[:2]])
    scale = multiplier / 100_000
    np.testing.assert_allclose(
        out[LIMITS[2:]].to_numpy()[0], np.array([7659.282107, 9599.211799]) * scale, rtol=1e-9
    )


def test_nonindependent_events_scenario() -> None:
    """``calculate_dsr(persons, pop, stdpop = esp2013, independent_events = FALSE,
    eventfreq = freq, ageband = ageband, confidence = c(0.95, 0.998))``."""
    out = directly_standardised_rate(
        _nonindependent(), keys=("area",), age_start="ageband", count="persons",
        population="pop", standard="esp2013", confidence=(0.95, 0.998),
        independent_events=False, event_frequency="freq",
    )  # fmt: skip
    expected = _expected("nonindependent_esp2013_per100000")
    # the sheet rounds these to 8 decimal places
    merged = expected.merge(out, on="area", suffixes=("_expected", ""))
    for column in ["total_count", "total_pop", "value", *LIMITS]:
        np.testing.assert_allclose(
            merged[column], merged[f"{column}_expected"], atol=5e-8, equal_nan=True
        )
    assert (merged["statistic"] == merged["statistic_expected"]).all()
    assert (merged["method"] == merged["method_expected"]).all()


@pytest.mark.parametrize(
    ("name", "row", "column", "rule"),
    [
        ("dsr_err1_negative_count.csv", 7, "count", "negative_count"),
        ("dsr_err2_zero_pop.csv", 3, "pop", "population_not_positive"),
        ("dsr_err3_negative_pop.csv", 3, "pop", "population_not_positive"),
        ("dsr_err4_negative_stdpop.csv", 7, "stdpop", "negative_standard"),
    ],
)
def test_bad_inputs_are_refused_naming_the_row(name: str, row: int, column: str, rule: str) -> None:
    data = pd.read_csv(_folder() / name)
    if "stdpop" not in data:
        data["stdpop"] = _esp_by_row(data, "area")
        data["Age Band"] = data.groupby("area").cumcount()
    else:
        data["area"] = "A"
    with pytest.raises(InputError) as caught:
        directly_standardised_rate(
            data, keys=("area",), age_start="Age Band", count="count", population="pop",
            standard="stdpop", source=name,
        )  # fmt: skip
    assert [(p.file, p.row, p.column, p.rule) for p in caught.value.problems] == [
        (name, row, column, rule)
    ]


@pytest.mark.parametrize("standard", ["esp2013", None])
def test_synthetic_groups_match_package_output(standard: str | None) -> None:
    """120 synthetic area-sex groups, with the standard as a column and as the built-in
    ESP2013 joined by ``age_start``; suppressed groups included."""
    data = pd.read_csv(_folder() / "dsr_synthetic_mixed_inputs.csv")
    expected = pd.read_csv(_folder() / "dsr_synthetic_mixed_package_output.csv")
    out = directly_standardised_rate(
        data, keys=("area", "sex"), age_start="band", count="deaths", population="pops",
        standard=standard, confidence=(0.95, 0.998),
    )  # fmt: skip
    merged = expected.merge(out, on=["area", "sex"], suffixes=("_expected", ""))
    assert len(merged) == len(expected) == 120
    for column in ["total_count", "total_pop", "value", *LIMITS]:
        np.testing.assert_allclose(
            merged[column], merged[f"{column}_expected"], rtol=RTOL, equal_nan=True
        )
    assert (merged["statistic"] == merged["statistic_expected"]).all()
    assert (merged["confidence"] == merged["confidence_expected"]).all()
