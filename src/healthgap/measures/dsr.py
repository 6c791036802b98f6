r"""Directly standardised rates (DSR) with Dobson's method applied to Byar's limits.

Formula
-------
With standard-population weights :math:`w_i`, counts :math:`x_i` and populations
:math:`n_i` over the age bands :math:`i` of a group, and total count :math:`O = \sum x_i`:

.. math::

    \text{DSR} = \frac{\sum_i w_i x_i / n_i}{\sum_i w_i}, \qquad
    \operatorname{Var}(\text{DSR}) = \frac{\sum_i w_i^2 x_i / n_i^2}{(\sum_i w_i)^2}

    \text{limits} = \text{DSR} + \sqrt{\operatorname{Var}/O}\,(O_{L,U} - O)

all times ``multiplier``, where :math:`O_L, O_U` are Byar's limits of :math:`O` (Dobson et
al. 1991). With non-independent events (people counted once per number of events
:math:`f`, :math:`x_{f,i}` people with :math:`f` events), the DSR uses the total events
:math:`\sum_f f x_{f,i}` and the variance is :math:`\sum_f f^2 \operatorname{Var}_f`, where
:math:`\operatorname{Var}_f` is the variance above computed on :math:`x_{f,i}`.

References
----------
1. Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums
   of Poisson parameters. Stat Med 1991;10:457-462.
2. Breslow NE, Day NE. *Statistical Methods in Cancer Research, Vol II*. IARC, 1987.
3. Eurostat. Revision of the European Standard Population (2013 edition).
4. PHEindicatormethods 2.1.0, ``calculate_dsr`` (the national reference method).

Notes
-----
* **Standard population.** By default the European Standard Population 2013 from
  :func:`healthgap.agebands.esp2013` (19 bands, 0-4 and 90+ combined). A user standard is a
  DataFrame with ``age_start`` and ``standard_population`` columns, or the name of a column
  of ``data`` holding each row's weight. A standard table is always **joined by
  age_start, never by row position**.
* **Band mapping.** Each data band is put in the standard band that contains it, so data
  in the 20 life-table bands (0 and 1-4 separate) are merged into the standard's 0-4 band
  automatically: counts and populations are added before the rate is taken. A data band
  that would straddle two standard bands (e.g. an 85+ open band against a standard with
  85-89 and 90+), or that starts below the standard's first band, is refused.
* The standard's last band is open (ESP2013: 90+), so data bands from its start up are
  merged into it. To restrict ages (e.g. under-75 rates) filter the data as well as the
  standard, or older deaths would join the last band.
* As in the reference, the sums run over the bands present in each group, so
  :math:`\sum w_i` covers only those bands.
* **Suppression.** When a group's total count is under 10 the value and limits are
  missing and ``statistic`` is "dsr NA for total count < 10". A missing count is taken
  as 0, as in the reference.
* **Refused input** (:class:`~healthgap.errors.InputError`, every row listed): negative
  counts, missing populations or populations of zero or less, missing or negative standard
  weights, unknown bands, bad event frequencies, a multiplier of zero or less.

Examples
--------
>>> import pandas as pd
>>> from healthgap.agebands import ESP2013_STARTS
>>> data = pd.DataFrame({"area_code": "E1", "sex": "male", "period": "2014",
...                      "age_start": list(ESP2013_STARTS), "deaths": 10.0,
...                      "person_years": 1000.0})
>>> out = directly_standardised_rate(data)
>>> out[["value", "lowercl", "uppercl", "statistic"]].round(2).to_dict("records")
[{'value': 1000.0, 'lowercl': 855.41, 'uppercl': 1161.04, 'statistic': 'dsr per 100000'}]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.agebands import esp2013
from healthgap.errors import InputError
from healthgap.measures._grouping import group_index
from healthgap.measures._validation import (
    format_multiplier,
    multiplier_problems,
    raise_if_any,
    read_numeric,
    row_problems,
)
from healthgap.measures.intervals import (
    byars_lower,
    byars_upper,
    confidence_labels,
    limit_columns,
    normalise_confidence,
)

__all__ = ["MIN_DSR_COUNT", "directly_standardised_rate"]

#: Groups with fewer events than this get no DSR (the reference's publication rule).
MIN_DSR_COUNT = 10

METHOD = "Dobson"
METHOD_NON_INDEPENDENT = "Dobson, with confidence adjusted for non-independent events"


def _standard_table(standard: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Check a standard-population table; return its sorted starts and weights."""
    name = "standard"
    columns = ["age_start", "standard_population"]
    numbers = read_numeric(standard, required=columns, numeric=columns, name=name)
    starts, weights = numbers["age_start"], numbers["standard_population"]
    problems = row_problems(
        np.isnan(weights) | (weights < 0), name, "standard_population", "negative_standard",
        "standard population {value} is missing or negative", weights,
    )  # fmt: skip
    problems += row_problems(
        pd.Series(starts).duplicated().to_numpy() | np.isnan(starts), name, "age_start",
        "duplicate_band", "band {value} is missing or given twice", starts,
    )  # fmt: skip
    raise_if_any(problems)
    order = np.argsort(starts)
    return starts[order], weights[order]


