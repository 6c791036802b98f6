r"""Slope and relative index of inequality (SII, RII) across ordered groups such as
deprivation deciles, by the national reference method, vectorised over areas and draws.

Formula
-------
Within a group (e.g. an area and sex), quantiles :math:`k` (1 = most deprived) have
population shares :math:`a_k = p_k / \sum p` and cumulative-rank midpoints
:math:`b_k = \sum_{j<k} a_j + a_k / 2`. The weighted least-squares fit of the values
:math:`y_k` on :math:`b_k` with weights :math:`a_k` (the reference fits :math:`y\sqrt{a}` on
:math:`\sqrt{a}` and :math:`b\sqrt{a}`, which is the same thing) has the closed form

.. math::

    \beta_1 = \frac{\sum a b y - S_1 \sum a y}{S_2 - S_1^2}, \qquad
    \beta_0 = \frac{S_2 \sum a y - S_1 \sum a b y}{S_2 - S_1^2}, \qquad
    S_1 = \sum a b,\; S_2 = \sum a b^2

and :math:`\text{SII} = \beta_1 \times \text{multiplier}` (fitted difference from the most to
the least deprived end), :math:`\text{RII} = (\beta_0 + \beta_1) / \beta_0` (inverted when the
multiplier is negative), intercept :math:`= \beta_0 \times |\text{multiplier}|`.

With ``transform=True`` (rates on the log scale, proportions on the logit scale, with
back-transform :math:`g^{-1}`) the fit is on the transformed scale and
:math:`\text{SII} = (g^{-1}(\beta_0 + \beta_1) - g^{-1}(\beta_0)) \times \text{multiplier}`,
:math:`\text{RII} = g^{-1}(\beta_0 + \beta_1) / g^{-1}(\beta_0)`, intercept
:math:`g^{-1}(\beta_0) \times |\text{multiplier}|`.

Confidence limits by simulation (Low & Low 2004): in each of ``repetitions`` draws every
quantile's value is drawn from Normal(value, SE) on the transformed scale (log for rates,
logit for proportions), back-transformed unless ``transform=True``, and refitted; the
limits are the sorted draws at positions round(R(1-c)/2) and round(R(1+c)/2). With
``transform=True`` the simulated slope limits :math:`s` are turned into SII limits around the
fitted midpoint :math:`m = \beta_0 + \beta_1/2` as :math:`g^{-1}(m + s/2) - g^{-1}(m - s/2)`.
The SE is taken from ``se`` (on the transformed scale) or from 95% limits as
:math:`(g(U) - g(L)) / (2 \times 1.959964)`.

References
----------
1. Low A, Low A. Measuring the gap: quantifying and comparing local health inequalities.
   J Public Health 2004;26:388-395.
2. PHEindicatormethods 2.1.0, ``phe_sii`` (the national reference method), and PHE's
   SII Excel tool.

Notes
-----
* Errors (:class:`~healthgap.errors.InputError`, every row listed): fewer than 5 or more
  than 100 quantiles, populations missing or of zero or less, SEs missing or negative,
  limits missing, proportions (values or limits) outside [0, 1], rates or counts of zero
  or less (they have no log), repetitions under 1,000, ``transform`` with normal values
  or with an ``se``, a quantile given twice in a group.
* Warnings: more than 10 quantiles (:class:`~healthgap.errors.SmallNumbersWarning`,
  "Small values can make SII unstable when using a large number of quantiles"); a group
  missing any quantile or value is not calculated
  (:class:`~healthgap.errors.SuppressionWarning`, "some records have been removed due to
  incomplete or invalid data"), and its rows carry the reason instead of a value.
* Reproducible: draws come from ``numpy.random.default_rng(seed)`` and groups are taken in
  key order, so row order does not matter. R's random stream cannot be reproduced, so the
  limits agree with the reference only to Monte-Carlo error (about 1% of the CI width at
  100,000 draws).
* Where the fit is linear in the draws (normal values, or ``transform=True``) the
  simulated intercept and slope are drawn directly from their exact joint normal
  distribution, which is the distribution of the refitted coefficients, instead of
  drawing every quantile: the same method, at a tenth of the cost.
* Not reproduced: the reference swaps the limits of a transformed rate SII whenever the
  multiplier is below 1, which gives lower > upper for multipliers between 0 and 1.
  Here limits are swapped only for negative multipliers.

Examples
--------
>>> import pandas as pd
>>> data = pd.DataFrame({"decile": range(1, 11), "population": 1000.0,
...                      "value": [70.0 + k for k in range(10)], "se": 0.5})
>>> out = slope_index_of_inequality(data, keys=(), quantile="decile", se="se",
...                                 repetitions=1000)
>>> out[["measure", "value"]].round(4).to_dict("list")
{'measure': ['sii', 'rii', 'intercept'], 'value': [10.0, 1.1439, 69.5]}
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem, SmallNumbersWarning, SuppressionWarning
from healthgap.measures.intervals import (
    confidence_label,
    limit_columns,
    normalise_confidence,
    z_value,
)
from healthgap.measures.rates import flag_rows, group_index, numeric_problems, require_columns

__all__ = ["slope_index_of_inequality"]

VALUE_TYPES = ("normal", "rate", "proportion")
MIN_QUANTILES, MAX_QUANTILES, WARN_ABOVE_QUANTILES = 5, 100, 10
MIN_REPETITIONS = 1000
#: Largest number of simulated values held at once: bounds memory (about 32 MB a block).
DRAW_BUDGET = 4_000_000
Z95 = float(z_value(0.95))


def _to_scale(values: np.ndarray, value_type: str) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_type == "rate":
            return np.log(values)
        if value_type == "proportion":
            return np.log(values / (1.0 - values))
    return values


def _from_scale(values: np.ndarray, value_type: str) -> np.ndarray:
    if value_type == "rate":
        return np.exp(values)
    if value_type == "proportion":
        return 1.0 / (1.0 + np.exp(-values))
    return values


def _fit_weights(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients c0, c1 (shape (G, Q)) with beta0 = sum(c0 y), beta1 = sum(c1 y)."""
    S1 = np.sum(a * b, axis=-1, keepdims=True)
    S2 = np.sum(a * b * b, axis=-1, keepdims=True)
    det = S2 - S1**2
    return a * (S2 - S1 * b) / det, a * (b - S1) / det


