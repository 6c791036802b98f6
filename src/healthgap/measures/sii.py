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

from healthgap.errors import Problem, SmallNumbersWarning, SuppressionWarning
from healthgap.measures._grouping import group_index
from healthgap.measures._sii_fit import (
    fit_weights,
    from_scale,
    point_and_limits,
    simulate,
    to_scale,
)
from healthgap.measures._validation import ARGUMENT, raise_if_any, read_numeric, row_problems
from healthgap.measures.intervals import (
    confidence_labels,
    limit_columns,
    normalise_confidence,
    z_value,
)

__all__ = ["slope_index_of_inequality"]

VALUE_TYPES = ("normal", "rate", "proportion")
MIN_QUANTILES, MAX_QUANTILES, WARN_ABOVE_QUANTILES = 5, 100, 10
MIN_REPETITIONS = 1000
Z95 = float(z_value(0.95))


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
        return Problem(ARGUMENT, None, column, rule, message)

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
    values: dict[str, np.ndarray], columns: dict[str, str], value_type: str, source: str
) -> list[Problem]:
    """Row rules of the reference; ``values`` and ``columns`` map roles to arrays and names."""

    def flag(role: str, bad: np.ndarray, rule: str, message: str) -> list[Problem]:
        return row_problems(bad, source, columns[role], rule, message, values[role])

    pop = values["population"]
    problems = flag("population", np.isnan(pop) | (pop <= 0), "population_not_positive",
                    "population {value} is missing or not above 0")  # fmt: skip
    if "se" in columns:
        se = values["se"]
        problems += flag("se", np.isnan(se) | (se < 0), "bad_standard_error",
                         "standard error {value} is missing or negative")  # fmt: skip
    bounded = [role for role in ("lowercl", "uppercl") if role in columns]
    for role in bounded:
        problems += flag(role, np.isnan(values[role]), "missing_limit",
                         "confidence limit is missing")  # fmt: skip
    if "value" in columns:
        bounded.append("value")
    elif "count" in columns:
        problems += flag("count", values["count"] <= 0, "count_not_positive",
                         "count {value} is not above 0")  # fmt: skip
    for role in bounded:
        v = values[role]
        if value_type == "proportion":
            problems += flag(role, (v <= 0) | (v >= 1), "proportion_out_of_range",
                             "proportion {value} must be strictly inside (0, 1)")  # fmt: skip
        elif value_type == "rate":
            problems += flag(role, v <= 0, "rate_not_positive", "rate {value} must be above 0")
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
    raise_if_any(
        _check_arguments(
            value, count, se, lowercl, uppercl, value_type, transform, multiplier, repetitions
        )
    )
    # The columns used, by role; an SE wins over limits, a value over a count.
    roles = {"quantile": quantile, "population": population}
    roles.update({"value": value} if value is not None else {"count": str(count)})
    roles.update({"se": se} if se is not None else {"lowercl": lowercl, "uppercl": uppercl})
    numbers = read_numeric(
        data, required=[*keys, *roles.values()], numeric=list(roles.values()), name=source
    )
    values = {role: numbers[column] for role, column in roles.items()}
    problems = _check_rows(values, roles, value_type, source)
    problems += row_problems(
        data.duplicated([*keys, quantile]).to_numpy(), source, quantile, "duplicate_quantile",
        "quantile {value} appears twice in its group", data[quantile].to_numpy(),
    )  # fmt: skip
    quantile_of_row = values["quantile"]
    quantiles = np.unique(quantile_of_row[~np.isnan(quantile_of_row)])
    if not MIN_QUANTILES <= len(quantiles) <= MAX_QUANTILES:
        problems.append(
            Problem(source, None, quantile, "bad_quantile_count",
                    f"{len(quantiles)} quantiles found; the number of quantiles must be "
                    f"between {MIN_QUANTILES} and {MAX_QUANTILES}")
        )  # fmt: skip
    raise_if_any(problems)
    if len(quantiles) > WARN_ABOVE_QUANTILES:
        warnings.warn(
            "Small values can make SII unstable when using a large number of quantiles",
            SmallNumbersWarning,
            stacklevel=2,
        )

    groups = group_index(data, keys)
    G, Q = groups.size, len(quantiles)
    k = np.searchsorted(quantiles, quantile_of_row)
    present = ~np.isnan(quantile_of_row)

    def grid(column: np.ndarray) -> np.ndarray:
        out = np.full((G, Q), np.nan)
        out[groups.codes[present], k[present]] = column[present]
        return out

    pop = grid(values["population"])
    raw = values["value"] if value is not None else values["count"] / values["population"]
    t = to_scale(grid(raw), value_type)
    if se is not None:
        se_grid = grid(values["se"])
    else:
        upper = to_scale(grid(values["uppercl"]), value_type)
        lower = to_scale(grid(values["lowercl"]), value_type)
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
    c0, c1 = fit_weights(a, b)
    fit_on = t[complete] if transform else from_scale(t[complete], value_type)
    beta0, beta1 = np.sum(c0 * fit_on, axis=1), np.sum(c1 * fit_on, axis=1)
    rng = np.random.default_rng(seed)
    slope_lim, ratio_lim = simulate(
        t[complete], se_grid[complete], c0, c1, value_type, transform, int(repetitions), levels, rng
    )
    estimates = point_and_limits(
        beta0, beta1, slope_lim, ratio_lim, value_type, transform, multiplier
    )

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
    result["confidence"] = confidence_labels(levels)
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
