"""Glue between the area profile page and the core: select the rows, call the core measures.

No method lives here: life expectancy is :func:`healthgap.measures.life_expectancy.
life_expectancy`. This module only chooses the rows of an area (or sums the rows of the
smallest areas inside it when the workspace holds no rows for the area itself) and turns
suppression warnings into notes shown on the page.
"""

from __future__ import annotations

import warnings

import pandas as pd

from healthgap.errors import HealthgapWarning
from healthgap.measures.life_expectancy import life_expectancy
from healthgap.web.workspaces import WorkspaceService

__all__ = ["deaths_and_population", "life_expectancy_at_birth", "small_area_life_expectancy"]

_KEYS = ["area_code", "period", "sex", "age_start"]


def deaths_and_population(service: WorkspaceService, area_codes: list[str]) -> pd.DataFrame:
    """Deaths (all causes) and person-years by area, period, sex and age band."""
    deaths = service.table("deaths")
    population = service.table("population")
    deaths = deaths[deaths["area_code"].isin(area_codes)]
    deaths = deaths.groupby(_KEYS, as_index=False, observed=True)["deaths"].sum()
    population = population[population["area_code"].isin(area_codes)]
    return population.merge(deaths, on=_KEYS, how="left").fillna({"deaths": 0})


def _rows_for_area(service: WorkspaceService, area_code: str) -> pd.DataFrame:
    own = deaths_and_population(service, [area_code])
    if not own.empty:
        return own
    # Sum the smallest areas inside it (counts add up; rates do not, hence before the measure).
    children = service.children(area_code)
    if children.empty:
        return own
    smallest = children[children["level"] == children["level"].iloc[0]]
    rows = deaths_and_population(service, smallest["area_code"].tolist())
    summed = rows.groupby(["period", "sex", "age_start"], as_index=False)[
        ["person_years", "deaths"]
    ].sum()
    return summed.assign(area_code=area_code)


def _quietly(data: pd.DataFrame) -> pd.DataFrame:
    # Suppression is reported in each row (suppression_note) and shown on the page.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HealthgapWarning)
        return life_expectancy(data, ages=[0])


def life_expectancy_at_birth(service: WorkspaceService, area_code: str) -> pd.DataFrame:
    """Life expectancy at birth of one area, by sex and period, males and females only."""
    rows = _rows_for_area(service, area_code)
    rows = rows[rows["sex"].isin(["male", "female"])]
    if rows.empty:
        return pd.DataFrame()
    return _quietly(rows).sort_values(["sex", "period"], ignore_index=True)


def small_area_life_expectancy(
    service: WorkspaceService, area_code: str, period: str
) -> pd.DataFrame:
    """Life expectancy at birth of the smallest areas inside ``area_code`` for one period."""
    children = service.children(area_code)
    if children.empty:
        return pd.DataFrame()
    smallest = children[children["level"] == children["level"].iloc[0]]
    rows = deaths_and_population(service, smallest["area_code"].tolist())
    rows = rows[(rows["period"] == period) & rows["sex"].isin(["male", "female"])]
    if rows.empty:
        return pd.DataFrame()
    le = _quietly(rows)
    names = smallest[["area_code", "area_name"]]
    return names.merge(le, on="area_code").sort_values(["area_code", "sex"], ignore_index=True)
