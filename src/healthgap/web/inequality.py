"""Glue for the area profile's comparisons: benchmark against the country, the gap between
the area's most and least deprived fifths, and the slope index of inequality.

No method lives here: :func:`healthgap.measures.comparisons.compare`,
:func:`healthgap.measures.deprivation_gap.deprivation_gap`,
:func:`~healthgap.measures.deprivation_gap.deprivation_group_life_expectancy` and
:func:`healthgap.measures.sii.slope_index_of_inequality` do the work; this module picks rows.
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from healthgap.errors import HealthgapWarning
from healthgap.measures.comparisons import compare
from healthgap.measures.deprivation_gap import (
    deprivation_gap,
    deprivation_group_life_expectancy,
)
from healthgap.measures.life_expectancy import life_expectancy
from healthgap.measures.sii import slope_index_of_inequality
from healthgap.web.profile import deaths_and_population
from healthgap.web.workspaces import WorkspaceService

__all__ = ["benchmark_against_country", "within_area_inequality"]

QUINTILES = 5
SII_REPETITIONS = 10_000  # enough for 2-decimal limits; keeps the page fast


def benchmark_against_country(
    service: WorkspaceService, area_le: pd.DataFrame
) -> tuple[pd.DataFrame, str] | None:
    """``area_le`` (life expectancy at birth by sex and period) compared with the country:
    difference and the benchmark category with its colour and text label."""
    areas = service.areas()
    countries = areas[areas["level"] == "country"]
    if countries.empty or area_le.empty:
        return None
    country = countries.iloc[0]
    rows = deaths_and_population(service, [country["area_code"]])
    rows = rows[rows["sex"].isin(["male", "female"])]
    if rows.empty:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HealthgapWarning)
        comparator = life_expectancy(rows, ages=[0])
        shown = area_le.dropna(subset=["value", "lowercl", "uppercl"])
        if shown.empty:
            return None
        compared = compare(
            shown,
            comparator[["sex", "period", "value", "lowercl", "uppercl"]],
            on=("sex", "period"),
            comparator_name=str(country["area_name"]),
        )
    return compared, str(country["area_name"])


def within_area_inequality(
    service: WorkspaceService, area_code: str, period: str
) -> dict[str, Any] | None:
    """Life expectancy of the area's deprivation fifths, the gap between the most and least
    deprived fifths, and the SII, from the smallest areas inside it pooled over ``period``.

    ``None`` when the area has too few small areas with deprivation scores.
    """
    children = service.children(area_code)
    if children.empty or "deprivation_score" not in children.columns:
        return None
    smallest = children[children["level"] == children["level"].iloc[0]]
    smallest = smallest[smallest["deprivation_score"].notna()]
    if len(smallest) < 2 * QUINTILES:
        return None
    rows = deaths_and_population(service, smallest["area_code"].tolist(), period)
    rows = rows[rows["sex"].isin(["male", "female"])]
    if rows.empty:
        return None
    deaths = rows.drop(columns="person_years").assign(cause="all")
    population = rows.drop(columns="deaths")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HealthgapWarning)
        groups = deprivation_group_life_expectancy(
            deaths, population, smallest, quantiles=QUINTILES, ages=(0,)
        )
        gap = deprivation_gap(deaths, population, smallest, quantiles=QUINTILES)
        sii = slope_index_of_inequality(
            groups,
            keys=("sex", "period"),
            population="person_years_used",
            lowercl="lowercl",
            uppercl="uppercl",
            repetitions=SII_REPETITIONS,
            rii=False,
            intercept=False,
        )
    return {"groups": groups, "gap": gap, "sii": sii}
