r"""Decompose gaps in life expectancy between pairs of populations by age and cause (tidy API).

Every pair is decomposed at once: the life tables of all base and comparator
populations are built in one vectorised call, so "every local authority against
England, by 20 age bands and 8 causes" is a single array operation.

Formulas
--------
Directional Arriaga (1984), base = population 1, comparator = population 2,
gap :math:`G = e_0^2 - e_0^1`:

.. math::

    {}_n\Delta_x = \frac{l_x^1}{l_0}(e_x^2 - e_x^1)
                 - \frac{l_{x+n}^1}{l_0}(e_{x+n}^2 - e_{x+n}^1),
    \qquad \sum_x {}_n\Delta_x = G

(the open band keeps only the first term). Symmetric Arriaga (Ponnapalli 2005) is
:math:`\tfrac12[\Delta(1\to2) - \Delta(2\to1)]`. Each band is split between causes in
proportion to the differences in cause-specific rates (the Segment Tool rule):

.. math::

    {}_n\Delta_x^c = {}_n\Delta_x \frac{m_x^{c,1} - m_x^{c,2}}{m_x^1 - m_x^2}

References
----------
1. Arriaga EE. Measuring and explaining the change in life expectancies. Demography
   1984;21:83-96.
2. Preston SH, Heuveline P, Guillot M. Demography. Oxford: Blackwell, 2001, pp. 64-65, 84.
3. Ponnapalli KM. A comparison of different methods for decomposition of changes in
   expectation of life at birth and differentials in life expectancy at birth.
   Demographic Research 2005;12:141-172.
4. Public Health England. Segment Tool technical document, 2016.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from healthgap.agebands import STANDARD_STARTS, band_labels
from healthgap.decomposition.arriaga import arriaga_contributions, split_by_cause
from healthgap.decomposition.cube import PopulationCube, build_cube, resolve_pairs
from healthgap.errors import InputError, SmallNumbersWarning
from healthgap.measures.life_table import LifeTable, chiang_life_table
from healthgap.periods import Period

__all__ = ["DEFAULT_KEY", "decompose_gap", "life_expectancy_gaps"]

DEFAULT_KEY: tuple[str, ...] = ("area_code", "period", "sex")
MIN_PERSON_YEARS = 5_000.0  # the reference LE method does not calculate below this
MIN_BAND_DEATHS = 10.0  # a cause split resting on fewer deaths than this is noise
UNSTABLE_RATIO = 2.0  # |cause share of a band| above this: tiny all-cause difference

METHOD_LABELS = {
    "arriaga": "Arriaga (1984), directional, cause split by rate differences",
    "symmetric": "Arriaga, symmetric (Ponnapalli 2005), cause split by rate differences",
}


@dataclass(frozen=True)
class PairTables:
    """Life tables of the base and comparator side of every pair, with their inputs."""

    pairs: pd.DataFrame
    cube: PopulationCube
    base_index: np.ndarray
    comparator_index: np.ndarray
    base: LifeTable
    comparator: LifeTable


def pair_life_tables(
    deaths: pd.DataFrame,
    population: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    key: Sequence[str] = DEFAULT_KEY,
    starts: Sequence[int] = STANDARD_STARTS,
) -> PairTables:
    """Build the arrays and both sides' life tables for every pair (one vectorised call)."""
    cube = build_cube(deaths, population, key=key, starts=starts)
    pair_keys, b, c = resolve_pairs(pairs, cube, key)
    all_cause = cube.deaths.sum(axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        base = chiang_life_table(all_cause[b], cube.person_years[b], cube.starts)
        comparator = chiang_life_table(all_cause[c], cube.person_years[c], cube.starts)
    return PairTables(pair_keys, cube, b, c, base, comparator)


def _years_pooled(label: object) -> int:
    """Years a period pools (1 for a label that names no year, e.g. a user's "Q1")."""
    period = Period.try_parse(label)
    return 1 if period is None else period.n_years


def _small_population_notes(tables: PairTables) -> tuple[np.ndarray, list[str]]:
    """Per pair: is either side too small for a stable answer, and what to do about it."""
    cube = tables.cube
    person_years = cube.person_years.sum(axis=-1)
    open_deaths = cube.deaths[:, -1, :].sum(axis=-1)
    period_column = "period" if "period" in cube.keys.columns else None
    years = (
        cube.keys[period_column].map(_years_pooled).to_numpy()
        if period_column
        else np.ones(len(cube.keys), dtype=int)
    )
    notes = np.full(len(tables.base_index), "", dtype=object)
    small = np.zeros(len(tables.base_index), dtype=bool)
    for side, index in (("base", tables.base_index), ("comparator", tables.comparator_index)):
        py = person_years[index]
        too_few = (py < MIN_PERSON_YEARS) | (open_deaths[index] <= 0)
        with np.errstate(divide="ignore"):
            pool = np.ceil(years[index] * np.maximum(MIN_PERSON_YEARS / py, 1.0))
        for i in np.flatnonzero(too_few):
            reason = (
                f"{side} has {py[i]:,.0f} person-years"
                + (" and no deaths in the open age band" if open_deaths[index][i] <= 0 else "")
                + f": pool at least {max(int(pool[i]), years[index][i] + 1)} years"
                " (or combine areas) for a stable answer"
            )
            notes[i] = f"{notes[i]}; {reason}" if notes[i] else reason
        small |= too_few
    return small, list(notes)


def _contributions(
    tables: PairTables, method: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Direct, indirect and total band contributions (pair, band) and cause shares."""
    base, comp = tables.base, tables.comparator
    forward = arriaga_contributions(base, comp)
    if method == "symmetric":
        backward = arriaga_contributions(comp, base)
        direct = 0.5 * (forward.direct - backward.direct)
        indirect = 0.5 * (forward.indirect - backward.indirect)
        total = 0.5 * (forward.total - backward.total)
    else:
        direct, indirect, total = forward.direct, forward.indirect, forward.total
    cube = tables.cube
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = cube.deaths / cube.person_years[..., None]
    share, _ = split_by_cause(
        np.ones_like(total), rates[tables.base_index], rates[tables.comparator_index]
    )
    return direct, indirect, total, share


def decompose_gap(
    deaths: pd.DataFrame,
    population: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    by: Sequence[str] = ("age", "cause"),
    method: Literal["arriaga", "symmetric"] = "arriaga",
    key: Sequence[str] = DEFAULT_KEY,
    starts: Sequence[int] = STANDARD_STARTS,
) -> pd.DataFrame:
    r"""Contributions of age bands and causes to the gap in life expectancy of each pair.

    Parameters
    ----------
    deaths : DataFrame
        Key columns, ``age_start``, ``cause`` and ``deaths``. Causes must be exhaustive
        (they add up to all deaths); use ``cause="all"`` when deaths are not split.
        Missing rows count as zero deaths.
    population : DataFrame
        Key columns, ``age_start`` and ``person_years``; every population needs every band.
    pairs : DataFrame
        Which populations to compare. For each key column ``k`` give ``base_k`` and
        ``comparator_k`` when the sides differ, ``k`` when they share it, or nothing to
        repeat the pairs over every value of ``k`` in the data.
    by : sequence of {"age", "cause"}
        Breakdown of the output rows; ``()`` gives one row per pair.
    method : {"arriaga", "symmetric"}
        Directional Arriaga (as the Segment Tool) or its symmetric average.
    key : sequence of str
        Columns identifying one population; default ``area_code, period, sex``.
    starts : sequence of int
        Age-band starts (last band open); default the 20 standard bands.

    Returns
    -------
    DataFrame
        Pair keys, ``age_start``/``age_band`` (with "age"), ``cause`` (with "cause"),
        ``direct``, ``indirect``, ``contribution`` (years; direct + indirect), ``gap``,
        ``e0_base``, ``e0_comparator``, ``cause_split_unstable``, ``small_numbers``,
        ``note``, ``statistic``, ``method``. For every pair the contributions add up to
        ``gap = e0_comparator - e0_base`` to floating-point precision.

    Notes
    -----
    A positive contribution means the base population's mortality at that age (and
    cause) makes its life expectancy lower than the comparator's. Direct and indirect
    parts are split between causes in the same proportion as the total. Bands whose
    all-cause rates are identical get zero for every cause. ``cause_split_unstable``
    marks bands where a cause share exceeds :math:`\pm 2` (a tiny all-cause difference)
    or either side has fewer than 10 deaths. ``small_numbers`` marks pairs where
    either side has under 5,000 person-years or no deaths in the open band, and the
    ``note`` says how many years to pool; a :class:`SmallNumbersWarning` is issued.
    Pairs whose life expectancy cannot be computed (zero person-years in a band, or no
    deaths in the open band) get NaN contributions.

    Examples
    --------
    >>> import pandas as pd
    >>> pop = pd.DataFrame({"area_code": ["A", "A", "B", "B"], "age_start": [0, 5] * 2,
    ...                     "person_years": [5000.0, 5000.0, 5000.0, 5000.0]})
    >>> deaths = pd.DataFrame({"area_code": ["A", "A", "B", "B"], "age_start": [0, 5] * 2,
    ...                        "cause": "all", "deaths": [20.0, 400.0, 10.0, 300.0]})
    >>> pairs = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    >>> out = decompose_gap(deaths, pop, pairs, by=("age",), key=("area_code",),
    ...                     starts=(0, 5))
    >>> out[["age_start", "contribution"]].round(4).to_dict("list")
    {'age_start': [0, 5], 'contribution': [0.1888, 4.0842]}
    >>> float(round(out["contribution"].sum() - out["gap"].iloc[0], 12))
    0.0
    """
    by = tuple(by)
    problems = [b for b in by if b not in ("age", "cause")]
    if problems or method not in METHOD_LABELS:
        raise InputError(
            f"by must be drawn from ('age', 'cause') and method one of {list(METHOD_LABELS)};"
            f" got by={by!r}, method={method!r}",
            rule="invalid_option",
        )
    tables = pair_life_tables(deaths, population, pairs, key=key, starts=starts)
    direct, indirect, total, share = _contributions(tables, method)
    cube = tables.cube
    e0_base, e0_comp = tables.base.e[:, 0], tables.comparator.e[:, 0]
    valid = np.isfinite(e0_base) & np.isfinite(e0_comp)
    direct, indirect, total = (
        np.where(valid[:, None], a, np.nan) for a in (direct, indirect, total)
    )

    band_deaths = cube.deaths.sum(axis=-1)
    few_deaths = (
        np.minimum(band_deaths[tables.base_index], band_deaths[tables.comparator_index])
        < MIN_BAND_DEATHS
    )
    unstable = (np.abs(share) > UNSTABLE_RATIO).any(axis=-1) | (few_deaths & (share.shape[-1] > 1))
    small, notes = _small_population_notes(tables)
    if small.any():
        warnings.warn(
            f"{int(small.sum())} of {len(small)} pairs rest on small populations "
            "(see the 'note' column for how many years to pool)",
            SmallNumbersWarning,
            stacklevel=2,
        )

    n_pair, n_band = total.shape
    causes = cube.causes
    if "cause" in by:
        parts = [a[..., None] * share for a in (direct, indirect, total)]
    else:
        parts = [a[..., None] for a in (direct, indirect, total)]
        causes = ("all",)
    if "age" not in by:
        parts = [p.sum(axis=1, keepdims=True) for p in parts]
    n_rows_band, n_cause = parts[0].shape[1], parts[0].shape[2]
    per_pair = n_rows_band * n_cause
    pair_of_row = np.repeat(np.arange(n_pair), per_pair)

    out = tables.pairs.iloc[pair_of_row].reset_index(drop=True)
    if "age" in by:
        out["age_start"] = np.tile(np.repeat(np.asarray(cube.starts), n_cause), n_pair)
        # categoricals from codes: building 100,000 string cells would dominate the run time
        band_codes = np.tile(np.repeat(np.arange(n_band), n_cause), n_pair)
        out["age_band"] = pd.Categorical.from_codes(band_codes, band_labels(cube.starts))
    cause_codes = np.tile(np.arange(len(causes)), n_pair * n_rows_band)
    out["cause"] = pd.Categorical.from_codes(cause_codes, list(causes))
    out["direct"] = parts[0].reshape(-1)
    out["indirect"] = parts[1].reshape(-1)
    out["contribution"] = parts[2].reshape(-1)
    out["gap"] = np.where(valid, e0_comp - e0_base, np.nan)[pair_of_row]
    out["e0_base"] = e0_base[pair_of_row]
    out["e0_comparator"] = e0_comp[pair_of_row]
    if "age" in by:
        out["cause_split_unstable"] = np.repeat(unstable.reshape(-1), n_cause) & ("cause" in by)
    else:
        out["cause_split_unstable"] = np.repeat(unstable.any(axis=-1), per_pair) & ("cause" in by)
    out["small_numbers"] = small[pair_of_row]
    note_codes, note_texts = pd.factorize(pd.Series(notes, dtype=object))
    out["note"] = pd.Categorical.from_codes(note_codes[pair_of_row], list(note_texts))
    out["statistic"] = "contribution to life expectancy gap (years)"
    out["method"] = METHOD_LABELS[method]
    out.attrs["decomposition"] = {"method": method, "by": list(by), "key": list(key)}
    return out


def life_expectancy_gaps(
    deaths: pd.DataFrame,
    population: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    confidence: float = 0.95,
    key: Sequence[str] = DEFAULT_KEY,
    starts: Sequence[int] = STANDARD_STARTS,
) -> pd.DataFrame:
    r"""Life expectancy at birth of both sides of every pair, and the gap with its CI.

    .. math::

        G = e_0^{comp} - e_0^{base}, \qquad
        SE(G) = \sqrt{SE(e_0^{base})^2 + SE(e_0^{comp})^2}, \qquad
        G \pm z_{(1+c)/2}\,SE(G)

    Standard errors are Chiang's (Silcocks for the open band), as in
    :func:`healthgap.measures.life_table.chiang_life_table`. The two sides are treated
    as independent; when the base is part of the comparator (an area within England)
    this slightly overstates the SE, so the interval is conservative.

    Parameters
    ----------
    deaths, population, pairs, key, starts
        As for :func:`decompose_gap`.
    confidence : float
        Confidence level as a fraction (0.95); 95 raises InputError.

    Returns
    -------
    DataFrame
        One row per pair: keys, ``e0_base``, ``se_base``, ``e0_comparator``,
        ``se_comparator``, ``value`` (the gap), ``se``, ``lowercl``, ``uppercl``,
        ``confidence``, ``statistic``, ``method``.

    Examples
    --------
    >>> import pandas as pd
    >>> pop = pd.DataFrame({"area_code": ["A", "A", "B", "B"], "age_start": [0, 5] * 2,
    ...                     "person_years": [5000.0] * 4})
    >>> deaths = pd.DataFrame({"area_code": ["A", "A", "B", "B"], "age_start": [0, 5] * 2,
    ...                        "cause": "all", "deaths": [20.0, 400.0, 10.0, 300.0]})
    >>> pairs = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    >>> gaps = life_expectancy_gaps(deaths, pop, pairs, key=("area_code",), starts=(0, 5))
    >>> gaps[["value", "lowercl", "uppercl"]].round(3).iloc[0].tolist()
    [4.273, 2.046, 6.5]
    """
    if not 0 < float(confidence) < 1:
        raise InputError(
            f"confidence must be a fraction between 0 and 1 (e.g. 0.95), got {confidence!r}",
            rule="confidence_not_fraction",
        )
    tables = pair_life_tables(deaths, population, pairs, key=key, starts=starts)
    out = tables.pairs.reset_index(drop=True).copy()
    e0_b, e0_c = tables.base.e[:, 0], tables.comparator.e[:, 0]
    se_b, se_c = tables.base.se[:, 0], tables.comparator.se[:, 0]
    valid = np.isfinite(e0_b) & np.isfinite(e0_c)
    gap = np.where(valid, e0_c - e0_b, np.nan)
    se = np.where(valid, np.hypot(se_b, se_c), np.nan)
    z = stats.norm.ppf(0.5 + confidence / 2)
    out["e0_base"], out["se_base"] = e0_b, se_b
    out["e0_comparator"], out["se_comparator"] = e0_c, se_c
    out["value"], out["se"] = gap, se
    out["lowercl"], out["uppercl"] = gap - z * se, gap + z * se
    out["confidence"] = f"{confidence * 100:g}%"
    out["statistic"] = "gap in life expectancy at birth (years)"
    out["method"] = "Chiang II life tables; independent-sides SE"
    return out
