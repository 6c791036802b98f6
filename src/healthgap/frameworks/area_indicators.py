r"""Compute the indicators a classification rule needs from tidy deaths and population.

Builds, for every area at one level (default local authorities), the five Spearhead
indicators in the ``indicators`` layout of the data model:

- ``life_expectancy`` (male, female): Chiang II life expectancy at birth, via
  :func:`healthgap.measures.life_expectancy.life_expectancy` (with its suppression rules);
- ``under75_mortality_cancer`` and ``under75_mortality_circulatory`` (persons): directly
  standardised rates per 100,000 at ages 0-74 on the 2013 European Standard Population,
  via :func:`healthgap.measures.dsr.directly_standardised_rate`;
- ``deprivation_score`` (persons): the population-weighted mean of the small areas'
  ``deprivation_score``,

.. math::

    \bar s_{LA} = \frac{\sum_{i \in LA} P_i s_i}{\sum_{i \in LA} P_i},

with :math:`P_i` each small area's person-years in the period (as the official LA
"average score" of the English Indices of Deprivation).

References
----------
1. Ministry of Housing, Communities and Local Government. The English Indices of
   Deprivation 2019: technical report (LA summary measures, "average score").
2. Office for Health Improvement and Disparities. Fingertips indicators 40501 and 40401
   (under-75 mortality from cancer and from cardiovascular disease).
"""

from __future__ import annotations

import pandas as pd

from healthgap.agebands import esp2013
from healthgap.data import add_persons, aggregate
from healthgap.errors import InputError, Problem
from healthgap.measures.dsr import directly_standardised_rate
from healthgap.measures.life_expectancy import life_expectancy

__all__ = ["spearhead_indicators"]

INDICATOR_COLUMNS = ("area_code", "period", "sex", "indicator", "value", "lowercl", "uppercl")


def _life_expectancy(population: pd.DataFrame, deaths: pd.DataFrame) -> pd.DataFrame:
    keys = ["area_code", "period", "sex", "age_start"]
    all_cause = deaths.groupby(keys, observed=True, as_index=False)["deaths"].sum()
    data = population.merge(all_cause, on=keys, how="left").fillna({"deaths": 0.0})
    le = life_expectancy(data, ages=[0])
    return le.assign(indicator="life_expectancy")


def _under75_rate(population: pd.DataFrame, deaths: pd.DataFrame, cause: str) -> pd.DataFrame:
    keys = ["area_code", "period", "sex", "age_start"]
    young = population[population["age_start"] < 75]
    chosen = deaths[(deaths["cause"] == cause) & (deaths["age_start"] < 75)]
    counts = chosen.groupby(keys, observed=True, as_index=False)["deaths"].sum()
    data = young.merge(counts, on=keys, how="left").fillna({"deaths": 0.0})
    standard = esp2013()
    rate = directly_standardised_rate(data, standard=standard[standard["age_start"] < 75])
    return rate.assign(indicator=f"under75_mortality_{cause}")


def _deprivation(areas: pd.DataFrame, population: pd.DataFrame, level: str) -> pd.DataFrame:
    parent = f"parent_{level}"
    weights = population.groupby(["area_code", "period"], observed=True, as_index=False)[
        "person_years"
    ].sum()
    scored = weights.merge(areas[["area_code", parent, "deprivation_score"]], on="area_code")
    scored = scored.dropna(subset=["deprivation_score"])
    scored["weighted"] = scored["person_years"] * scored["deprivation_score"]
    sums = scored.groupby([parent, "period"], observed=True, as_index=False)[
        ["weighted", "person_years"]
    ].sum()
    return pd.DataFrame(
        {
            "area_code": sums[parent].astype(str),
            "period": sums["period"].astype(str),
            "sex": "persons",
            "indicator": "deprivation_score",
            "value": sums["weighted"] / sums["person_years"],
        }
    )


def spearhead_indicators(
    areas: pd.DataFrame,
    population: pd.DataFrame,
    deaths: pd.DataFrame,
    *,
    level: str = "la",
) -> pd.DataFrame:
    """The five Spearhead indicators for every area at ``level``, per period.

    Parameters
    ----------
    areas : DataFrame
        Small areas with ``deprivation_score`` and ``parent_<level>``.
    population, deaths : DataFrame
        Small-area tables of the data model; deaths split by cause, with ``cancer``
        and ``circulatory`` among the causes. Pool periods first for stability.
    level : str
        Level of the areas to classify (default ``"la"``).

    Returns
    -------
    DataFrame
        ``area_code, period, sex, indicator, value, lowercl, uppercl`` (the
        ``indicators`` layout), ready for :func:`~healthgap.frameworks.classification.apply_rule`
        with the shipped ``spearhead`` rule.

    Notes
    -----
    Suppressed life expectancies (small populations) come back as NaN and cannot flag
    an area; the measure functions warn about them.

    Examples
    --------
    >>> from healthgap.datasets import load_demo
    >>> demo = load_demo("small")
    >>> recent = {k: v[v["period"] == "2024"] for k, v in demo.items() if k != "areas"}
    >>> table = spearhead_indicators(demo["areas"], recent["population"], recent["deaths"])
    >>> sorted(table["indicator"].unique())[:2]
    ['deprivation_score', 'life_expectancy']
    """
    parent = f"parent_{level}"
    missing = [c for c in (parent, "deprivation_score") if c not in areas.columns]
    if missing:
        raise InputError(
            [Problem("areas", None, c, "missing_column", f"areas needs {c!r}") for c in missing]
        )
    small = areas[areas[parent].notna() & (areas["level"] != level)]
    population = population[population["area_code"].isin(small["area_code"])]
    deaths = deaths[deaths["area_code"].isin(small["area_code"])]
    pop_level = aggregate(population, areas, level)
    deaths_level = aggregate(deaths, areas, level)
    for frame in (pop_level, deaths_level):
        for column in ("area_code", "period", "sex", "cause"):
            if column in frame.columns:
                frame[column] = frame[column].astype(str)
    le = _life_expectancy(pop_level, deaths_level)
    le = le[le["sex"].isin(["male", "female"])]
    pop_persons, deaths_persons = add_persons(pop_level), add_persons(deaths_level)
    pop_persons = pop_persons[pop_persons["sex"] == "persons"]
    rates = [_under75_rate(pop_persons, deaths_persons, c) for c in ("cancer", "circulatory")]
    measured = pd.concat([le, *rates], ignore_index=True)
    measured = measured[[c for c in INDICATOR_COLUMNS if c in measured.columns]]
    return pd.concat([measured, _deprivation(small, population, level)], ignore_index=True)
