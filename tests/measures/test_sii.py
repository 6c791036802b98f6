"""Slope index of inequality: hand-computed fit, both simulation paths, output layout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.measures import _sii_fit as sii_fit
from healthgap.measures.sii import slope_index_of_inequality


def _deciles(values: list[float], populations: list[float] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"area": "A", "quantile": range(1, len(values) + 1),
                         "population": populations or [100.0] * len(values),
                         "value": values, "se": 0.5})  # fmt: skip


def test_weighted_fit_matches_numpy_least_squares() -> None:
    """The closed form equals lstsq of y*sqrt(a) on (sqrt(a), b*sqrt(a)) as the reference fits."""
    rng = np.random.default_rng(0)
    pops = rng.uniform(100, 1000, 7)
    values = rng.normal(70, 3, 7)
    out = slope_index_of_inequality(_deciles(list(values), list(pops)), keys=("area",),
                                    se="se", repetitions=1000)  # fmt: skip
    a = pops / pops.sum()
    b = np.cumsum(a) - a / 2
    design = np.column_stack([np.sqrt(a), b * np.sqrt(a)])
    (beta0, beta1), *_ = np.linalg.lstsq(design, values * np.sqrt(a), rcond=None)
    got = out.set_index("measure")["value"]
    np.testing.assert_allclose(got[["sii", "rii", "intercept"]],
                               [beta1, (beta0 + beta1) / beta0, beta0], rtol=1e-12)  # fmt: skip


def test_linear_shortcut_agrees_with_refitting_every_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawing (b0, b1) from their joint normal gives the same limits as drawing each
    quantile and refitting, up to Monte-Carlo error at 100,000 draws: 2% of the width for
    95% limits, 3% for the noisier 0.1% tails of the 99.8% limits."""
    data = _deciles([70, 72, 71, 74, 75, 74, 77, 78, 80, 79])
    data["se"] = np.linspace(0.3, 1.2, 10)
    shortcut = slope_index_of_inequality(data, keys=("area",), se="se", confidence=(0.95, 0.998))

    def refit(t, se, c0, c1, R, rng):  # noqa: ANN001, ANN202 - same signature as _linear_draws
        return sii_fit._refit_draws(t, se, c0, c1, "normal", R, rng)

    monkeypatch.setattr(sii_fit, "_linear_draws", refit)
    refitted = slope_index_of_inequality(data, keys=("area",), se="se", confidence=(0.95, 0.998))
    rows = shortcut["measure"] != "intercept"
    for level, share in (("95_0", 0.02), ("99_8", 0.03)):
        width = shortcut[f"upper{level}cl"] - shortcut[f"lower{level}cl"]
        for name in (f"lower{level}cl", f"upper{level}cl"):
            error = ((shortcut[name] - refitted[name]).abs() / width)[rows]
            assert error.max() < share, name


def test_negative_multiplier_flips_sii_and_inverts_rii() -> None:
    data = _deciles([70.0 + k for k in range(10)])
    plain = slope_index_of_inequality(data, keys=("area",), se="se", repetitions=2000)
    flipped = slope_index_of_inequality(data, keys=("area",), se="se", repetitions=2000,
                                        multiplier=-1)  # fmt: skip
    p, f = plain.set_index("measure"), flipped.set_index("measure")
    assert f.loc["sii", "value"] == pytest.approx(-p.loc["sii", "value"])
    assert f.loc["sii", "lowercl"] == pytest.approx(-p.loc["sii", "uppercl"])
    assert f.loc["rii", "value"] == pytest.approx(1 / p.loc["rii", "value"])
    assert f.loc["rii", "lowercl"] == pytest.approx(1 / p.loc["rii", "uppercl"])


def test_output_is_long_with_one_row_per_measure() -> None:
    data = pd.concat([_deciles([1.0] * 5).assign(area=name) for name in ("B", "A")])
    out = slope_index_of_inequality(data, keys=("area",), se="se", repetitions=1000, rii=False)
    assert out[["area", "measure"]].values.tolist() == [
        ["A", "sii"], ["A", "intercept"], ["B", "sii"], ["B", "intercept"]
    ]  # fmt: skip
    assert out["method"].iloc[0] == "weighted regression, simulation 1000 reps, seed 1"
    assert (out["reason"] == "").all()


def test_argument_errors_are_all_listed() -> None:
    data = _deciles([1.0] * 5)
    with pytest.raises(InputError) as caught:
        slope_index_of_inequality(data, keys=("area",), se="se", value_type="normal",
                                  transform=True, repetitions=10, multiplier=0)  # fmt: skip
    rules = [p.rule for p in caught.value.problems]
    assert rules == ["bad_transform", "bad_transform", "bad_multiplier", "too_few_repetitions"]


def test_duplicate_quantile_is_refused() -> None:
    data = _deciles([1.0] * 6)
    data.loc[5, "quantile"] = 5
    with pytest.raises(InputError, match="duplicate_quantile"):
        slope_index_of_inequality(data, keys=("area",), se="se", repetitions=1000)
