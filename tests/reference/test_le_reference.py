"""Life expectancy against PHEindicatormethods 2.1.0, row by row.

The package outputs were produced with::

    phe_life_expectancy(group_by(df, area), deaths, pops, startage,
                        confidence = c(0.95, 0.998), type = "full")

(``le_package_output.csv``; the synthetic set grouped by ``area, sex`` with
``type = "standard"``). Tolerances: 1e-9 against the package output; 5e-5 (4 dp) against
the published values, and 1e-6 once our CIs are rebuilt with the spreadsheet's z = 1.96.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from healthgap.errors import SuppressionWarning
from healthgap.measures.life_expectancy import life_expectancy

LEVELS = (0.95, 0.998)
CI_COLUMNS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


# Rows (or groups) of each reference file. The tests are parametrised by position so that
# they reach ../shared only through the ``phe_testdata`` fixture (which skips when it is
# absent); ``test_reference_files_have_the_rows_the_tests_cover`` keeps the counts honest.
ROWS = {
    "le_package_output.csv": 318,
    "le_expected_published.csv": 60,
    "le_synthetic_mixed_package_output.csv": 120,  # area x sex groups
    "le_package_warnings.csv": 10,
}


def test_reference_files_have_the_rows_the_tests_cover(phe_testdata: Path) -> None:
    for filename, expected in ROWS.items():
        frame = _reference(phe_testdata, filename)
        if filename.startswith("le_synthetic"):
            frame = frame[["area", "sex"]].drop_duplicates()
        assert len(frame) == expected, filename


@functools.cache
def _reference(folder: Path, filename: str) -> pd.DataFrame:
    """A reference file, read once per session (tests must not modify it)."""
    return pd.read_csv(folder / filename, keep_default_na=True)


def _tidy(inputs: pd.DataFrame) -> pd.DataFrame:
    return inputs.rename(columns={"startage": "age_start", "pops": "person_years"})


@functools.cache
def _case_output(folder: Path, case: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    inputs = _reference(folder, "le_inputs.csv")
    data = _tidy(inputs[inputs["case"] == case])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = life_expectancy(data, keys=["area"], confidence=LEVELS)
    messages = tuple(str(w.message) for w in caught if issubclass(w.category, SuppressionWarning))
    return out.set_index(["area", "age_start"]), messages


@functools.cache
def _synthetic_output(folder: Path) -> pd.DataFrame:
    inputs = _reference(folder, "le_synthetic_mixed_inputs.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SuppressionWarning)
        out = life_expectancy(_tidy(inputs), keys=["area", "sex"], confidence=LEVELS)
    return out.set_index(["area", "sex", "age_start"])


def _assert_matches_package(ours: pd.Series, package: pd.Series) -> None:
    """Value and the four limits equal to 1e-9; the package's NA (or Inf) must be ours too."""
    where = "/".join(str(package.get(k, "")) for k in ("case", "area", "sex", "startage"))
    for column in ["value", *CI_COLUMNS]:
        expected = package[column]
        if np.isfinite(expected):
            assert ours[column] == pytest.approx(expected, abs=1e-9), f"{column} at {where}"
        else:
            assert np.isnan(ours[column]), f"{column} at {where}"
    if np.isnan(package["value"]):
        assert ours["suppression_reason"] != "", f"missing value without a reason at {where}"
        assert ours["suppression_note"] != ""
    else:
        assert ours["suppression_reason"] == "", where


@pytest.mark.parametrize("row", range(ROWS["le_package_output.csv"]))
def test_matches_package_output(phe_testdata: Path, row: int) -> None:
    expected = _reference(phe_testdata, "le_package_output.csv").iloc[row]
    case, area, startage = expected["case"], expected["area"], expected["startage"]
    ours = _case_output(phe_testdata, case)[0].loc[(area, startage)]
    _assert_matches_package(ours, expected)
    if np.isfinite(expected["value"]):
        assert ours["person_years_used"] == expected["pops_used"]
        assert ours["deaths_used"] == expected["dths_used"]


@pytest.mark.parametrize("group", range(ROWS["le_synthetic_mixed_package_output.csv"]))
def test_matches_package_output_on_synthetic_groups(phe_testdata: Path, group: int) -> None:
    package = _reference(phe_testdata, "le_synthetic_mixed_package_output.csv")
    area, sex = package[["area", "sex"]].drop_duplicates().iloc[group]
    expected = package[(package["area"] == area) & (package["sex"] == sex)]
    ours = _synthetic_output(phe_testdata).loc[(area, sex)]
    for _, row in expected.iterrows():
        _assert_matches_package(ours.loc[row["startage"]], row)


