r"""Gap targets and trajectories: is a gap closing fast enough to meet its target?

A target is set on a gap series (one gap per period with its standard error, e.g.
from :func:`healthgap.decomposition.decompose.life_expectancy_gaps`): the gap at the
target year must be at most

.. math::

    G^* = G_0 (1 - r) \quad\text{(relative)} \qquad\text{or}\qquad G^* = G_0 - r
    \quad\text{(absolute, years)},

with :math:`G_0` the gap of the baseline period. The current trend is the weighted
least-squares line through the observed gaps, weights :math:`w_t = 1/SE_t^2`, at each
period's mid-year :math:`x_t`:

.. math::

    \hat\beta = (X^\top W X)^{-1} X^\top W y, \qquad
    \phi = \max\!\left(1, \frac{\sum_t w_t (y_t - \hat y_t)^2}{n - 2}\right),
    \qquad \widehat{\operatorname{Cov}}(\hat\beta) = \phi\,(X^\top W X)^{-1}.

:math:`\phi` widens the interval when the gaps scatter more than their sampling error
allows. The projected gap at the target year :math:`x^*` has the prediction interval

.. math::

    \hat y^* \pm t_{n-2,(1+c)/2}\sqrt{x^{*\top}\widehat{\operatorname{Cov}}(\hat\beta)x^*
    + \phi\,\overline{SE^2}},

the second term being the sampling error of one period's gap (the mean of the
observed :math:`SE_t^2`). Verdict: **on track** when the whole interval is at or below
:math:`G^*`, **not on track** when the whole interval is above it, otherwise **too
uncertain to say**.

References
----------
1. Department of Health. Tackling health inequalities: 2007 status report on the
   Programme for Action (the 10% Spearhead life-expectancy gap target), 2008.
2. Draper NR, Smith H. Applied regression analysis, 3rd ed. Wiley, 1998, ch. 9
   (weighted least squares, prediction intervals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from healthgap.errors import InputError, Problem
from healthgap.periods import Period

__all__ = ["TargetAssessment", "assess_gap_target"]

ON_TRACK, NOT_ON_TRACK, UNCERTAIN = "on track", "not on track", "too uncertain to say"


@dataclass(frozen=True)
class TargetAssessment:
    """The verdict, the numbers behind it, and the observed and projected gaps (tidy)."""

    verdict: str
    explanation: str
    numbers: dict[str, Any]
    trajectory: pd.DataFrame = field(repr=False)


def _standard_errors(gaps: pd.DataFrame, confidence: float) -> np.ndarray:
    if "se" in gaps.columns:
        return pd.to_numeric(gaps["se"], errors="coerce").to_numpy(float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    return (gaps["uppercl"].to_numpy(float) - gaps["lowercl"].to_numpy(float)) / (2 * z)


def assess_gap_target(
    gaps: pd.DataFrame,
    *,
    baseline_period: str,
    target_year: int,
    reduction: float,
    kind: Literal["relative", "absolute"] = "relative",
    confidence: float = 0.95,
    name: str = "gaps",
) -> TargetAssessment:
    """Project a gap's trend to the target year and say whether the target will be met.

    Parameters
    ----------
    gaps : DataFrame
        One row per period: ``period``, ``value`` (the gap, years) and either ``se`` or
        ``lowercl``/``uppercl`` (at level ``confidence``). At least 3 periods; periods
        should not overlap (overlapping pools share deaths and overstate certainty).
    baseline_period : str
        The period the target is measured from (must be in ``gaps``).
    target_year : int
        The year by which the target should be met.
    reduction : float
        Fraction (0.10 = 10% narrower) when ``kind="relative"``, years when absolute.
    kind : {"relative", "absolute"}
    confidence : float
        Level of the CIs and the prediction interval, as a fraction (0.95).

    Returns
    -------
    TargetAssessment
        ``verdict`` (on track / not on track / too uncertain to say), a plain
        ``explanation``, ``numbers`` (baseline and target gaps, slope per year with its
        CI, projected gap with its prediction interval, dispersion ``phi``), and
        ``trajectory``: observed rows (with CIs and the fitted trend) and the projected
        row, with ``value``, ``lowercl``, ``uppercl``, ``confidence``, ``statistic``,
        ``method`` and the ``target`` gap.

    Examples
    --------
    >>> import pandas as pd
    >>> gaps = pd.DataFrame({"period": ["2007-09", "2010-12", "2013-15", "2016-18", "2019-21"],
    ...                      "value": [8.0, 7.6, 7.3, 6.8, 6.5], "se": 0.1})
    >>> result = assess_gap_target(gaps, baseline_period="2007-09", target_year=2025,
    ...                            reduction=0.10)
    >>> result.verdict, round(result.numbers["target_gap"], 2)
    ('on track', 7.2)
    """
    problems: list[Problem] = []
    if not 0 < float(confidence) < 1:
        problems.append(
            Problem(
                "<argument>",
                None,
                "confidence",
                "confidence_not_fraction",
                f"confidence must be a fraction such as 0.95, got {confidence!r}",
            )
        )
    if kind not in ("relative", "absolute"):
        problems.append(
            Problem(
                "<argument>",
                None,
                "kind",
                "bad_kind",
                f"kind must be 'relative' or 'absolute', got {kind!r}",
            )
        )
    if kind == "relative" and not 0 < reduction < 1:
        problems.append(
            Problem(
                "<argument>",
                None,
                "reduction",
                "not_a_fraction",
                f"a relative reduction is a fraction (0.10 = 10%), got {reduction!r}",
            )
        )
    needed = ["period", "value"] + ([] if "se" in gaps.columns else ["lowercl", "uppercl"])
    problems += [
        Problem(name, None, c, "missing_column", f"the gap series needs {c!r}")
        for c in needed
        if c not in gaps.columns
    ]
    if problems:
        raise InputError(problems)
    series = gaps.dropna(subset=["value"]).reset_index(drop=True)
    periods = [Period.try_parse(label) for label in series["period"]]
    problems += [
        Problem(name, i + 2, "period", "invalid_period", f"{label!r} is not a year or pooled years")
        for i, (label, period) in enumerate(zip(series["period"], periods, strict=True))
        if period is None
    ]
    series["period"] = [
        str(label) if period is None else period.label
        for label, period in zip(series["period"], periods, strict=True)
    ]
    named = Period.try_parse(baseline_period)
    baseline_label = str(baseline_period) if named is None else named.label
    se = _standard_errors(series, confidence)
    bad = ~(np.isfinite(se) & (se > 0))
    problems += [
        Problem(name, int(i) + 2, "se", "bad_standard_error", "each gap needs a positive SE or CI")
        for i in np.flatnonzero(bad)
    ]
    if baseline_label not in set(series["period"]):
        problems.append(
            Problem(
                name,
                None,
                "period",
                "no_baseline",
                f"the baseline period {baseline_period!r} is not in the series",
            )
        )
    if len(series) < 3:
        problems.append(
            Problem(
                name,
                None,
                "period",
                "too_few_periods",
                f"a trend needs at least 3 periods with a gap, got {len(series)}",
            )
        )
    if problems:
        raise InputError(problems)

    years = np.array([period.midpoint for period in periods], dtype=float)
    y = series["value"].to_numpy(float)
    w = 1.0 / se**2
    centre = years.mean()  # centring keeps X'WX well conditioned
    X = np.column_stack([np.ones_like(years), years - centre])
    xtwx_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    beta = xtwx_inv @ (X.T @ (w * y))
    fitted = X @ beta
    df = len(y) - 2
    phi = max(1.0, float(np.sum(w * (y - fitted) ** 2)) / df) if df > 0 else 1.0
    cov = phi * xtwx_inv
    t = stats.t.ppf(0.5 + confidence / 2, df) if df > 0 else np.inf
    x_star = np.array([1.0, target_year - centre])
    projected = float(x_star @ beta)
    pred_se = float(np.sqrt(x_star @ cov @ x_star + phi * np.mean(se**2)))
    low, high = projected - t * pred_se, projected + t * pred_se
    slope_se = float(np.sqrt(cov[1, 1]))

    baseline = float(series.loc[series["period"] == baseline_label, "value"].iloc[0])
    target = baseline * (1 - reduction) if kind == "relative" else baseline - reduction
    if high <= target:
        verdict = ON_TRACK
    elif low > target:
        verdict = NOT_ON_TRACK
    else:
        verdict = UNCERTAIN
    level = f"{confidence * 100:g}%"
    explanation = (
        f"The gap was {baseline:.2f} years in {baseline_label}; the target is {target:.2f} "
        f"years by {target_year}. On the current trend ({beta[1]:+.3f} years per year) the gap "
        f"would be {projected:.2f} years in {target_year} ({level} prediction interval "
        f"{low:.2f} to {high:.2f}): {verdict}."
    )
    numbers = {
        "baseline_period": baseline_label,
        "baseline_gap": baseline,
        "target_year": int(target_year),
        "target_gap": target,
        "kind": kind,
        "reduction": float(reduction),
        "slope_per_year": float(beta[1]),
        "slope_lowercl": float(beta[1] - t * slope_se),
        "slope_uppercl": float(beta[1] + t * slope_se),
        "projected_gap": projected,
        "projected_lowercl": low,
        "projected_uppercl": high,
        "confidence": level,
        "dispersion_phi": phi,
        "periods": int(len(y)),
    }
    z = stats.norm.ppf(0.5 + confidence / 2)
    observed = pd.DataFrame(
        {
            "period": series["period"].to_numpy(),
            "year": years,
            "kind": "observed",
            "value": y,
            "lowercl": y - z * se,
            "uppercl": y + z * se,
            "trend": fitted,
        }
    )
    projection = pd.DataFrame(
        {
            "period": [str(target_year)],
            "year": [float(target_year)],
            "kind": ["projected"],
            "value": [projected],
            "lowercl": [low],
            "uppercl": [high],
            "trend": [projected],
        }
    )
    trajectory = pd.concat([observed, projection], ignore_index=True)
    trajectory["target"] = target
    trajectory["confidence"] = level
    trajectory["statistic"] = "gap in life expectancy (years)"
    trajectory["method"] = np.where(
        trajectory["kind"] == "observed",
        "observed gap, normal CI",
        "weighted least-squares trend, prediction interval",
    )
    trajectory.attrs["target"] = numbers | {"verdict": verdict}
    return TargetAssessment(verdict, explanation, numbers, trajectory)