def _order_statistics(draws: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    """Limits (level, lower/upper, G) at sorted positions round(R(1 -/+ c)/2), 1-based."""
    R = draws.shape[-1]
    positions = []
    for level in levels:
        positions += [
            int(np.round(R * (1 - level) / 2)) - 1,
            int(np.round(R * (1 + level) / 2)) - 1,
        ]
    positions = [min(max(p, 0), R - 1) for p in positions]
    # A full sort is faster than np.partition here (NumPy's vectorised sort). A ratio draw
    # is NaN only for an intercept of exactly 0; it would sort last.
    ordered = np.sort(draws, axis=-1)
    return ordered[..., positions].T.reshape(len(levels), 2, -1)


def _simulate(
    t: np.ndarray,
    se: np.ndarray,
    c0: np.ndarray,
    c1: np.ndarray,
    value_type: str,
    transform: bool,
    repetitions: int,
    levels: tuple[float, ...],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulated limits of the slope and of (b0 + b1)/b0, each shaped (level, 2, G)."""
    G, Q = t.shape
    slope_limits = np.empty((len(levels), 2, G))
    ratio_limits = np.empty((len(levels), 2, G))
    linear = transform or value_type == "normal"
    per_group = 2 if linear else Q
    group_chunk = max(1, DRAW_BUDGET // (per_group * repetitions))
    for start in range(0, G, group_chunk):
        part = slice(start, min(start + group_chunk, G))
        if linear:
            slope, intercept = _linear_draws(
                t[part], se[part], c0[part], c1[part], repetitions, rng
            )
        else:
            slope, intercept = _refit_draws(
                t[part], se[part], c0[part], c1[part], value_type, repetitions, rng
            )
        slope_limits[:, :, part] = _order_statistics(slope, levels)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio_limits[:, :, part] = _order_statistics((intercept + slope) / intercept, levels)
    return slope_limits, ratio_limits


def _linear_draws(
    t: np.ndarray, se: np.ndarray, c0: np.ndarray, c1: np.ndarray, R: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw (b1, b0) from their exact joint normal: the refit of Normal(t, se) draws.

    Single precision (7 digits) is ample against the Monte-Carlo error of the limits, and
    halves the cost of drawing and sorting."""
    beta0, beta1 = np.sum(c0 * t, axis=-1), np.sum(c1 * t, axis=-1)
    var0 = np.sum((c0 * se) ** 2, axis=-1)
    var1 = np.sum((c1 * se) ** 2, axis=-1)
    cov = np.sum(c0 * c1 * se**2, axis=-1)
    sd1 = np.sqrt(var1)
    with np.errstate(divide="ignore", invalid="ignore"):
        along = np.where(sd1 > 0, cov / sd1, 0.0)  # Cholesky factor of the 2x2 covariance
    across = np.sqrt(np.maximum(var0 - along**2, 0.0))
    normals = rng.standard_normal((2, len(t), R), dtype=np.float32)

    def column(values: np.ndarray) -> np.ndarray:
        return values.astype(np.float32)[:, None]

    slope = column(beta1) + column(sd1) * normals[0]
    intercept = column(beta0) + column(along) * normals[0] + column(across) * normals[1]
    return slope, intercept


def _refit_draws(
    t: np.ndarray,
    se: np.ndarray,
    c0: np.ndarray,
    c1: np.ndarray,
    value_type: str,
    R: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw every quantile on the transformed scale, back-transform, refit (in draw chunks)."""
    G, Q = t.shape
    single = np.float32  # as in _linear_draws: ample precision, half the cost
    slope, intercept = np.empty((G, R), dtype=single), np.empty((G, R), dtype=single)
    t32, se32, c0_32, c1_32 = (x.astype(single)[:, :, None] for x in (t, se, c0, c1))
    draw_chunk = max(1, DRAW_BUDGET // (G * Q))
    for start in range(0, R, draw_chunk):
        part = slice(start, min(start + draw_chunk, R))
        normals = rng.standard_normal((G, Q, part.stop - part.start), dtype=single)
        y = _from_scale(t32 + se32 * normals, value_type)
        slope[:, part] = np.sum(c1_32 * y, axis=1)
        intercept[:, part] = np.sum(c0_32 * y, axis=1)
    return slope, intercept


def _check_arguments(
    value: str | None,
    count: str | None,
    se: str | None,
    lowercl: str | None,
    uppercl: str | None,
    value_type: str,
    transform: bool,
    multiplier: float,
    repetitions: int,
) -> list[Problem]:
    def arg(column: str, rule: str, message: str) -> Problem:
        return Problem("<arguments>", None, column, rule, message)

    problems = []
    if value_type not in VALUE_TYPES:
        problems.append(arg("value_type", "bad_value_type", f"must be one of {VALUE_TYPES}"))
    if value is None and (count is None or value_type != "proportion"):
        problems.append(
            arg("value", "missing_value", "give value, or count for proportions of population")
        )
    if se is None and (lowercl is None or uppercl is None):
        problems.append(arg("se", "missing_uncertainty", "give se, or both lowercl and uppercl"))
    if transform and value_type == "normal":
        problems.append(arg("transform", "bad_transform", "transform needs a rate or proportion"))
    if transform and se is not None:
        problems.append(arg("se", "bad_transform", "transform needs lowercl/uppercl, not se"))
    if not multiplier or not np.isfinite(multiplier):
        problems.append(arg("multiplier", "bad_multiplier", "must be a non-zero number"))
    if int(repetitions) != repetitions or repetitions < MIN_REPETITIONS:
        problems.append(
            arg(
                "repetitions", "too_few_repetitions", f"must be a whole number >= {MIN_REPETITIONS}"
            )
        )
    return problems


def _check_rows(
    frame: pd.DataFrame, columns: dict[str, str], value_type: str, source: str
) -> list[Problem]:
    """Row rules of the reference; ``columns`` maps roles to column names."""

    def values(role: str) -> np.ndarray:
        return frame[columns[role]].to_numpy(dtype=float)

    pop = values("population")
    problems = flag_rows(
        np.isnan(pop) | (pop <= 0), columns["population"], "population_not_positive",
        "population {value} is missing or not above 0", pop, source,
    )  # fmt: skip
    if "se" in columns:
        se = values("se")
        problems += flag_rows(
            np.isnan(se) | (se < 0), columns["se"], "bad_standard_error",
            "standard error {value} is missing or negative", se, source,
        )  # fmt: skip
    bounded = []
    for role in ("lowercl", "uppercl"):
        if role in columns:
            limit = values(role)
            problems += flag_rows(
                np.isnan(limit), columns[role], "missing_limit", "confidence limit is missing",
                limit, source,
            )  # fmt: skip
            bounded.append(role)
    if "value" in columns:
        bounded.append("value")
    elif "count" in columns:
        count = values("count")
        problems += flag_rows(
            count <= 0, columns["count"], "count_not_positive", "count {value} is not above 0",
            count, source,
        )  # fmt: skip
    for role in bounded:
        v = values(role)
        if value_type == "proportion":
            bad, rule, text = (v <= 0) | (v >= 1), "proportion_out_of_range", "strictly inside"
            problems += flag_rows(
                bad, columns[role], rule, f"proportion {{value}} must be {text} (0, 1)", v, source
            )
        elif value_type == "rate":
            problems += flag_rows(
                v <= 0, columns[role], "rate_not_positive", "rate {value} must be above 0", v,
                source,
            )  # fmt: skip
    return problems


def slope_index_of_inequality(
    data: pd.DataFrame,
    *,
    keys: Sequence[str] = ("area_code", "sex", "period"),
    quantile: str = "quantile",
    population: str = "population",
    value: str | None = "value",
    se: str | None = None,
    lowercl: str | None = None,
    uppercl: str | None = None,
    count: str | None = None,
    value_type: str = "normal",
    transform: bool = False,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    seed: int = 1,
    rii: bool = True,
    intercept: bool = True,
    source: str = "data",
) -> pd.DataFrame:
    """SII (and RII, intercept) with simulated limits for every group of ``keys``.

    Parameters
    ----------
    data : DataFrame
        One row per group and quantile (1 = most deprived).
    keys : sequence of str
        Columns identifying a group (may be empty).
    quantile, population, value : str
        Columns of the quantile number, its population and its value (``value`` may be
        None for proportions when ``count`` is given: value = count / population).
    se, lowercl, uppercl : str or None
        The SE column (on the log/logit scale for rates/proportions), or the 95% limits.
    count : str or None
        Numerator column for proportions of the population.
    value_type : {"normal", "rate", "proportion"}
        Normal values (e.g. life expectancy), rates (log scale) or proportions (logit).
    transform : bool
        Fit on the log/logit scale (rates and proportions, limits required).
    multiplier : float
        Scale of the SII; negative reverses polarity (and inverts the RII).
    confidence : float or sequence of float
        Level(s) as fractions, e.g. ``0.95`` or ``(0.95, 0.998)``.
    repetitions : int
        Simulation draws, at least 1,000 (default 100,000).
    seed : int
        Seed of ``numpy.random.default_rng``.
    rii, intercept : bool
        Also return the RII / the intercept.
    source : str
        Name used for ``data`` in error messages.

    Returns
    -------
    DataFrame
        Long: ``keys``, ``measure`` ("sii", "rii", "intercept"), ``value``, limits,
        ``confidence``, ``statistic``, ``method`` and ``reason`` (why a value is missing).
    """
    levels = normalise_confidence(confidence)
    keys = list(keys)
    problems = _check_arguments(
        value, count, se, lowercl, uppercl, value_type, transform, multiplier, repetitions
    )
    if problems:
        raise InputError(problems)
    # The columns used, by role; an SE wins over limits, a value over a count.
    roles = {"quantile": quantile, "population": population}
    roles.update({"value": value} if value is not None else {"count": str(count)})
    roles.update({"se": se} if se is not None else {"lowercl": lowercl, "uppercl": uppercl})
    problems = require_columns(data, [*keys, *roles.values()], source)
    if problems:
        raise InputError(problems)
    problems = numeric_problems(data, list(roles.values()), source)
    if problems:
        raise InputError(problems)
    problems = _check_rows(data, roles, value_type, source)
    problems += flag_rows(
        data.duplicated([*keys, quantile]).to_numpy(), quantile, "duplicate_quantile",
        "quantile {value} appears twice in its group", data[quantile].to_numpy(), source,
    )  # fmt: skip
    quantiles = np.unique(data[quantile].dropna().to_numpy(dtype=float))
    if not MIN_QUANTILES <= len(quantiles) <= MAX_QUANTILES:
        problems.append(
            Problem(source, None, quantile, "bad_quantile_count",
                    f"{len(quantiles)} quantiles found; the number of quantiles must be "
                    f"between {MIN_QUANTILES} and {MAX_QUANTILES}")
        )  # fmt: skip
    if problems:
        raise InputError(problems)
    if len(quantiles) > WARN_ABOVE_QUANTILES:
        warnings.warn(
            "Small values can make SII unstable when using a large number of quantiles",
            SmallNumbersWarning,
            stacklevel=2,
        )

    groups = group_index(data, keys)
    G, Q = groups.size, len(quantiles)
    k = np.searchsorted(quantiles, data[quantile].to_numpy(dtype=float))
    present = ~np.isnan(data[quantile].to_numpy(dtype=float))

    def grid(column: np.ndarray) -> np.ndarray:
        out = np.full((G, Q), np.nan)
        out[groups.codes[present], k[present]] = column[present]
        return out

    pop = grid(data[population].to_numpy(dtype=float))
    raw = (
        data[value].to_numpy(dtype=float)
        if value is not None
        else data[str(count)].to_numpy(dtype=float) / data[population].to_numpy(dtype=float)
    )
    t = _to_scale(grid(raw), value_type)
    if se is not None:
        se_grid = grid(data[se].to_numpy(dtype=float))
    else:
        upper = _to_scale(grid(data[str(uppercl)].to_numpy(dtype=float)), value_type)
        lower = _to_scale(grid(data[str(lowercl)].to_numpy(dtype=float)), value_type)
        se_grid = (upper - lower) / (2.0 * Z95)
    complete = ~np.any(np.isnan(pop) | np.isnan(t) | np.isnan(se_grid), axis=1)
    if not complete.all():
        warnings.warn(
            "some records have been removed due to incomplete or invalid data",
            SuppressionWarning,
            stacklevel=2,
        )

    a = pop[complete] / np.sum(pop[complete], axis=1, keepdims=True)
    b = np.cumsum(a, axis=1) - a / 2.0
    c0, c1 = _fit_weights(a, b)
    fit_on = t[complete] if transform else _from_scale(t[complete], value_type)
    beta0, beta1 = np.sum(c0 * fit_on, axis=1), np.sum(c1 * fit_on, axis=1)
    rng = np.random.default_rng(seed)
    slope_lim, ratio_lim = _simulate(
        t[complete], se_grid[complete], c0, c1, value_type, transform, int(repetitions), levels, rng
    )
    estimates = _finish(beta0, beta1, slope_lim, ratio_lim, value_type, transform, multiplier)

    measures = ["sii"] + (["rii"] if rii else []) + (["intercept"] if intercept else [])
    M = len(measures)
    # Group-major rows (each group's measures together), groups already in key order.
    result = groups.keys.iloc[np.repeat(np.arange(G), M)].reset_index(drop=True)
    result["measure"] = np.tile(measures, G)
    columns: dict[str, np.ndarray] = {"value": np.full((G, M), np.nan)}
    for lower_name, upper_name in limit_columns(levels):
        columns[lower_name], columns[upper_name] = np.full((G, M), np.nan), np.full((G, M), np.nan)
    for j, measure in enumerate(measures):
        point, limits = estimates[measure]
        columns["value"][complete, j] = point
        for i, (lower_name, upper_name) in enumerate(limit_columns(levels)):
            if limits is not None:
                columns[lower_name][complete, j] = limits[i, 0]
                columns[upper_name][complete, j] = limits[i, 1]
    for name, grid_values in columns.items():
        result[name] = grid_values.ravel()
    result["confidence"] = ", ".join(confidence_label(level) for level in levels)
    scale = f"{value_type}{', transformed' if transform else ''}, multiplier {multiplier:g}"
    statistic = {
        "sii": f"slope index of inequality ({scale})",
        "rii": f"relative index of inequality ({scale})",
        "intercept": f"fitted value at the most deprived end ({scale})",
    }
    result["statistic"] = np.tile([statistic[m] for m in measures], G)
    result["method"] = f"weighted regression, simulation {int(repetitions)} reps, seed {seed}"
    result["reason"] = np.where(
        np.repeat(~complete, M),
        "not calculated: a quantile, its value or its uncertainty is missing",
        "",
    )
    return result


def _finish(
    beta0: np.ndarray,
    beta1: np.ndarray,
    slope_lim: np.ndarray,
    ratio_lim: np.ndarray,
    value_type: str,
    transform: bool,
    multiplier: float,
) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Point values and limits (level, lower/upper, G) of sii, rii and intercept."""
    if transform:
        back = lambda v: _from_scale(v, value_type)  # noqa: E731 - short local alias
        middle = beta0 + beta1 / 2.0
        sii = (back(beta0 + beta1) - back(beta0)) * multiplier
        sii_lim = (back(middle + slope_lim / 2.0) - back(middle - slope_lim / 2.0)) * multiplier
        rii = back(beta0 + beta1) / back(beta0)
        rii_lim = back(middle + slope_lim / 2.0) / back(middle - slope_lim / 2.0)
        fitted_start = back(beta0)
    else:
        sii, sii_lim = beta1 * multiplier, slope_lim * multiplier
        rii, rii_lim = (beta0 + beta1) / beta0, ratio_lim
        fitted_start = beta0
    if multiplier < 0:  # polarity reversed: swap the limits and invert the ratio
        sii_lim = sii_lim[:, ::-1]
        rii, rii_lim = 1.0 / rii, 1.0 / rii_lim[:, ::-1]
    return {
        "sii": (sii, sii_lim),
        "rii": (rii, rii_lim),
        "intercept": (fitted_start * abs(multiplier), None),
    }
