r"""Life expectancy with confidence intervals, by the national reference method.

Tidy rows in (one per group and age band), tidy rows out (one per group and age).
The numbers come from :func:`healthgap.measures.life_table.chiang_life_table`; this
module pivots the rows to ``(group, band)`` arrays, applies the suppression rules
of PHEindicatormethods' ``phe_life_expectancy`` and explains every missing value.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS, band_labels
from healthgap.errors import BandingWarning, InputError
from healthgap.measures._grouping import pivot_to_bands
from healthgap.measures._life_table_output import band_columns, tidy_result
from healthgap.measures.intervals import normalise_confidence, z_value
from healthgap.measures.life_table import LifeTable, chiang_life_table

__all__ = [
    "LE_METHOD",
    "MIN_PERSON_YEARS",
    "SMALL_POPULATION_NOTE",
    "LifeExpectancyArrays",
    "life_expectancy",
]

LE_METHOD = "Chiang II abridged life table, Silcocks variance for the open band"
#: Groups with this many person-years or fewer are not calculated (reference rule).
MIN_PERSON_YEARS = 5_000.0
#: The note of a life expectancy not calculated for too few person-years (every page that
#: leaves one out for this reason says it in these words).
SMALL_POPULATION_NOTE = (
    "Not calculated: total person-years are 5,000 or fewer; pool years or areas."
)
#: A value is not shown when its 95% CI is wider than this many years.
MAX_CI_WIDTH = 20.0
Z95 = z_value(0.95)


@dataclass(frozen=True)
class _Rule:
    key: str
    warning: str  # the reference's text where it has one
    note: str


def _group_rules(starts: tuple[int, ...]) -> tuple[_Rule, ...]:
    """Group-level rules in the order the reference checks them (first failure wins)."""
    n = len(starts)
    band_count = (
        f"some groups contain a different number of age bands than {n}; life expectancy "
        "cannot be calculated for these. These groups will contain NAs."
    )
    open_label = band_labels(starts)[-1]
    return (
        _Rule(
            "negative_deaths",
            "some age bands have negative deaths; outputs have been suppressed to NAs",
            "Not calculated: at least one age band has negative deaths.",
        ),
        _Rule(
            "population_not_positive",
            "some age bands have a zero or less population; outputs have been suppressed to NAs",
            "Not calculated: at least one age band has a population of zero or less.",
        ),
        _Rule(
            "missing_age_band",
            band_count,
            f"Not calculated: the group does not have all {n} age bands.",
        ),
        _Rule(
            "duplicate_age_band",
            band_count,
            "Not calculated: an age band appears more than once in the group.",
        ),
        _Rule(
            "deaths_exceed_population",
            "some age bands have more deaths than population; outputs have been suppressed to NAs",
            "Not calculated: at least one age band has more deaths than population.",
        ),
        _Rule(
            "small_population",
            "some groups have a total population of less than 5,000; outputs have been "
            "suppressed to NAs",
            SMALL_POPULATION_NOTE,
        ),
        _Rule(
            "no_deaths_open_band",
            f"some groups have no deaths in the open age band ({open_label}); life expectancy "
            "cannot be calculated for these and outputs have been suppressed to NAs",
            f"Not calculated: there are no deaths at ages {open_label}, so the death rate of "
            "the open band (and every life expectancy built on it) cannot be estimated; "
            "pool years or areas.",
        ),
    )


_ROW_RULES = (
    _Rule(
        "no_survivors",
        "some ages are reached by no one in the life table (q = 1 in an earlier band); "
        "these values have been suppressed to NAs",
        "Not calculated: no one in the life table survives to this age, because an earlier "
        "band's deaths forced its probability of dying to 1.",
    ),
    _Rule(
        "ci_too_wide",
        "some life expectancy values have a 95% confidence interval > 20 years; these values "
        "have been suppressed to NAs",
        "Value not shown: its 95% confidence interval is wider than 20 years (the limits are "
        "still given).",
    ),
)


@dataclass(frozen=True)
class LifeExpectancyArrays:
    """Life tables of every group plus the rule that stopped each value.

    ``row_reason`` is shaped ``(group, band)``: 0 where the value is shown, else the
    1-based position in ``rules`` of the rule that stopped it (group rules included).
    """

    keys: pd.DataFrame
    table: LifeTable
    deaths: np.ndarray
    population: np.ndarray
    row_reason: np.ndarray
    rules: tuple[_Rule, ...]

    @property
    def shown(self) -> np.ndarray:
        """True where the value may be shown."""
        return self.row_reason == 0

    @property
    def limits_shown(self) -> np.ndarray:
        """True where the CIs may be shown (also where only the CI width hid the value)."""
        return (self.row_reason == 0) | (self.row_reason == len(self.rules))


def _standard_starts(starts: Sequence[int] | None) -> tuple[int, ...]:
    if starts is None:
        return STANDARD_STARTS
    values = tuple(int(s) for s in starts)
    ok = len(values) >= 2 and values[0] == 0 and bool(np.all(np.diff(values) > 0))
    if not ok:
        raise InputError(
            "starts must be at least two ascending start ages beginning at 0, got "
            f"{list(starts)!r}",
            rule="invalid_band_set",
        )
    if values != STANDARD_STARTS:
        labels = ", ".join(band_labels(values))
        warnings.warn(
            f"age bands ({labels}) are not the standard 20 bands (0, 1-4, ..., 85-89, 90+); "
            f"the open band {values[-1]}+ is treated like 90+ (person-years lived there = "
            "survivors / death rate, Silcocks variance), so results are not comparable with "
            "published life expectancy",
            BandingWarning,
            stacklevel=3,
        )
    return values


def life_expectancy_arrays(
    data: pd.DataFrame,
    *,
    keys: Sequence[str],
    age_start: str,
    deaths: str,
    population: str,
    starts: Sequence[int] | None = None,
    extra: Sequence[str] = (),
    name: str = "data",
) -> tuple[LifeExpectancyArrays, dict[str, np.ndarray]]:
    """Pivot, check and build the life tables; no warnings about suppression yet.

    Shared by life expectancy, healthy life expectancy and the deprivation gap.
    ``extra`` columns are pivoted too and returned as ``(group, band)`` arrays.
    """
    band_set = _standard_starts(starts)
    grid = pivot_to_bands(data, list(keys), age_start, [deaths, population, *extra], band_set, name)
    D, P, rows = grid.values[deaths], grid.values[population], grid.rows
    present = rows > 0
    rules = (*_group_rules(band_set), *_ROW_RULES)
    failures = [
        ((D < 0) & present).any(axis=1),
        ((P <= 0) & present).any(axis=1),
        (rows == 0).any(axis=1),
        (rows > 1).any(axis=1),
        ((D > P) & present).any(axis=1),
        P.sum(axis=1) <= MIN_PERSON_YEARS,
        D[:, -1] == 0,
    ]
    group_reason = np.zeros(len(D), dtype=np.int8)
    for code in range(len(failures), 0, -1):  # the earliest rule in reference order wins
        group_reason[failures[code - 1]] = code
    table = chiang_life_table(D, P, band_set)
    row_reason = np.repeat(group_reason[:, None], len(band_set), axis=1)
    ok = row_reason == 0
    no_survivors = ok & (table.l <= 0)
    row_reason[no_survivors] = len(failures) + 1
    with np.errstate(invalid="ignore"):  # suppressed groups may hold NaN or negative variances
        too_wide = ok & ~no_survivors & (Z95 * np.sqrt(table.variance) > MAX_CI_WIDTH / 2)
    row_reason[too_wide] = len(failures) + 2
    arrays = LifeExpectancyArrays(grid.keys, table, D, P, row_reason, rules)
    return arrays, {column: grid.values[column] for column in extra}


def life_expectancy(
    data: pd.DataFrame,
    *,
    keys: Sequence[str] = ("area_code", "sex", "period"),
    age_start: str = "age_start",
    deaths: str = "deaths",
    population: str = "person_years",
    confidence: float | Sequence[float] = 0.95,
    ages: str | Sequence[int] = "all",
    starts: Sequence[int] | None = None,
) -> pd.DataFrame:
    r"""Life expectancy at every age band with confidence limits (Chiang II, Silcocks).

    Parameters
    ----------
    data : DataFrame
        One row per group and age band: the ``keys``, ``age_start``, ``deaths`` and
        ``population`` (person-years). Row order does not matter.
    keys : sequence of str
        Columns identifying a group (default area, sex, period).
    age_start, deaths, population : str
        Column names.
    confidence : float or sequence of float
        Level(s) as fractions, e.g. ``0.95`` or ``(0.95, 0.998)``; ``95`` is refused.
    ages : "all" or list of int
        Band starts at which to report life expectancy.
    starts : sequence of int, optional
        The band set; default the 20 standard bands 0, 1-4, ..., 85-89, 90+. Any other
        set (e.g. ending in 85+) gives a :class:`~healthgap.errors.BandingWarning`.

    Returns
    -------
    DataFrame
        ``keys``, ``age_start``, ``value``, ``lowercl``/``uppercl`` (or
        ``lower95_0cl``, ``upper95_0cl``, ... for several levels), ``confidence``,
        ``statistic``, ``method``, ``person_years_used`` and ``deaths_used`` (at ages
        at or above the band), ``suppression_reason`` (a key, empty when shown) and
        ``suppression_note`` (a sentence). Groups in order of first appearance.

    Notes
    -----
    With :math:`M_i = D_i/P_i`, :math:`a_0 = 0.1`, other :math:`a_i = 0.5`:

    .. math::

        q_i = \frac{n_i M_i}{1 + n_i(1-a_i)M_i}\ (1 \text{ if } n_i a_i M_i > 1),\quad
        e_x = \frac{\sum_{i \ge x} L_i}{l_x},\quad L_\omega = \frac{l_\omega}{M_\omega}

        \operatorname{Var}(e_x) = \frac{1}{l_x^2}\Big[\sum_{x \le i < \omega}
        \frac{q_i^2(1-q_i)}{D_i} l_i^2 \big((1-a_i)n_i + e_{i+1}\big)^2
        + \frac{l_\omega^2}{D_\omega M_\omega^2}\Big]

    and the limits are :math:`e_x \pm z\,\mathrm{SE}(e_x)`.

    Suppression, as the reference (``suppression_reason`` in brackets): a whole group
    is not calculated when any band has negative deaths (``negative_deaths``), a
    population of zero or less (``population_not_positive``), is missing
    (``missing_age_band``) or repeated (``duplicate_age_band``), has more deaths than
    population (``deaths_exceed_population``), or when total person-years are 5,000
    or fewer (``small_population``). Zero deaths in the open band would make its
    life expectancy infinite; the reference returns NA without a word, healthgap
    says why (``no_deaths_open_band``). A value whose 95% CI is wider than 20 years
    is not shown (``ci_too_wide``) but its limits are, always judged at 95%
    whatever levels were asked for. One :class:`~healthgap.errors.SuppressionWarning`
    is given per rule that fired, with the reference's text.

    Other band sets: the open band is treated as 90+ is (L = l / M, Silcocks
    variance); :math:`a_0 = 0.1` only when the first band is the single year 0.

    References
    ----------
    1. Chiang CL. *Introduction to Stochastic Processes in Biostatistics*. Wiley, 1968.
    2. Silcocks PBS, Jenner DA, Reza R. Life expectancy as a summary of mortality in a
       population: statistical considerations and suitability for use by health
       authorities. J Epidemiol Community Health 2001;55:38-43.
    3. PHEindicatormethods 2.1.0, ``phe_life_expectancy`` (OHID/UKHSA).

    Examples
    --------
    >>> import pandas as pd
    >>> from healthgap.agebands import STANDARD_STARTS
    >>> deaths = [40, 4, 2, 2, 4, 5, 6, 8, 12, 18, 28, 45, 70, 110, 170, 260, 400, 600, 900, 1500]
    >>> data = pd.DataFrame({"area_code": "E1", "sex": "male", "period": "2014",
    ...                      "age_start": STANDARD_STARTS, "person_years": 10_000,
    ...                      "deaths": deaths})
    >>> le = life_expectancy(data, ages=[0, 65])
    >>> le[["age_start", "value", "lowercl", "uppercl"]].round(2)
       age_start  value  lowercl  uppercl
    0          0  79.64    79.01    80.28
    1         65  19.69    19.30    20.08
    """
    levels = normalise_confidence(confidence, lowest=None)
    arrays, _ = life_expectancy_arrays(
        data, keys=keys, age_start=age_start, deaths=deaths, population=population, starts=starts
    )
    table = arrays.table
    columns = band_columns(table.starts, ages)
    with np.errstate(invalid="ignore"):  # only suppressed cells have negative variances
        se = np.sqrt(table.variance[:, columns])
    return tidy_result(
        arrays,
        columns,
        age_start,
        value=table.e[:, columns],
        se=se,
        row_reason=arrays.row_reason[:, columns],
        levels=levels,
        statistic="life expectancy",
        method=LE_METHOD,
    )
