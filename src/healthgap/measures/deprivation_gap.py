r"""Life expectancy of deprivation groups and the gap between the most and least deprived.

Each deprivation quantile (decile or quintile of small areas) is treated as one
population: its deaths and person-years are summed over all its areas, band by band,
and one life table is built from the sums. This is how OHID computes "life expectancy
by deprivation decile"; an average of the areas' own life expectancies would be a
different (and, for small areas, mostly suppressed) number.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.data.deprivation import assign_quantiles
from healthgap.data.model import ALL_CAUSES
from healthgap.errors import InputError, Problem
from healthgap.measures._validation import missing_columns, raise_if_any
from healthgap.measures.intervals import (
    confidence_labels,
    limit_columns,
    normalise_confidence,
    z_value,
)
from healthgap.measures.life_expectancy import life_expectancy

__all__ = [
    "GAP_METHOD",
    "deprivation_gap",
    "deprivation_group_life_expectancy",
    "mortality_by_band",
]

GAP_METHOD = (
    "Difference of the life expectancy of pooled quantile populations (Chiang II); "
    "CI from the sum of the two variances"
)
QUANTILE = "quantile"


def mortality_by_band(
    deaths: pd.DataFrame, population: pd.DataFrame, keys: Sequence[str]
) -> pd.DataFrame:
    """Population rows with all-cause deaths joined on ``keys`` + ``age_start``.

    A cell with no deaths row has no deaths (the data model's convention). Deaths split
    by cause are summed; when ``cause`` holds ``"all"`` rows, only those are used.

    >>> pop = pd.DataFrame({"area_code": "E1", "age_start": [0, 1], "person_years": 9.0})
    >>> dth = pd.DataFrame({"area_code": "E1", "age_start": [1], "cause": "all", "deaths": 2.0})
    >>> mortality_by_band(dth, pop, ["area_code"])["deaths"].tolist()
    [0.0, 2.0]
    """
    cell = [*keys, "age_start"]
    raise_if_any(missing_columns(population, [*cell, "person_years"], "population"))
    raise_if_any(missing_columns(deaths, [*cell, "deaths"], "deaths"))
    if "cause" in deaths.columns and (deaths["cause"] == ALL_CAUSES).any():
        deaths = deaths[deaths["cause"] == ALL_CAUSES]
    summed = deaths.groupby(cell, sort=False, observed=True)["deaths"].sum()
    people = population.groupby(cell, sort=False, observed=True)["person_years"].sum()
    unmatched = summed.index.difference(people.index)
    if len(unmatched):
        raise InputError(
            Problem(
                "deaths",
                None,
                "area_code" if "area_code" in keys else cell[0],
                "deaths_without_population",
                f"deaths for {'/'.join(map(str, key))} have no population row",
            )
            for key in unmatched[:200]
        )
    joined = people.to_frame().join(summed, how="left")
    joined["deaths"] = joined["deaths"].fillna(0.0)
    return joined.reset_index()


def _quantile_name(quantiles: int) -> str:
    return {10: "decile", 5: "quintile"}.get(quantiles, f"{quantiles}-quantile")


def deprivation_group_life_expectancy(
    deaths: pd.DataFrame,
    population: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    quantiles: int = 10,
    by: str | None = None,
    keys: Sequence[str] = ("sex", "period"),
    score: str = "deprivation_score",
    weights: str | None = None,
    quantile_column: str | None = None,
    confidence: float | Sequence[float] = 0.95,
    ages: str | Sequence[int] = "all",
    starts: Sequence[int] | None = None,
) -> pd.DataFrame:
    r"""Life expectancy of each deprivation quantile from its pooled deaths and population.

    Parameters
    ----------
    deaths, population : DataFrame
        Tidy ``deaths`` and ``population`` tables of small areas (``area_code``,
        ``keys``, ``age_start``, ``deaths`` / ``person_years``).
    areas : DataFrame
        ``area_code`` with ``score`` (e.g. the IMD score) and the ``by`` column.
    quantiles : int
        10 for deciles, 5 for quintiles. Quantile 1 is the most deprived.
    by : str, optional
        Column of ``areas`` giving local groups (e.g. ``"parent_la"``): quantiles are
        assigned and pooled within each; ``None`` for national quantiles.
    keys : sequence of str
        Other columns that split groups (default sex and period).
    score, weights : str
        Columns for :func:`healthgap.data.deprivation.assign_quantiles`.
    quantile_column : str, optional
        Use this column of ``areas`` as the quantile instead of assigning one.
    confidence, ages, starts
        As :func:`~healthgap.measures.life_expectancy.life_expectancy`.

    Returns
    -------
    DataFrame
        The output of ``life_expectancy`` keyed by ``by`` (if given), ``quantile`` and
        ``keys``, plus ``areas_pooled`` (the number of areas in the group).

    Notes
    -----
    For quantile :math:`g` and band :math:`i`,
    :math:`D_{g,i} = \sum_{a \in g} D_{a,i}` and :math:`P_{g,i} = \sum_{a \in g} P_{a,i}`;
    the life table is built from :math:`D_{g,i}/P_{g,i}` with every rule of
    ``life_expectancy`` (so a quantile of 5,000 person-years or fewer is suppressed).
    Areas with no quantile (no score, or a ``by`` group with too few areas) are left
    out; areas in the mortality data that are missing from ``areas`` are refused.

    References
    ----------
    1. OHID. *Assigning deprivation categories* (methodology note); PHEindicatormethods
       ``phe_quantile``.
    2. Bennett JE et al. The future of life expectancy and life expectancy inequalities
       in England and Wales. Lancet 2018 (life expectancy by pooled IMD decile).

    Examples
    --------
    >>> from healthgap.agebands import STANDARD_STARTS
    >>> areas = pd.DataFrame({"area_code": ["A", "B"], "deprivation_score": [40.0, 10.0],
    ...                       "quantile": [1, 2]})
    >>> d = [40, 4, 2, 2, 4, 5, 6, 8, 12, 18, 28, 45, 70, 110, 170, 260, 400, 600, 900, 1500]
    >>> pop = pd.DataFrame({"area_code": np.repeat(["A", "B"], 20), "sex": "male",
    ...     "period": "2014", "age_start": STANDARD_STARTS * 2, "person_years": 10_000.0})
    >>> deaths = pop.drop(columns="person_years").assign(deaths=d * 2)
    >>> out = deprivation_group_life_expectancy(deaths, pop, areas, quantiles=2,
    ...                                         quantile_column="quantile", ages=[0])
    >>> out[["quantile", "value", "areas_pooled"]].round(2)
       quantile  value  areas_pooled
    0         1  79.64             1
    1         2  79.64             1
    """
    keys = list(keys)
    group_keys = ([by] if by else []) + [QUANTILE]
    needed = ["area_code", quantile_column or score] + ([by] if by else [])
    raise_if_any(missing_columns(areas, needed, "areas"))
    if quantile_column is not None:
        quantile = pd.to_numeric(areas[quantile_column], errors="coerce").astype("Int64")
    else:
        quantile = assign_quantiles(areas, quantiles, score=score, by=by, weights=weights)
    lookup = areas[["area_code", *([by] if by else [])]].assign(**{QUANTILE: quantile.array})
    lookup = lookup[lookup[QUANTILE].notna()].drop_duplicates("area_code")
    lookup[QUANTILE] = lookup[QUANTILE].astype(int)

    mortality = mortality_by_band(deaths, population, ["area_code", *keys])
    unknown = ~mortality["area_code"].isin(areas["area_code"])
    if unknown.any():
        raise InputError(
            Problem("population", None, "area_code", "unknown_area", f"{code} is not in areas")
            for code in mortality.loc[unknown, "area_code"].drop_duplicates()[:200]
        )
    mortality = mortality.merge(lookup, on="area_code", how="inner")
    cell = [*group_keys, *keys, "age_start"]
    pooled = mortality.groupby(cell, sort=True, observed=True)[["deaths", "person_years"]].sum()
    areas_pooled = lookup.groupby(group_keys, sort=True)["area_code"].nunique()
    result = life_expectancy(
        pooled.reset_index(),
        keys=[*group_keys, *keys],
        confidence=confidence,
        ages=ages,
        starts=starts,
    )
    result["areas_pooled"] = (
        result[group_keys].merge(areas_pooled.rename("n").reset_index(), how="left")["n"].array
    )
    return result


def deprivation_gap(
    deaths: pd.DataFrame,
    population: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    quantiles: int = 10,
    by: str | None = None,
    keys: Sequence[str] = ("sex", "period"),
    score: str = "deprivation_score",
    weights: str | None = None,
    quantile_column: str | None = None,
    confidence: float | Sequence[float] = 0.95,
    ages: str | Sequence[int] = (0,),
    starts: Sequence[int] | None = None,
) -> pd.DataFrame:
    r"""Gap in life expectancy: least deprived quantile minus most deprived, with a CI.

    Parameters are those of :func:`deprivation_group_life_expectancy`; ``ages``
    defaults to birth only.

    Returns
    -------
    DataFrame
        ``by`` (if given), ``keys``, ``age_start``, ``value`` (the gap, positive when the
        most deprived live shorter lives, as OHID publishes it), the limits,
        ``confidence``, ``statistic``, ``method``, ``most_deprived_value``,
        ``least_deprived_value``, ``suppression_reason`` and ``suppression_note``.

    Notes
    -----
    With :math:`e_1` the life expectancy of quantile 1 (most deprived) and
    :math:`e_n` of the least deprived, each from pooled deaths and population:

    .. math::

        \Delta = e_n - e_1, \qquad
        \Delta \pm z \sqrt{\mathrm{SE}(e_1)^2 + \mathrm{SE}(e_n)^2}

    The two groups are disjoint populations, so their life tables are independent
    and the variances add. The gap is not calculated (``group_suppressed``) when
    either group's value is suppressed; the note gives that group's reason.

    References
    ----------
    1. Chiang CL (1968); Silcocks PBS et al. (2001), as for life expectancy.
    2. OHID Segment Tool and Public Health Outcomes Framework indicator 0.2.iii
       (gap in life expectancy between most and least deprived deciles).

    Examples
    --------
    >>> from healthgap.agebands import STANDARD_STARTS
    >>> areas = pd.DataFrame({"area_code": ["A", "B"], "deprivation_score": [40.0, 10.0]})
    >>> d = [40, 4, 2, 2, 4, 5, 6, 8, 12, 18, 28, 45, 70, 110, 170, 260, 400, 600, 900, 1500]
    >>> pop = pd.DataFrame({"area_code": np.repeat(["A", "B"], 20), "sex": "male",
    ...     "period": "2014", "age_start": STANDARD_STARTS * 2, "person_years": 10_000.0})
    >>> deaths = pop.drop(columns="person_years").assign(deaths=[2 * x for x in d] + d)
    >>> gap = deprivation_gap(deaths, pop, areas, quantiles=2)
    >>> gap[["value", "lowercl", "uppercl"]].round(2)
       value  lowercl  uppercl
    0   8.72     7.84     9.61
    """
    levels = normalise_confidence(confidence, lowest=None)
    groups = deprivation_group_life_expectancy(
        deaths,
        population,
        areas,
        quantiles=quantiles,
        by=by,
        keys=keys,
        score=score,
        weights=weights,
        quantile_column=quantile_column,
        confidence=0.95,
        ages=ages,
        starts=starts,
    )
    # The point estimate and SE are recovered from the symmetric 95% limits, which
    # are also given where only the CI width hid the value.
    groups["_e"] = (groups["lowercl"] + groups["uppercl"]) / 2
    groups["_se"] = (groups["uppercl"] - groups["lowercl"]) / (2 * z_value(0.95))
    cell = [*([by] if by else []), *keys, "age_start"]
    columns = [*cell, "value", "_e", "_se", "suppression_reason"]
    most = groups.loc[groups[QUANTILE] == 1, columns]
    least = groups.loc[groups[QUANTILE] == quantiles, columns]
    pair = most.merge(least, on=cell, how="inner", suffixes=("_most", "_least"))

    # Least minus most deprived: the positive "years shorter" that OHID publishes and the
    # same direction as the decomposition (comparator minus base).
    gap = pair["_e_least"].to_numpy() - pair["_e_most"].to_numpy()
    se = np.hypot(pair["_se_most"].to_numpy(), pair["_se_least"].to_numpy())
    shown = pair["value_most"].notna().to_numpy() & pair["value_least"].notna().to_numpy()
    out = pair[cell].reset_index(drop=True)
    out["value"] = np.where(shown, gap, np.nan)
    for level, (lower, upper) in zip(levels, limit_columns(levels), strict=True):
        out[lower] = np.where(shown, gap - z_value(level) * se, np.nan)
        out[upper] = np.where(shown, gap + z_value(level) * se, np.nan)
    name = _quantile_name(quantiles)
    out["confidence"] = confidence_labels(levels)
    ages_text = out["age_start"].astype(str)
    out["statistic"] = (
        "gap in life expectancy at " + ages_text + f", least minus most deprived {name}"
    )
    out["method"] = GAP_METHOD
    out["most_deprived_value"] = pair["value_most"].to_numpy()
    out["least_deprived_value"] = pair["value_least"].to_numpy()
    out["suppression_reason"] = np.where(shown, "", "group_suppressed")
    why = np.where(
        pair["value_most"].isna(),
        f"the most deprived {name} (" + pair["suppression_reason_most"].astype(str) + ")",
        f"the least deprived {name} (" + pair["suppression_reason_least"].astype(str) + ")",
    )
    out["suppression_note"] = np.where(
        shown, "", "Not calculated: life expectancy is not available for " + why + "."
    )
    return out
