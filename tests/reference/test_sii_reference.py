"""Slope and relative index of inequality against PHEindicatormethods' test data.

``sii_testdata.csv`` (PHE's Excel SII tool, as used by the package's ``testSII.R``): each
block is run as the package test runs it, e.g. ``phe_sii(block, Quantile, Population,
value_type = 1, value = Value, lower_cl = LowerCL, upper_cl = UpperCL, transform = TRUE,
rii = TRUE, intercept = TRUE)``. Point SII/RII/intercept: the sheet gives 6 decimal
places, so they must agree to 1e-6. Simulated limits: within 5% of the CI width (the
package's test uses a 5% relative tolerance; the Excel tool's draws are not reproducible).

``sii_package_output_le_by_decile.csv``: ``set.seed(1); phe_sii(group_by(LE_data[first 20
GeoCodes], GeoCode, Sex), Decile, Pop, value_type = 0, value = LifeExp, se = SE,
repetitions = 1e5, confidence = c(0.95, 0.998), rii = TRUE, intercept = TRUE)``. Points to
1e-9; 95% limits within 2% of the 95% width; 99.8% limits (0.1% tails, 100 draws beyond
each limit, so about 3 times the Monte-Carlo noise) within 3% of the 99.8% width.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import shared_path

from healthgap.errors import InputError, SmallNumbersWarning, SuppressionWarning
from healthgap.measures.sii import slope_index_of_inequality

KEYS = ["Area", "Grouping1", "Grouping2"]
SE = {"se": "StandardError"}
CLS = {"lowercl": "LowerCL", "uppercl": "UpperCL"}
RATE, PROP = {"value_type": "rate"}, {"value_type": "proportion"}
TRANSFORM = {"transform": True}

# (rows run, rows holding the expected values, keyword arguments); rows are RecordNo.
BLOCKS = [
    ((1, 20), 1, SE),
    ((1, 20), 1, CLS),
    ((21, 40), 21, {**CLS, "confidence": 0.99}),
    ((21, 40), 21, {**SE, "confidence": 0.99}),
    ((41, 60), 41, SE),
    ((61, 70), 61, SE),
    ((71, 90), 71, {**RATE, **SE}),
    ((71, 90), 71, {**RATE, **CLS}),
    ((91, 110), 91, {**PROP, **SE}),
    ((91, 110), 91, {**PROP, **CLS}),
    ((91, 110), 91, {**PROP, **CLS, "value": None, "count": "Count"}),
    ((111, 130), 111, {**PROP, **CLS, "multiplier": 100}),
    ((131, 150), 131, {**PROP, **CLS, "multiplier": -100}),
    ((226, 245), 226, {**SE, "confidence": (0.95, 0.99)}),
    ((246, 265), 246, CLS),
    ((266, 285), 266, {**RATE, **CLS}),
    ((91, 110), 286, {**RATE, **CLS}),  # the package's "proportion intercept" test runs rates
    ((306, 325), 306, {**RATE, **CLS, **TRANSFORM}),
    ((326, 345), 326, {**PROP, **CLS, **TRANSFORM}),
    ((346, 365), 346, {**PROP, **CLS, **TRANSFORM, "multiplier": -1}),
    ((366, 385), 366, {**RATE, **CLS, **TRANSFORM, "confidence": (0.95, 0.98)}),
    ((386, 405), 386, {**RATE, **CLS, **TRANSFORM, "multiplier": -1}),
    ((406, 425), 406, {**RATE, **CLS, **TRANSFORM, "confidence": 0.98}),
    ((426, 445), 426, {**RATE, **CLS, **TRANSFORM, "rii": False}),
    ((446, 465), 446, {**PROP, **CLS, **TRANSFORM, "rii": False}),
    ((466, 485), 466, {**PROP, **CLS, **TRANSFORM, "confidence": 0.98}),
    ((486, 505), 486, {**PROP, **CLS, **TRANSFORM, "confidence": (0.95, 0.98)}),
]


def _sheet() -> pd.DataFrame:
    return pd.read_csv(shared_path("reference", "phe_testdata", "sii_testdata.csv"))


def _rows(sheet: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    return sheet[sheet["RecordNo"].between(first, last)]


def _run(block: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    arguments = {"keys": KEYS, "quantile": "Quantile", "population": "Population", "value": "Value"}
    return slope_index_of_inequality(block, **{**arguments, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rows", "expected_at", "kwargs"), BLOCKS, ids=[f"{b[0][0]}-{b[0][1]}:{b[1]}" for b in BLOCKS]
)
def test_sii_block_matches_the_excel_tool(
    rows: tuple[int, int], expected_at: int, kwargs: dict
) -> None:
    sheet = _sheet()
    out = _run(_rows(sheet, *rows), **kwargs)
    block_size = 5 if rows == (61, 70) else 10
    expected = sheet[sheet["RecordNo"].isin([expected_at, expected_at + block_size])]
    levels = kwargs.get("confidence", 0.95)
    suffixes = [""] if isinstance(levels, float) else ["95_0", "99_0" if 0.99 in levels else "98_0"]
    checked = 0
    for _, row in expected.iterrows():
        mine = out[out["Area"] == row["Area"]].set_index("measure")
        measures = {"sii": "sii", "rii": "rii", "intercept": "Intercept"}
        for measure, column in measures.items():
            if pd.isna(row[column]) or measure not in mine.index:
                continue
            np.testing.assert_allclose(mine.loc[measure, "value"], row[column], atol=1e-6)
            checked += 1
            for i, suffix in enumerate(suffixes, start=1):
                lower = row.get(f"{measure}_lowercl_{i}")
                upper = row.get(f"{measure}_uppercl_{i}")
                if lower is None or pd.isna(lower):
                    continue
                names = (
                    ("lowercl", "uppercl")
                    if not suffix
                    else (f"lower{suffix}cl", f"upper{suffix}cl")
                )
                width = upper - lower
                got = mine.loc[measure, list(names)].to_numpy(dtype=float)
                np.testing.assert_allclose(got, [lower, upper], atol=0.05 * width)
                checked += 2
    assert checked >= 2


def test_le_by_decile_matches_package_output() -> None:
    folder = shared_path("reference", "phe_testdata")
    data = pd.read_csv(folder / "sii_example_le_by_decile.csv")
    expected = pd.read_csv(folder / "sii_package_output_le_by_decile.csv")
    data = data[data["GeoCode"].isin(expected["GeoCode"])]
    out = slope_index_of_inequality(
        data, keys=("GeoCode", "Sex"), quantile="Decile", population="Pop", value="LifeExp",
        se="SE", confidence=(0.95, 0.998), repetitions=100_000, seed=1,
    )  # fmt: skip
    wide = out.pivot(index=["GeoCode", "Sex"], columns="measure")
    expected = expected.set_index(["GeoCode", "Sex"]).loc[wide.index]
    assert len(expected) == 40
    for measure in ("sii", "rii", "intercept"):
        np.testing.assert_allclose(wide[("value", measure)], expected[measure], rtol=1e-9)
    for measure in ("sii", "rii"):
        for level, share in (("95_0", 0.02), ("99_8", 0.03)):
            lower, upper = f"lower{level}cl", f"upper{level}cl"
            width = expected[f"{measure}_{upper}"] - expected[f"{measure}_{lower}"]
            for name in (lower, upper):
                error = (wide[(name, measure)] - expected[f"{measure}_{name}"]).abs() / width
                assert error.max() < share, (measure, name, error.max())


def test_same_seed_same_limits_and_another_seed_differs() -> None:
    block = _rows(_sheet(), 1, 20)
    first, again = (_run(block, **SE, repetitions=2000, seed=5) for _ in range(2))
    pd.testing.assert_frame_equal(first, again)
    other = _run(block, **SE, repetitions=2000, seed=6)
    assert not np.allclose(first["lowercl"].dropna(), other["lowercl"].dropna())


@pytest.mark.parametrize(
    ("rows", "kwargs", "rule", "row"),
    [
        ((151, 160), SE, "population_not_positive", 3),
        ((161, 165), SE, "bad_standard_error", 4),
        ((191, 200), SE, "bad_standard_error", 2),
        ((191, 200), CLS, "missing_limit", 2),
        ((166, 170), {**PROP, **SE, "value": None, "count": "Count"}, "count_not_positive", 4),
        ((1, 20), {**PROP, **SE}, "proportion_out_of_range", 2),
        ((171, 175), {**PROP, **CLS}, "proportion_out_of_range", 5),
        ((176, 180), {**PROP, **CLS}, "proportion_out_of_range", 3),
        ((1, 3), CLS, "bad_quantile_count", None),
    ],
)
def test_invalid_data_is_refused(rows: tuple[int, int], kwargs: dict, rule: str, row: int) -> None:
    """The package's error tests ("some groups have a zero, negative or missing population",
    "negative or missing standard errors", ...), with every offending row named."""
    with pytest.raises(InputError) as caught:
        _run(_rows(_sheet(), *rows).reset_index(drop=True), **kwargs)
    problems = [p for p in caught.value.problems if p.rule == rule]
    assert problems, caught.value
    assert problems[0].row == row


def test_group_missing_a_quantile_is_dropped_with_a_warning() -> None:
    """``phe_sii(rows c(1:15, 17:20))`` warns "some records have been removed ..."."""
    sheet = _sheet()
    block = sheet[sheet["RecordNo"].between(1, 20) & (sheet["RecordNo"] != 16)]
    with pytest.warns(SuppressionWarning, match="some records have been removed"):
        out = _run(block, **CLS, repetitions=1000)
    area2 = out[out["Area"] == "area2"]
    assert area2["value"].isna().all() and area2["reason"].str.startswith("not calculated").all()
    assert out.loc[out["Area"] == "area1", "value"].notna().all()


def test_more_than_ten_quantiles_warns() -> None:
    with pytest.warns(SmallNumbersWarning, match="Small values can make SII unstable"):
        _run(_rows(_sheet(), 211, 225), **CLS, repetitions=1000)


def test_reference_folder_fixture(phe_testdata: Path) -> None:
    assert (phe_testdata / "sii_testdata.csv").is_file()
