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

import numpy as np
import pandas as pd
import pytest

from conftest import SHARED
from healthgap.errors import SuppressionWarning
from healthgap.measures.life_expectancy import life_expectancy

DATA = SHARED / "reference" / "phe_testdata"
LEVELS = (0.95, 0.998)
CI_COLUMNS = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def _params(filename: str, by: list[str]) -> list:
    """One test parameter per row (or group) of a reference file; a skip when it is absent."""
    path = DATA / filename
    if not path.exists():
        reason = f"needs ../shared/reference/phe_testdata/{filename} beside the repository"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="absent")]
    frame = pd.read_csv(path, keep_default_na=True)
    keys = frame[by].drop_duplicates()
    return [
        pytest.param(tuple(row), id="-".join(map(str, row))) for row in keys.itertuples(index=False)
    ]


def _tidy(inputs: pd.DataFrame) -> pd.DataFrame:
    return inputs.rename(columns={"startage": "age_start", "pops": "person_years"})


@functools.cache
def _case_output(case: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    inputs = pd.read_csv(DATA / "le_inputs.csv")
    data = _tidy(inputs[inputs["case"] == case])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = life_expectancy(data, keys=["area"], confidence=LEVELS)
    messages = tuple(str(w.message) for w in caught if issubclass(w.category, SuppressionWarning))
    return out.set_index(["area", "age_start"]), messages


@functools.cache
def _synthetic_output() -> pd.DataFrame:
    inputs = pd.read_csv(DATA / "le_synthetic_mixed_inputs.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SuppressionWarning)
        out = life_expectancy(_tidy(inputs), keys=["area", "sex"], confidence=LEVELS)
    return out.set_index(["area", "sex", "age_start"])


def _assert_matches_package(ours: pd.Series, package: pd.Series) -> None:
    """Value and the four limits equal to 1e-9; the package's NA (or Inf) must be ours too."""
    for column in ["value", *CI_COLUMNS]:
        expected = package[column]
        if np.isfinite(expected):
            assert ours[column] == pytest.approx(expected, abs=1e-9), column
        else:
            assert np.isnan(ours[column]), column
    if np.isnan(package["value"]):
        assert ours["suppression_reason"] != "", "every missing value needs a reason"
        assert ours["suppression_note"] != ""
    else:
        assert ours["suppression_reason"] == ""


@pytest.mark.parametrize("row", _params("le_package_output.csv", ["case", "area", "startage"]))
def test_matches_package_output(row: tuple[str, str, int]) -> None:
    case, area, startage = row
    package = pd.read_csv(DATA / "le_package_output.csv").set_index(["case", "area", "startage"])
    expected = package.loc[(case, area, startage)]
    ours = _case_output(case)[0].loc[(area, startage)]
    _assert_matches_package(ours, expected)
    if np.isfinite(expected["value"]):
        assert ours["person_years_used"] == expected["pops_used"]
        assert ours["deaths_used"] == expected["dths_used"]


@pytest.mark.parametrize("group", _params("le_synthetic_mixed_package_output.csv", ["area", "sex"]))
def test_matches_package_output_on_synthetic_groups(group: tuple[str, int]) -> None:
    area, sex = group
    package = pd.read_csv(DATA / "le_synthetic_mixed_package_output.csv")
    expected = package[(package["area"] == area) & (package["sex"] == sex)]
    ours = _synthetic_output().loc[(area, sex)]
    for _, row in expected.iterrows():
        _assert_matches_package(ours.loc[row["startage"]], row)


def test_zero_deaths_in_open_band_is_explained() -> None:
    """M030 sex 2 has no deaths at 90+: the package returns NA (and Inf); we say why."""
    if not (DATA / "le_synthetic_mixed_inputs.csv").exists():
        pytest.skip("needs ../shared/reference/phe_testdata beside the repository")
    ours = _synthetic_output().loc[("M030", 2)]
    assert ours["value"].isna().all()
    assert (ours["suppression_reason"] == "no_deaths_open_band").all()
    assert np.isnan(ours[CI_COLUMNS].to_numpy()).all()


@pytest.mark.parametrize("row", _params("le_expected_published.csv", ["case", "area", "startage"]))
def test_matches_published_values(row: tuple[str, str, int]) -> None:
    """Published to 4 dp; then 1e-6 with the z that made them.

    The ``main`` values come from PHE's Excel calculator (z = 1.96), the ``widecis`` ones
    from the R package itself (z = qnorm(0.975)).
    """
    case, area, startage = row
    published = pd.read_csv(DATA / "le_expected_published.csv").set_index(
        ["case", "area", "startage"]
    )
    expected = published.loc[(case, area, startage)]
    ours = _case_output(case)[0].loc[(area, startage)]
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


@pytest.mark.parametrize("case", _params("le_package_warnings.csv", ["case"]))
def test_raises_the_package_warnings(case: tuple[str]) -> None:
    warnings_file = pd.read_csv(DATA / "le_package_warnings.csv", keep_default_na=False)
    text = warnings_file.set_index("case").loc[case[0], "warnings"]
    expected = tuple(text.split(" | ")) if text else ()
    assert _case_output(case[0])[1] == expected


def test_warnings_come_as_suppression_warnings() -> None:
    """The synthetic run's warnings, via pytest.warns.

    The package warned about small populations and about CIs wider than 20 years; its only
    wide CIs are the infinite ones of ``M030`` sex 2 (no deaths at 90+), which healthgap
    reports under its own rule instead.
    """
    if not (DATA / "le_synthetic_mixed_inputs.csv").exists():
        pytest.skip("needs ../shared/reference/phe_testdata beside the repository")
    inputs = _tidy(pd.read_csv(DATA / "le_synthetic_mixed_inputs.csv"))
    with pytest.warns(SuppressionWarning) as record:
        life_expectancy(inputs, keys=["area", "sex"])
    messages = [str(w.message) for w in record]
    assert len(messages) == 2, "one warning per rule that fired"
    assert "total population of less than 5,000" in messages[0]
    assert "no deaths in the open age band (90+)" in messages[1]
