r"""Indirectly standardised ratios (e.g. the SMR) and indirectly standardised rates.

Formula
-------
With reference counts :math:`X_i` and populations :math:`N_i` by age band, and the group's
populations :math:`n_i` and counts :math:`x_i`:

.. math::

    E = \sum_i \frac{X_i}{N_i} n_i, \qquad O = \sum_i x_i

    \text{ratio} = \frac{O}{E} \times \text{reference value}, \qquad
    \text{rate} = \frac{O}{E} \times \frac{\sum_i X_i}{\sum_i N_i} \times \text{multiplier}

The limits are the limits of :math:`O` divided by :math:`E` and scaled the same way: exact
Poisson limits when :math:`O < 10` (``method`` "Exact"), Byar's otherwise ("Byars").

References
----------
1. Breslow NE, Day NE. *Statistical Methods in Cancer Research, Vol II*. IARC, 1987.
2. PHEindicatormethods 2.1.0, ``calculate_ISRatio`` and ``calculate_ISRate``.

Notes
-----
* The reference rates are either columns of ``data`` (repeated on each row of a group),
  or a separate table **joined by the age-band column** (never by position), holding
  ``reference_count`` and ``reference_population``. A band of ``data`` missing from that
  table is refused.
* ``observed_totals`` (a table with ``keys`` and the ``count`` column) replaces the summed
  counts, for when the observed events are only known in total.
* Missing counts and populations count as 0, as in the reference. Populations may be 0
  (unlike the DSR) but not negative;
  reference populations must be above 0. Every offending row is listed in the
  :class:`~healthgap.errors.InputError`.

Examples
--------
>>> import pandas as pd
>>> data = pd.DataFrame({"area": "A", "age_start": [0, 50], "deaths": [1, 19],
...                      "person_years": [1000, 1000]})
>>> reference = pd.DataFrame({"age_start": [0, 50], "reference_count": [2, 10],
...                           "reference_population": [1000, 1000]})
>>> out = indirectly_standardised_ratio(data, keys=("area",), reference=reference)
>>> out[["observed", "expected", "value", "method"]].round(4).to_dict("records")
[{'observed': 20.0, 'expected': 12.0, 'value': 1.6667, 'method': 'Byars'}]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem
from healthgap.measures._grouping import group_index
from healthgap.measures._validation import (
    format_multiplier,
    missing_columns,
    multiplier_problems,
    numeric_columns,
    raise_if_any,
    row_problems,
)
from healthgap.measures.intervals import normalise_confidence
from healthgap.measures.rates import add_poisson_ratio

__all__ = ["indirectly_standardised_rate", "indirectly_standardised_ratio"]

REFERENCE_COLUMNS = ("reference_count", "reference_population")


def _observed_and_expected(
    data: pd.DataFrame,
    keys: list[str],
    age_start: str,
    count: str,
    population: str,
    reference: pd.DataFrame | None,
    reference_count: str,
    reference_population: str,
    observed_totals: pd.DataFrame | None,
    source: str,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Check the input and return (key table, O, E, reference rate per person)."""
    needed = [*keys, age_start, count, population]
    numeric = [count, population]
    if reference is None:
        needed += [reference_count, reference_population]
        numeric += [reference_count, reference_population]
    problems = missing_columns(data, needed, source)
    if reference is not None:
        problems += missing_columns(reference, [age_start, *REFERENCE_COLUMNS], "reference")
    raise_if_any(problems)
    numbers, problems = numeric_columns(data, numeric, source, allow_missing=True)
    if reference is not None:
        ref_numbers, ref_problems = numeric_columns(
            reference, REFERENCE_COLUMNS, "reference", allow_missing=True
        )
        numbers.update(ref_numbers)
        problems += ref_problems
    raise_if_any(problems)

    x, n = numbers[count], numbers[population]
    problems = row_problems(x < 0, source, count, "negative_count", "count {value} is negative", x)
    problems += row_problems(
        n < 0, source, population, "negative_population", "population {value} is negative", n
    )
    if reference is None:
        ref_source, ref_x_name, ref_n_name = source, reference_count, reference_population
    else:
        problems += row_problems(
            reference[age_start].duplicated().to_numpy(), "reference", age_start,
            "duplicate_band", "band {value} is given twice", reference[age_start].to_numpy(),
        )  # fmt: skip
        ref_source, ref_x_name, ref_n_name = "reference", *REFERENCE_COLUMNS
    ref_x, ref_n = numbers[ref_x_name], numbers[ref_n_name]
    problems += row_problems(
        ref_x < 0, ref_source, ref_x_name, "negative_count",
        "reference count {value} is negative", ref_x,
    )  # fmt: skip
    problems += row_problems(
        np.isnan(ref_n) | (ref_n <= 0), ref_source, ref_n_name, "population_not_positive",
        "reference population {value} is missing or not above 0", ref_n,
    )  # fmt: skip
    raise_if_any(problems)
    ref_x = np.nan_to_num(ref_x, nan=0.0)
    groups = group_index(data, keys)

    if reference is None:
        band_rate = ref_x / ref_n
        ref_rate = np.bincount(groups.codes, weights=ref_x, minlength=groups.size) / np.bincount(
            groups.codes, weights=ref_n, minlength=groups.size
        )
    else:
        position = pd.Index(reference[age_start]).get_indexer(data[age_start])
        labels = data[age_start].to_numpy()
        raise_if_any(
            row_problems(
                position < 0, source, age_start, "unknown_band",
                "band {value} is not in the reference table", labels,
            )
        )  # fmt: skip
        band_rate = (ref_x / ref_n)[position]
        ref_rate = np.full(groups.size, ref_x.sum() / ref_n.sum())

    x, n = np.nan_to_num(x, nan=0.0), np.nan_to_num(n, nan=0.0)
    observed = np.bincount(groups.codes, weights=x, minlength=groups.size)
    E = np.bincount(groups.codes, weights=band_rate * n, minlength=groups.size)
    if observed_totals is not None:
        observed = _observed_from_totals(observed_totals, groups.keys, keys, count)
    return groups.keys, observed, E, ref_rate