def _map_bands(
    ages: np.ndarray, codes: np.ndarray, std_starts: np.ndarray, age_column: str, source: str
) -> np.ndarray:
    """Index of the standard band holding each data band; refuse bands that do not fit."""
    band = np.searchsorted(std_starts, ages, side="right") - 1
    problems = row_problems(
        np.isnan(ages) | (band < 0), source, age_column, "unknown_band",
        "band starting at {value} is not in the standard population", ages,
    )  # fmt: skip
    # A band must end inside the standard band it starts in: look at the next band's start
    # in the same group (sorted), and for the group's last (open) band at the open standard band.
    whole = np.isfinite(ages) & (ages >= 0) & (ages < 1000) & (ages == np.round(ages))
    if whole.all():  # one integer key; a stable sort of already-ordered data is linear
        order = np.argsort(codes.astype(np.int64) * 1000 + ages.astype(np.int64), kind="stable")
    else:
        order = np.lexsort((ages, codes))
    sorted_codes, sorted_band, sorted_ages = codes[order], band[order], ages[order]
    is_last = np.append(sorted_codes[1:] != sorted_codes[:-1], True)
    next_band = np.append(np.searchsorted(std_starts, sorted_ages[1:] - 1e-9, side="right") - 1, 0)
    ends_elsewhere = np.where(is_last, sorted_band != len(std_starts) - 1, next_band != sorted_band)
    straddles = np.zeros(len(ages), dtype=bool)
    straddles[order] = ends_elsewhere & (sorted_band >= 0)
    problems += row_problems(
        straddles, source, age_column, "band_straddles_standard",
        "band starting at {value} spans more than one band of the standard population; "
        "use bands that nest inside the standard's", ages,
    )  # fmt: skip
    raise_if_any(problems)
    return band


