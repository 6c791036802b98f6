r"""How a gap changed between two periods, and life years lost before an age, by age and cause.

Change in a gap
---------------
The change in the gap between period 1 and period 2 is split into ages and causes as
the *difference of two decompositions*: each period's gap is decomposed (base against
comparator within that period) and the contributions are subtracted cell by cell,

.. math::

    \Delta G = G^{(2)} - G^{(1)} = \sum_{x,c}\left({}_n\Delta_x^{c,(2)}
               - {}_n\Delta_x^{c,(1)}\right),

so the cell changes add up exactly to the change in the gap. A positive change means
that age and cause widened the gap. (Decomposing each side's own change over time,
the alternative, answers "why did the area improve", a different question.)

Life years lost before an age
-----------------------------
"Life years gained or lost" are measured with *temporary life expectancy* between
birth and age :math:`U` (default 75), the mean number of years lived before
:math:`U`: :math:`{}_Ue_0 = (T_0 - T_U)/l_0`. The years a base population loses before
:math:`U` relative to its comparator, :math:`{}_Ue_0^2 - {}_Ue_0^1`, are decomposed by
the same Arriaga telescoping form on the truncated table,

.. math::

    {}_n\Delta_x = \frac{l_x^1}{l_0}\left({}_Ue_x^2 - {}_Ue_x^1\right)
                 - \frac{l_{x+n}^1}{l_0}\left({}_Ue_{x+n}^2 - {}_Ue_{x+n}^1\right),
    \qquad {}_Ue_U = 0,

and split by cause with the Segment Tool rule. Unlike the gap in life expectancy,
this measure ignores deaths above :math:`U` and cannot be inflated by the open band.

References
----------
1. Arriaga EE. Demography 1984;21:83-96.
2. Arriaga EE. Changing trends in mortality decline during the last decades. In:
   Ruzicka L et al. (eds) Differential mortality. Oxford: Clarendon, 1989 (temporary LE).
3. Public Health England. Segment Tool technical document, 2016.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS, band_labels
from healthgap.decomposition.arriaga import split_by_cause
from healthgap.decomposition.decompose import DEFAULT_KEY, decompose_gap, pair_life_tables
from healthgap.errors import InputError

__all__ = ["decompose_gap_change", "life_years_lost"]


def decompose_gap_change(
    deaths: pd.DataFrame,
    population: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    before: str,
    after: str,
    by: Sequence[str] = ("age", "cause"),
    method: Literal["arriaga", "symmetric"] = "arriaga",
    key: Sequence[str] = DEFAULT_KEY,
    starts: Sequence[int] = STANDARD_STARTS,
) -> pd.DataFrame:
    """Split the change in each pair's gap between two periods into ages and causes.

    Parameters
    ----------
    deaths, population, by, method, key, starts
        As for :func:`healthgap.decomposition.decompose.decompose_gap`; ``key`` must
        include ``period``.
    pairs : DataFrame
        Pairs as for ``decompose_gap`` but without period columns.
    before, after : str
        The two period labels, e.g. ``"2012-14"`` and ``"2019-21"``.

    Returns
    -------
    DataFrame
        Pair keys, breakdown columns, ``contribution_before``, ``contribution_after``,
        ``change`` (after - before), ``gap_before``, ``gap_after``, ``gap_change``,
        ``cause_split_unstable`` and ``small_numbers`` (either period), ``method``.
        The ``change`` column of each pair adds up exactly to its ``gap_change``.

    Examples
    --------
    >>> import pandas as pd
    >>> pop = pd.DataFrame({"area_code": list("AABBAABB"), "period": ["1"] * 4 + ["2"] * 4,
    ...                     "age_start": [0, 5] * 4, "person_years": [5000.0] * 8})
    >>> deaths = pop.drop(columns="person_years").assign(
    ...     cause="all", deaths=[20.0, 400, 10, 300, 15, 380, 10, 300])
    >>> pairs = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    >>> out = decompose_gap_change(deaths, pop, pairs, before="1", after="2", by=("age",),
    ...                            key=("area_code", "period"), starts=(0, 5))
    >>> bool(abs(out["change"].sum() - out["gap_change"].iloc[0]) < 1e-12)
    True
    """
    if "period" not in key:
        raise InputError("key must include 'period' to compare two periods", rule="no_period")
    if any(c in pairs.columns for c in ("period", "base_period", "comparator_period")):
        raise InputError(
            "pairs must not name periods; give before= and after=", rule="period_in_pairs"
        )
    both = pd.concat([pairs.assign(period=before), pairs.assign(period=after)], ignore_index=True)
    out = decompose_gap(deaths, population, both, by=by, method=method, key=key, starts=starts)
    cells = [c for c in out.columns if c not in _VALUE_COLUMNS and c != "period"]
    first = out[out["period"] == str(before)].set_index(cells)
    second = out[out["period"] == str(after)].set_index(cells)
    result = pd.DataFrame(index=first.index)
    result["contribution_before"] = first["contribution"]
    result["contribution_after"] = second["contribution"]
    result["change"] = result["contribution_after"] - result["contribution_before"]
    result["gap_before"] = first["gap"]
    result["gap_after"] = second["gap"]
    result["gap_change"] = result["gap_after"] - result["gap_before"]
    result["cause_split_unstable"] = first["cause_split_unstable"] | second["cause_split_unstable"]
    result["small_numbers"] = first["small_numbers"] | second["small_numbers"]
    result["statistic"] = f"change in contribution to the gap, {before} to {after} (years)"
    result["method"] = first["method"].iloc[0] + "; difference of two decompositions"
    return result.reset_index()


_VALUE_COLUMNS = {
    "direct",
    "indirect",
    "contribution",
    "gap",
    "e0_base",
    "e0_comparator",
    "cause_split_unstable",
    "small_numbers",
    "note",
    "statistic",
    "method",
}


def life_years_lost(
    deaths: pd.DataFrame,
    population: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    upper_age: int = 75,
    key: Sequence[str] = DEFAULT_KEY,
    starts: Sequence[int] = STANDARD_STARTS,
) -> pd.DataFrame:
    """Years of life before ``upper_age`` the base loses against its comparator, by age and cause.

    Parameters
    ----------
    deaths, population, pairs, key, starts
        As for :func:`healthgap.decomposition.decompose.decompose_gap`.
    upper_age : int
        End of the temporary life expectancy; must be a band start (default 75).

    Returns
    -------
    DataFrame
        Pair keys, ``age_start``, ``age_band`` (bands below ``upper_age``), ``cause``,
        ``years_lost`` (per person born; positive = lost by the base), and per pair
        ``temporary_e0_base``, ``temporary_e0_comparator``, ``years_lost_total``
        (their difference, which the ``years_lost`` column adds up to exactly).

    Notes
    -----
    Bands without deaths on either side contribute zero. The cause split carries the
    same caveats as :func:`decompose_gap` for small counts.

    Examples
    --------
    >>> import pandas as pd
    >>> pop = pd.DataFrame({"area_code": list("AAABBB"), "age_start": [0, 5, 10] * 2,
    ...                     "person_years": [5000.0] * 6})
    >>> deaths = pop.drop(columns="person_years").assign(
    ...     cause="all", deaths=[20.0, 10, 400, 10, 5, 300])
    >>> pairs = pd.DataFrame({"base_area_code": ["A"], "comparator_area_code": ["B"]})
    >>> out = life_years_lost(deaths, pop, pairs, upper_age=10, key=("area_code",),
    ...                       starts=(0, 5, 10))
    >>> out[["age_band", "years_lost"]].round(4).to_dict("list")
    {'age_band': ['0-4', '5-9'], 'years_lost': [0.0738, 0.0122]}
    """
    starts = tuple(int(s) for s in starts)
    if upper_age not in starts[1:]:
        raise InputError(
            f"upper_age must be one of the band starts {list(starts[1:])}, got {upper_age!r}",
            rule="upper_age_not_a_band",
        )
    tables = pair_life_tables(deaths, population, pairs, key=key, starts=starts)
    u = starts.index(upper_age)
    radix = tables.base.l[:, :1]

    def temporary_e(lt) -> np.ndarray:  # noqa: ANN001 - a LifeTable
        with np.errstate(divide="ignore", invalid="ignore"):
            return (lt.T[:, :u] - lt.T[:, u : u + 1]) / lt.l[:, :u]

    head = (
        tables.base.l[:, :u] / radix * (temporary_e(tables.comparator) - temporary_e(tables.base))
    )
    total = head - np.concatenate([head[:, 1:], np.zeros_like(head[:, :1])], axis=1)
    cube = tables.cube
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = cube.deaths[:, :u] / cube.person_years[:, :u, None]
    by_cause, _ = split_by_cause(total, rates[tables.base_index], rates[tables.comparator_index])

    n_pair, n_cause = len(tables.pairs), len(cube.causes)
    pair_of_row = np.repeat(np.arange(n_pair), u * n_cause)
    out = tables.pairs.iloc[pair_of_row].reset_index(drop=True)
    out["age_start"] = np.tile(np.repeat(np.asarray(starts[:u]), n_cause), n_pair)
    out["age_band"] = np.tile(np.repeat(np.asarray(band_labels(starts)[:u]), n_cause), n_pair)
    out["cause"] = np.tile(np.asarray(cube.causes, dtype=object), n_pair * u)
    out["years_lost"] = by_cause.reshape(-1)
    te_base = temporary_e(tables.base)[:, 0]
    te_comp = temporary_e(tables.comparator)[:, 0]
    out["temporary_e0_base"] = te_base[pair_of_row]
    out["temporary_e0_comparator"] = te_comp[pair_of_row]
    out["years_lost_total"] = (te_comp - te_base)[pair_of_row]
    out["statistic"] = f"life years lost before age {upper_age} (per person)"
    out["method"] = "Arriaga decomposition of temporary life expectancy, cause split by rates"
    return out