def _observed_from_totals(
    totals: pd.DataFrame, key_table: pd.DataFrame, keys: list[str], count: str
) -> np.ndarray:
    """Observed counts looked up by key; every group must have exactly one total."""
    raise_if_any(missing_columns(totals, [*keys, count], "observed_totals"))
    if not keys:
        if len(totals) != 1:
            raise InputError("observed_totals must have one row", rule="bad_observed_totals")
        return totals[count].to_numpy(dtype=float)
    problems = row_problems(
        totals.duplicated(keys).to_numpy(), "observed_totals", keys[0], "duplicate_group",
        "this group is given more than once",
    )  # fmt: skip
    matched = key_table.merge(totals[[*keys, count]], on=keys, how="left", validate="one_to_one")
    observed = matched[count].to_numpy(dtype=float)
    problems += [
        Problem("observed_totals", None, count, "missing_total", f"no observed total for {key}")
        for key in key_table[np.isnan(observed)].to_dict("records")
    ]
    problems += row_problems(
        observed < 0, "observed_totals", count, "negative_count",
        "observed total {value} is negative", observed,
    )  # fmt: skip
    raise_if_any(problems)
    return observed


def _assemble(
    key_table: pd.DataFrame,
    observed: np.ndarray,
    E: np.ndarray,
    scale: np.ndarray,
    levels: tuple[float, ...],
    statistic: str,
) -> pd.DataFrame:
    out = key_table.copy()
    out["observed"] = observed
    out["expected"] = E
    return add_poisson_ratio(out, observed, E, scale, levels, statistic)