def _compact(cell: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The distinct cell ids present (sorted), each row's index among them, and their number.

    Counting into the dense id range is much faster than sorting when the range is not much
    larger than the data (the usual case: every group has every band)."""
    if size <= 8 * len(cell) + 1024:
        present = np.bincount(cell, minlength=size) > 0
        cells = np.flatnonzero(present)
        position = np.cumsum(present) - 1
        return cells, position[cell], len(cells)
    cells, cell_code = np.unique(cell, return_inverse=True)
    return cells, cell_code, len(cells)


def directly_standardised_rate(
    data: pd.DataFrame,
    *,
    keys: Sequence[str] = ("area_code", "sex", "period"),
    age_start: str = "age_start",
    count: str = "deaths",
    population: str = "person_years",
    standard: pd.DataFrame | str | None = None,
    multiplier: float = 100_000,
    confidence: float | Sequence[float] = 0.95,
    independent_events: bool = True,
    event_frequency: str | None = None,
    source: str = "data",
) -> pd.DataFrame:
    """Directly standardised rate per ``multiplier`` for every group, with Dobson limits.

    Parameters
    ----------
    data : DataFrame
        One row per group and age band (and event frequency, for non-independent events).
    keys : sequence of str
        Columns identifying a group.
    age_start : str
        Column of band start ages (any labels when ``standard`` is a column name).
    count, population : str
        Columns of event counts and person-years.
    standard : DataFrame, str or None
        None for ESP2013; a table with ``age_start`` and ``standard_population``; or the
        name of a column of ``data`` with each row's standard weight.
    multiplier : float
        Scale of the rate, default per 100,000.
    confidence : float or sequence of float
        Level(s) as fractions, e.g. ``0.95`` or ``(0.95, 0.998)``.
    independent_events : bool
        False when people can have several events and ``count`` holds the number of
        people with ``event_frequency`` events each.
    event_frequency : str or None
        Column of the number of events per person (required when not independent).
    source : str
        Name used for ``data`` in error messages.

    Returns
    -------
    DataFrame
        ``keys``, ``total_count``, ``total_pop``, ``value``, limits, ``confidence``,
        ``statistic`` and ``method``, one row per group in key order.
    """
    levels = normalise_confidence(confidence)
    keys = list(keys)
    standard_column = standard if isinstance(standard, str) else None
    needed = [*keys, age_start, count, population]
    needed += [standard_column] if standard_column else []
    if not independent_events:
        if event_frequency is None:
            raise InputError(
                "event_frequency must name a column when independent_events is False",
                rule="missing_event_frequency",
            )
        needed.append(event_frequency)
    numeric = [count, population] + ([standard_column] if standard_column else [])
    numeric += [] if standard_column else [age_start]
    numeric += [] if independent_events else [event_frequency]  # type: ignore[list-item]
    numbers = read_numeric(
        data, required=needed, numeric=numeric, name=source, more=multiplier_problems(multiplier)
    )
    x, n = numbers[count], numbers[population]
    problems = row_problems(x < 0, source, count, "negative_count", "count {value} is negative", x)
    problems += row_problems(
        np.isnan(n) | (n <= 0), source, population, "population_not_positive",
        "population {value} is missing or not above 0", n,
    )  # fmt: skip
    freq = np.ones(len(data))
    if not independent_events:
        freq = numbers[str(event_frequency)]
        problems += row_problems(
            np.isnan(freq) | (freq < 1) | (freq != np.round(freq)), source, str(event_frequency),
            "bad_event_frequency", "event frequency {value} is not a whole number of 1 or more",
            freq,
        )  # fmt: skip
    if standard_column:
        w_row = numbers[standard_column]
        problems += row_problems(
            np.isnan(w_row) | (w_row < 0), source, standard_column, "negative_standard",
            "standard population {value} is missing or negative", w_row,
        )  # fmt: skip
    raise_if_any(problems)
    x = np.nan_to_num(x, nan=0.0)  # the reference counts a missing count as 0

    groups = group_index(data, keys)
    if standard_column:
        band, band_values = pd.factorize(data[age_start], use_na_sentinel=False)
        n_bands = len(band_values)
        band_weight = None
    else:
        std_starts, std_weights = _standard_table(esp2013() if standard is None else standard)
        ages = numbers[age_start]
        band = _map_bands(ages, groups.codes, std_starts, age_start, source)
        n_bands = len(std_starts)
        band_weight = std_weights

    # Cells are (group, band, frequency); bands of one group share a population.
    if independent_events:
        freq_values, freq_code = np.ones(1), np.zeros(len(data), dtype=np.intp)
    else:
        freq_values, freq_code = np.unique(freq, return_inverse=True)
    n_freq = len(freq_values)
    cell = (groups.codes * n_bands + band) * n_freq + freq_code
    cells, cell_code, n_cells = _compact(cell, groups.size * n_bands * n_freq)
    rows_per_cell = np.bincount(cell_code, minlength=n_cells)
    x_cell = np.bincount(cell_code, weights=x, minlength=n_cells)
    n_cell = np.bincount(cell_code, weights=n, minlength=n_cells)
    f_cell = freq_values[cells % n_freq]
    group_band = cells // n_freq
    if band_weight is None:
        w_sum = np.bincount(cell_code, weights=w_row, minlength=n_cells)
        w_cell = w_sum / rows_per_cell  # one weight per band, however many rows it came in
    else:
        w_cell = band_weight[group_band % n_bands]

    if n_freq == 1:
        units, unit_code, n_max = group_band, np.arange(n_cells), n_cell
    else:
        units, unit_code = np.unique(group_band, return_inverse=True)
        n_min = np.full(len(units), np.inf)
        n_max = np.full(len(units), -np.inf)
        np.minimum.at(n_min, unit_code, n_cell)
        np.maximum.at(n_max, unit_code, n_cell)
        if np.any(n_min != n_max):
            raise InputError(
                "the population of an age band differs between its event-frequency rows",
                rule="inconsistent_population",
            )
    unit_group = units // n_bands
    unit_weight = np.bincount(unit_code, weights=w_cell, minlength=len(units)) / np.bincount(
        unit_code, minlength=len(units)
    )
    G = groups.size
    total_w = np.bincount(unit_group, weights=unit_weight, minlength=G)
    total_pop = np.bincount(unit_group, weights=n_max, minlength=G)
    cell_group = group_band // n_bands
    observed = np.bincount(cell_group, weights=f_cell * x_cell, minlength=G)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.bincount(cell_group, weights=w_cell * f_cell * x_cell / n_cell, minlength=G)
        variance = np.bincount(
            cell_group, weights=(f_cell * w_cell / n_cell) ** 2 * x_cell, minlength=G
        )
        dsr = raw / total_w
        variance = variance / total_w**2
        spread = np.sqrt(variance / observed)

    suppressed = observed < MIN_DSR_COUNT
    out = groups.keys.copy()
    out["total_count"] = observed
    out["total_pop"] = total_pop
    out["value"] = np.where(suppressed, np.nan, dsr * multiplier)
    for level, (lower_name, upper_name) in zip(levels, limit_columns(levels), strict=True):
        with np.errstate(divide="ignore", invalid="ignore"):
            lower = (dsr + spread * (byars_lower(observed, level) - observed)) * multiplier
            upper = (dsr + spread * (byars_upper(observed, level) - observed)) * multiplier
        out[lower_name] = np.where(suppressed, np.nan, lower)
        out[upper_name] = np.where(suppressed, np.nan, upper)
    out["confidence"] = confidence_labels(levels)
    out["statistic"] = np.where(
        suppressed,
        f"dsr NA for total count < {MIN_DSR_COUNT}",
        f"dsr per {format_multiplier(multiplier)}",
    )
    out["method"] = METHOD if independent_events else METHOD_NON_INDEPENDENT
    return out