def test_zero_deaths_in_open_band_is_explained(phe_testdata: Path) -> None:
    """M030 sex 2 has no deaths at 90+: the package returns NA (and Inf); we say why."""
    ours = _synthetic_output(phe_testdata).loc[("M030", 2)]
    assert ours["value"].isna().all()
    assert (ours["suppression_reason"] == "no_deaths_open_band").all()
    assert np.isnan(ours[CI_COLUMNS].to_numpy()).all()


@pytest.mark.parametrize("row", range(ROWS["le_expected_published.csv"]))
def test_matches_published_values(phe_testdata: Path, row: int) -> None:
    """Published to 4 dp; then 1e-6 with the z that made them.

    The ``main`` values come from PHE's Excel calculator (z = 1.96), the ``widecis`` ones
    from the R package itself (z = qnorm(0.975)).
    """
    expected = _reference(phe_testdata, "le_expected_published.csv").iloc[row]
    case, area, startage = expected["case"], expected["area"], expected["startage"]
    ours = _case_output(phe_testdata, case)[0].loc[(area, startage)]
    if np.isnan(expected["value"]):
        assert np.isnan(ours["value"])
    else:
        assert ours["value"] == pytest.approx(expected["value"], abs=1e-6)
    if np.isnan(expected["lowercl"]):
        assert np.isnan(ours["lower95_0cl"]) and np.isnan(ours["upper95_0cl"])
        return
    assert ours["lower95_0cl"] == pytest.approx(expected["lowercl"], abs=5e-5)
    assert ours["upper95_0cl"] == pytest.approx(expected["uppercl"], abs=5e-5)
    centre = (ours["lower95_0cl"] + ours["upper95_0cl"]) / 2
    se = (ours["upper95_0cl"] - ours["lower95_0cl"]) / (2 * 1.959963984540054)
    z = 1.96 if case == "main" else 1.959963984540054
    assert centre - z * se == pytest.approx(expected["lowercl"], rel=1e-7, abs=1e-6)
    assert centre + z * se == pytest.approx(expected["uppercl"], rel=1e-7, abs=1e-6)
    if np.isfinite(expected["pops_used"]):
        assert ours["person_years_used"] == expected["pops_used"]
        assert ours["deaths_used"] == expected["dths_used"]


@pytest.mark.parametrize("row", range(ROWS["le_package_warnings.csv"]))
def test_raises_the_package_warnings(phe_testdata: Path, row: int) -> None:
    case, text = _reference(phe_testdata, "le_package_warnings.csv").iloc[row]
    expected = tuple(text.split(" | ")) if isinstance(text, str) and text else ()
    assert _case_output(phe_testdata, case)[1] == expected, case


def test_warnings_come_as_suppression_warnings(phe_testdata: Path) -> None:
    """The synthetic run's warnings, via pytest.warns.

    The package warned about small populations and about CIs wider than 20 years; its only
    wide CIs are the infinite ones of ``M030`` sex 2 (no deaths at 90+), which healthgap
    reports under its own rule instead.
    """
    inputs = _tidy(_reference(phe_testdata, "le_synthetic_mixed_inputs.csv"))
    with pytest.warns(SuppressionWarning) as record:
        life_expectancy(inputs, keys=["area", "sex"])
    messages = [str(w.message) for w in record]
    assert len(messages) == 2, "one warning per rule that fired"
    assert "total population of less than 5,000" in messages[0]
    assert "no deaths in the open age band (90+)" in messages[1]


def test_england_2014_from_the_real_ons_files(shared_data: Path) -> None:
    """England 2014 (ONS deaths and mid-2014 population, read through the public import
    path and summed over every LA). The shared data's README gives 79.62 for males and 83.31
    for females from a Chiang II table with a 90+ open band; we get 79.612 and 83.311 (the
    same from the files' own England rows), so the male figure is checked to 0.01."""
    from healthgap.data import aggregate, load_mortality_2014
    from healthgap.measures.deprivation_gap import mortality_by_band

    tables = load_mortality_2014(shared_data)
    areas = tables["areas"]
    deaths = aggregate(tables["deaths"], areas, "country")
    population = aggregate(tables["population"], areas, "country")
    data = mortality_by_band(deaths, population, ["area_code", "sex", "period"])
    england = life_expectancy(data, ages=[0]).set_index("sex")
    assert england.loc["male", "value"] == pytest.approx(79.62, abs=0.01)
    assert round(england.loc["female", "value"], 2) == 83.31
    assert set(england["suppression_reason"]) == {""}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SuppressionWarning)
        by_la = life_expectancy(
            mortality_by_band(
                tables["deaths"], tables["population"], ["area_code", "sex", "period"]
            ),
            ages=[0],
        )
    assert len(by_la) == 2 * (areas["level"] == "la").sum()
    shown = by_la["value"].dropna()
    assert len(shown) >= 0.99 * len(by_la) and shown.between(70, 95).all()
