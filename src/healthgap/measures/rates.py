r"""Crude rates with Byar's (or exact Poisson) confidence limits.

Formula
-------
For a count :math:`O` of events in a population (person-years) :math:`n`:

.. math::

    \text{rate} = \frac{O}{n} \times \text{multiplier}, \qquad
    \text{limits} = \frac{O_L}{n}, \frac{O_U}{n} \times \text{multiplier}

where :math:`O_L, O_U` are exact Poisson limits when :math:`O < 10` and Byar's limits
otherwise (see :mod:`healthgap.measures.intervals`).

References
----------
1. PHEindicatormethods 2.1.0, ``phe_rate`` (the national reference method).
2. Breslow NE, Day NE. *Statistical Methods in Cancer Research, Vol II*. IARC, 1987.

Notes
-----
Rows are summed within each group of ``keys`` first. A missing count or population in a
group makes that group's value and limits missing (as R's ``sum`` would), and ``method`` is
then empty when the count is missing. Negative counts and populations of zero or less are
refused with an :class:`~healthgap.errors.InputError` listing every offending row.
No value is suppressed for small counts: crude rates use exact limits below 10 events.

Examples
--------
>>> import pandas as pd
>>> data = pd.DataFrame({"area": ["A", "B"], "deaths": [5, 65], "pop": [100, 100]})
>>> out = crude_rate(data, keys=("area",), count="deaths", population="pop", multiplier=100)
>>> out[["value", "lowercl", "uppercl"]].round(3).to_dict("list")
{'value': [5.0, 65.0], 'lowercl': [1.623, 50.163], 'uppercl': [11.668, 82.849]}
>>> out["method"].tolist()
['Exact', 'Byars']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.measures._grouping import group_index, sum_by_group
from healthgap.measures._validation import (
    format_multiplier,
    multiplier_problems,
    raise_if_any,
    read_numeric,
    row_problems,
)
from healthgap.measures.intervals import (
    confidence_labels,
    limit_columns,
    normalise_confidence,
    poisson_limits,
    poisson_method,
)

__all__ = ["add_poisson_ratio", "counts_by_group", "crude_rate"]


def add_poisson_ratio(
    out: pd.DataFrame,
    observed: np.ndarray,
    denominator: np.ndarray,
    scale: float | np.ndarray,
    levels: Sequence[float],
    statistic: str,
) -> pd.DataFrame:
    """Add ``value`` = observed / denominator x scale, its Poisson limits (exact below 10
    events, Byar's from 10 up) scaled alike, ``confidence``, ``statistic`` and ``method``.

    Shared by crude rates (denominator: population) and indirect standardisation
    (denominator: expected events).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = observed / denominator * scale
        for level, (lower_name, upper_name) in zip(levels, limit_columns(levels), strict=True):
            lower, upper = poisson_limits(observed, level)
            out[lower_name] = lower / denominator * scale
            out[upper_name] = upper / denominator * scale
    out["confidence"] = confidence_labels(levels)
    out["statistic"] = statistic
    out["method"] = poisson_method(observed)
    return out


def counts_by_group(
    data: pd.DataFrame,
    *,
    keys: Sequence[str],
    count: str,
    population: str,
    multiplier: float,
    source: str,
    nouns: tuple[str, str] = ("count", "population"),
    count_within_population: bool = False,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Check a count and a population column, and sum both within the groups of ``keys``.

    Refuses (every row listed) negative counts, populations of zero or less and, with
    ``count_within_population``, counts above their population; ``nouns`` name the two
    in the messages. Returns the key table with the two sums added, and the sums.
    """
    numbers = read_numeric(
        data,
        required=[*keys, count, population],
        numeric=[count, population],
        name=source,
        more=multiplier_problems(multiplier),
    )
    x, n = numbers[count], numbers[population]
    what, of_what = nouns
    problems = row_problems(
        x < 0, source, count, "negative_count", f"{what} {{value}} is negative", x
    )
    problems += row_problems(
        n <= 0, source, population, "population_not_positive",
        f"{of_what} {{value}} is not above 0", n,
    )  # fmt: skip
    if count_within_population:
        problems += row_problems(
            x > n, source, count, "numerator_exceeds_denominator",
            f"{what} {{value}} is larger than the {of_what}", x,
        )  # fmt: skip
    raise_if_any(problems)
    groups = group_index(data, keys)
    X = sum_by_group(x, groups.codes, groups.size)
    N = sum_by_group(n, groups.codes, groups.size)
    out = groups.keys.copy()
    out[count] = X
    out[population] = N
    return out, X, N


def crude_rate(
    data: pd.DataFrame,
    *,
    keys: Sequence[str],
    count: str,
    population: str,
    multiplier: float = 100_000,
    confidence: float | Sequence[float] = 0.95,
    source: str = "data",
) -> pd.DataFrame:
    """Crude rate per ``multiplier`` with exact (under 10 events) or Byar's limits.

    Parameters
    ----------
    data : DataFrame
        One or more rows per group; counts and populations are summed within each group.
    keys : sequence of str
        Columns identifying a group (may be empty for one overall rate).
    count, population : str
        Columns of event counts and of the population or person-years at risk.
    multiplier : float
        Scale of the rate, default per 100,000.
    confidence : float or sequence of float
        Level(s) as fractions, e.g. ``0.95`` or ``(0.95, 0.998)``.
    source : str
        Name used for ``data`` in error messages (e.g. the file it came from).

    Returns
    -------
    DataFrame
        ``keys``, ``count``, ``population``, ``value``, the limits (``lowercl``/``uppercl``
        or ``lower95_0cl``... with several levels), ``confidence``, ``statistic``
        (e.g. "rate per 100000") and ``method`` ("Exact" below 10 events, else "Byars").

    Raises
    ------
    InputError
        Missing or non-numeric columns, negative counts, populations of zero or less, or
        a bad confidence level or multiplier; every offending row is listed.
    """
    levels = normalise_confidence(confidence)
    out, observed, P = counts_by_group(
        data, keys=keys, count=count, population=population, multiplier=multiplier, source=source
    )
    statistic = f"rate per {format_multiplier(multiplier)}"
    return add_poisson_ratio(out, observed, P, multiplier, levels, statistic)
