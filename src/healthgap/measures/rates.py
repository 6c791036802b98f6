r"""Crude rates with Byar's (or exact Poisson) confidence limits, and the grouping and input
checks shared by the rate-family measures (DSR, ISR, proportions).

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

from healthgap.errors import InputError, Problem
from healthgap.measures.intervals import (
    confidence_label,
    limit_columns,
    normalise_confidence,
    poisson_limits,
    poisson_method,
)

__all__ = [
    "GroupIndex",
    "crude_rate",
    "flag_rows",
    "format_multiplier",
    "group_index",
    "numeric_problems",
    "require_columns",
    "sum_by_group",
]


def require_columns(data: pd.DataFrame, columns: Sequence[str], source: str) -> list[Problem]:
    """Problems for each named column missing from ``data``."""
    return [
        Problem(source, None, column, "missing_column", f"column {column!r} is missing")
        for column in dict.fromkeys(columns)
        if column not in data.columns
    ]


def numeric_problems(data: pd.DataFrame, columns: Sequence[str], source: str) -> list[Problem]:
    """Problems for each named column that is not numeric (booleans are refused too)."""
    return [
        Problem(source, None, column, "not_numeric", f"column {column!r} must hold numbers")
        for column in columns
        if not pd.api.types.is_numeric_dtype(data[column])
        or pd.api.types.is_bool_dtype(data[column])
    ]


def flag_rows(
    mask: np.ndarray, column: str, rule: str, message: str, values: np.ndarray, source: str
) -> list[Problem]:
    """One problem per row where ``mask`` is true; rows are counted as in a spreadsheet
    (header = row 1, so the first data row is row 2). ``message`` may use ``{value}``."""
    positions = np.flatnonzero(mask)
    return [
        Problem(source, int(i) + 2, column, rule, message.format(value=values[i]))
        for i in positions
    ]


class GroupIndex:
    """Integer group code of every row, and the sorted table of distinct keys."""

    def __init__(self, codes: np.ndarray, keys: pd.DataFrame) -> None:
        self.codes = codes
        self.keys = keys

    @property
    def size(self) -> int:
        return len(self.keys)


def group_index(data: pd.DataFrame, keys: Sequence[str]) -> GroupIndex:
    """Group rows by ``keys`` (sorted, missing keys kept as their own group).

    With no keys every row is in one group, and the key table has one row and no columns.
    """
    keys = list(keys)
    if not keys:
        return GroupIndex(np.zeros(len(data), dtype=np.intp), pd.DataFrame(index=range(1)))
    # Group in order of appearance (no sort of every row), then sort the small key table
    # and renumber, so that codes and output follow key order whatever the row order.
    grouped = data.groupby(keys, sort=False, dropna=False, observed=True)
    codes = grouped.ngroup().to_numpy(dtype=np.intp)
    table = grouped.size().index.to_frame(index=False)
    order = table.sort_values(keys, na_position="last", kind="stable").index.to_numpy()
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return GroupIndex(rank[codes], table.iloc[order].reset_index(drop=True))


def sum_by_group(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum ``values`` within groups; a missing value makes its group's sum missing."""
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    total = np.bincount(codes, weights=np.where(missing, 0.0, values), minlength=n_groups)
    if missing.any():
        has_missing = np.bincount(codes, weights=missing, minlength=n_groups) > 0
        total[has_missing] = np.nan
    return total


def format_multiplier(multiplier: float) -> str:
    """Multiplier as the reference prints it: ``100000`` not ``1e+05``, ``0.5`` as is."""
    return str(int(multiplier)) if float(multiplier).is_integer() else str(multiplier)


def rate_statistic(multiplier: float) -> str:
    """The reference's statistic label, e.g. ``"rate per 100000"``."""
    return f"rate per {format_multiplier(multiplier)}"


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
    problems = require_columns(data, [*keys, count, population], source)
    if problems:
        raise InputError(problems)
    problems = numeric_problems(data, [count, population], source)
    if multiplier <= 0:
        problems.append(
            Problem("<arguments>", None, "multiplier", "bad_multiplier", "must be above 0")
        )
    if problems:
        raise InputError(problems)
    x = data[count].to_numpy(dtype=float)
    n = data[population].to_numpy(dtype=float)
    problems = flag_rows(x < 0, count, "negative_count", "count {value} is negative", x, source)
    problems += flag_rows(
        n <= 0,
        population,
        "population_not_positive",
        "population {value} is not above 0",
        n,
        source,
    )
    if problems:
        raise InputError(problems)

    groups = group_index(data, keys)
    observed = sum_by_group(x, groups.codes, groups.size)
    P = sum_by_group(n, groups.codes, groups.size)
    out = groups.keys.copy()
    out[count] = observed
    out[population] = P
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = observed / P * multiplier
        for level, (lower_name, upper_name) in zip(levels, limit_columns(levels), strict=True):
            lower, upper = poisson_limits(observed, level)
            out[lower_name] = lower / P * multiplier
            out[upper_name] = upper / P * multiplier
    out["confidence"] = ", ".join(confidence_label(level) for level in levels)
    out["statistic"] = rate_statistic(multiplier)
    out["method"] = poisson_method(observed)
    return out