def indirectly_standardised_ratio(
    data: pd.DataFrame,
    *,
    keys: Sequence[str] = ("area_code", "sex", "period"),
    age_start: str = "age_start",
    count: str = "deaths",
    population: str = "person_years",
    reference: pd.DataFrame | None = None,
    reference_count: str = "reference_count",
    reference_population: str = "reference_population",
    observed_totals: pd.DataFrame | None = None,
    reference_value: float = 1.0,
    confidence: float | Sequence[float] = 0.95,
    source: str = "data",
) -> pd.DataFrame:
    """Indirectly standardised ratio O/E (e.g. the SMR) times ``reference_value``.

    Parameters
    ----------
    data : DataFrame
        One row per group and age band.
    keys, age_start, count, population : str
        Group keys, the band column (start ages or labels), counts and populations.
    reference : DataFrame or None
        Reference table joined by ``age_start`` with ``reference_count`` and
        ``reference_population``; None to read those columns (named by
        ``reference_count``/``reference_population``) from ``data``.
    observed_totals : DataFrame or None
        ``keys`` plus ``count``: observed totals to use instead of the summed counts.
    reference_value : float
        Scale of the ratio: 1, or 100 for an SMR per 100.
    confidence : float or sequence of float
        Level(s) as fractions.
    source : str
        Name used for ``data`` in error messages.

    Returns
    -------
    DataFrame
        ``keys``, ``observed``, ``expected``, ``value``, limits, ``confidence``,
        ``statistic`` ("indirectly standardised ratio x 1") and ``method``.
    """
    levels = normalise_confidence(confidence)
    table, observed, E, _ = _observed_and_expected(
        data, list(keys), age_start, count, population, reference, reference_count,
        reference_population, observed_totals, source,
    )  # fmt: skip
    statistic = f"indirectly standardised ratio x {format_multiplier(reference_value)}"
    return _assemble(
        table, observed, E, np.full(len(observed), float(reference_value)), levels, statistic
    )


def indirectly_standardised_rate(
    data: pd.DataFrame,
    *,
    keys: Sequence[str] = ("area_code", "sex", "period"),
    age_start: str = "age_start",
    count: str = "deaths",
    population: str = "person_years",
    reference: pd.DataFrame | None = None,
    reference_count: str = "reference_count",
    reference_population: str = "reference_population",
    observed_totals: pd.DataFrame | None = None,
    multiplier: float = 100_000,
    confidence: float | Sequence[float] = 0.95,
    source: str = "data",
) -> pd.DataFrame:
    """Indirectly standardised rate: O/E times the reference crude rate per ``multiplier``.

    The arguments are those of :func:`indirectly_standardised_ratio`, with ``multiplier``
    (default per 100,000) in place of ``reference_value``. The output adds ``ref_rate``,
    the reference crude rate per ``multiplier``.

    >>> import pandas as pd
    >>> data = pd.DataFrame({"area": "A", "age_start": [0, 50], "deaths": [1, 19],
    ...                      "person_years": [1000, 1000], "reference_count": [2, 10],
    ...                      "reference_population": [1000, 1000]})
    >>> out = indirectly_standardised_rate(data, keys=("area",), multiplier=1000)
    >>> out[["ref_rate", "value", "statistic"]].round(2).to_dict("records")
    [{'ref_rate': 6.0, 'value': 10.0, 'statistic': 'indirectly standardised rate per 1000'}]
    """
    raise_if_any(multiplier_problems(multiplier))
    levels = normalise_confidence(confidence)
    table, observed, E, ref_rate = _observed_and_expected(
        data, list(keys), age_start, count, population, reference, reference_count,
        reference_population, observed_totals, source,
    )  # fmt: skip
    scale = ref_rate * multiplier
    statistic = f"indirectly standardised rate per {format_multiplier(multiplier)}"
    out = _assemble(table, observed, E, scale, levels, statistic)
    out.insert(out.columns.get_loc("value"), "ref_rate", scale)
    return out
