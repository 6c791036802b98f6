"""Gap targets: the WLS trend checked independently, verdicts, errors, a demo area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from healthgap.errors import InputError
from healthgap.frameworks.targets import assess_gap_target
from healthgap.periods import Period

PERIODS = ["2007-09", "2010-12", "2013-15", "2016-18", "2019-21"]


def _series(values: list[float], se: float | list[float] = 0.1) -> pd.DataFrame:
    return pd.DataFrame({"period": PERIODS, "value": values, "se": se})


def test_trend_and_interval_match_an_independent_fit() -> None:
    values, se = [8.0, 7.7, 7.5, 7.0, 6.9], [0.1, 0.2, 0.15, 0.1, 0.3]
    result = assess_gap_target(
        _series(values, se), baseline_period="2007-09", target_year=2030, reduction=0.1
    )
    x = np.array([2008.0, 2011, 2014, 2017, 2020])
    # np.polyfit weights multiply residuals, so w = 1/se gives weights 1/se^2 on squares
    slope, intercept = np.polyfit(x, values, 1, w=1 / np.asarray(se))
    assert result.numbers["slope_per_year"] == pytest.approx(slope, rel=1e-10)
    fitted = intercept + slope * x
    chi2 = np.sum(((np.asarray(values) - fitted) / np.asarray(se)) ** 2)
    phi = max(1.0, chi2 / 3)
    assert result.numbers["dispersion_phi"] == pytest.approx(phi, rel=1e-10)
    # prediction variance at 2030 by hand: Var(a + b x*) + phi * mean(se^2)
    W = np.diag(1 / np.asarray(se) ** 2)
    X = np.column_stack([np.ones(5), x])
    cov = phi * np.linalg.inv(X.T @ W @ X)
    xs = np.array([1.0, 2030.0])
    half = stats.t.ppf(0.975, 3) * np.sqrt(xs @ cov @ xs + phi * np.mean(np.square(se)))
    projected = intercept + slope * 2030
    assert result.numbers["projected_gap"] == pytest.approx(projected, rel=1e-10)
    assert result.numbers["projected_uppercl"] == pytest.approx(projected + half, rel=1e-8)
    assert result.numbers["target_gap"] == pytest.approx(7.2)


def test_the_three_verdicts() -> None:
    closing = assess_gap_target(
        _series([8.0, 7.6, 7.3, 6.8, 6.5]),
        baseline_period="2007-09",
        target_year=2025,
        reduction=0.1,
    )
    widening = assess_gap_target(
        _series([8.0, 8.2, 8.5, 8.6, 8.9]),
        baseline_period="2007-09",
        target_year=2025,
        reduction=0.1,
    )
    noisy = assess_gap_target(
        _series([8.0, 6.5, 9.0, 6.0, 8.5], 0.8),
        baseline_period="2007-09",
        target_year=2025,
        reduction=0.1,
    )
    assert closing.verdict == "on track"
    assert widening.verdict == "not on track"
    assert noisy.verdict == "too uncertain to say"
    assert "prediction interval" in noisy.explanation
    traj = closing.trajectory
    assert traj["kind"].tolist() == ["observed"] * 5 + ["projected"]
    assert (traj["lowercl"] < traj["value"]).all() and (traj["value"] < traj["uppercl"]).all()
    assert traj.attrs["target"]["verdict"] == "on track"


def test_absolute_target_and_cis_instead_of_se() -> None:
    z = stats.norm.ppf(0.975)
    values = np.array([8.0, 7.6, 7.3, 6.8, 6.5])
    gaps = pd.DataFrame(
        {
            "period": PERIODS,
            "value": values,
            "lowercl": values - z * 0.1,
            "uppercl": values + z * 0.1,
        }
    )
    by_ci = assess_gap_target(
        gaps, baseline_period="2010-12", target_year=2025, reduction=1.0, kind="absolute"
    )
    by_se = assess_gap_target(
        _series(list(values)),
        baseline_period="2010-12",
        target_year=2025,
        reduction=1.0,
        kind="absolute",
    )
    assert by_ci.numbers["target_gap"] == pytest.approx(6.6)
    assert by_ci.numbers["projected_uppercl"] == pytest.approx(
        by_se.numbers["projected_uppercl"], rel=1e-12
    )


def test_bad_arguments_are_all_reported() -> None:
    two_periods = _series([8.0, 7.0, 6.0, 5.0, 4.0]).head(2)
    with pytest.raises(InputError) as info:
        assess_gap_target(
            two_periods, baseline_period="1999", target_year=2025, reduction=10, confidence=95
        )
    rules = sorted(p.rule for p in info.value.problems)
    assert rules == ["confidence_not_fraction", "not_a_fraction"]
    with pytest.raises(InputError) as info:
        assess_gap_target(two_periods, baseline_period="1999", target_year=2025, reduction=0.1)
    assert sorted(p.rule for p in info.value.problems) == ["no_baseline", "too_few_periods"]
    with pytest.raises(InputError, match="not a year"):
        Period.parse("last year")


def test_verdict_for_a_demo_area() -> None:
    """SYNTHETIC small demo: its local authority against England, five 3-year pools."""
    from healthgap.data import aggregate, pool_periods
    from healthgap.datasets import load_demo
    from healthgap.decomposition.decompose import life_expectancy_gaps

    demo = load_demo("small")
    la = demo["areas"].loc[demo["areas"]["level"] == "la", "area_code"].iloc[0]
    tables = {}
    for name in ("population", "deaths"):
        table = demo[name]
        lsoa = table[table["area_code"] != "E92000001"]
        both = pd.concat(
            [aggregate(lsoa, demo["areas"], "la"), table[table["area_code"] == "E92000001"]]
        )
        both = both.astype({"area_code": str, "period": str, "sex": str})
        pools = [[str(y), str(y + 1), str(y + 2)] for y in range(2010, 2025, 3)]
        tables[name] = pd.concat([pool_periods(both, p) for p in pools], ignore_index=True)
    pairs = pd.DataFrame(
        {"base_area_code": [la], "comparator_area_code": ["E92000001"], "sex": ["male"]}
    )
    gaps = life_expectancy_gaps(tables["deaths"], tables["population"], pairs)
    assert gaps["period"].tolist() == ["2010-12", "2013-15", "2016-18", "2019-21", "2022-24"]
    result = assess_gap_target(gaps, baseline_period="2010-12", target_year=2030, reduction=0.1)
    assert result.verdict in {"on track", "not on track", "too uncertain to say"}
    numbers = result.numbers
    assert numbers["projected_lowercl"] < numbers["projected_gap"] < numbers["projected_uppercl"]
    assert numbers["target_gap"] == pytest.approx(0.9 * gaps["value"].iloc[0])
    assert str(round(numbers["projected_gap"], 2)) in result.explanation
