"""Glue between the area profile page and the core: select the rows, call the core measures.

No method lives here: life expectancy is :func:`healthgap.measures.life_expectancy.
life_expectancy`. This module only chooses the rows of an area (or sums the rows of the
smallest areas inside it when the workspace holds no rows for the area itself) and turns
suppression warnings into notes shown on the page.
"""

from __future__ import annotations

import warnings

import pandas as pd

from healthgap.data.model import LEVELS
from healthgap.errors import HealthgapWarning
from healthgap.measures.life_expectancy import life_expectancy
from healthgap.web.workspaces import WorkspaceService

__all__ = [
    "deaths_and_population",
    "life_expectancy_at_birth",
    "small_area_life_expectancy",
    "small_area_period",
]

_KEYS = ["area_code", "period", "sex", "age_start"]


def deaths_and_population(
    service: WorkspaceService, area_codes: list[str], period: str | None = None
) -> pd.DataFrame:
    """Deaths (all causes) and person-years by area, period, sex and age band.

    Areas at any level: their own rows, or the rows of the smallest areas inside them summed
    (prepared once per workspace, see :mod:`healthgap.web.levels`). With ``period``, only that
    period, pooled from its single years for a range label such as ``"2022-24"``.
    """
    deaths = service.rows("deaths", area_codes, period)
    population = service.rows("population", area_codes, period)
    deaths = deaths.groupby(_KEYS, as_index=False, observed=True)["deaths"].sum()
    merged = population.merge(deaths, on=_KEYS, how="left").fillna({"deaths": 0})
    return merged.astype({"area_code": str, "period": str})


def _quietly(data: pd.DataFrame) -> pd.DataFrame:
    # Suppression is reported in each row (suppression_note) and shown on the page.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HealthgapWarning)
        return life_expectancy(data, ages=[0])


def life_expectancy_at_birth(service: WorkspaceService, area_code: str) -> pd.DataFrame:
    """Life expectancy at birth of one area, by sex and period, males and females only."""
    rows = deaths_and_population(service, [area_code])
    rows = rows[rows["sex"].isin(["male", "female"])]
    if rows.empty:
        return pd.DataFrame()
    return _quietly(rows).sort_values(["sex", "period"], ignore_index=True)


def small_area_period(service: WorkspaceService) -> str | None:
    """The period of the small-area table: the latest three single years pooled (small areas
    need them for stable values), or the latest period when periods are already pooled."""
    periods = sorted(str(p) for p in service.table("population")["period"].unique())
    if not periods:
        return None
    years = [p for p in periods if p.isdigit()]
    if len(years) >= 3 and years[-1] == periods[-1]:
        return f"{years[-3]}-{years[-1][2:]}"
    return periods[-1]


def small_area_life_expectancy(
    service: WorkspaceService, area_code: str, period: str
) -> pd.DataFrame:
    """Life expectancy at birth of the areas one level below ``area_code`` for one period.

    A pooled label such as ``"2022-24"`` that is not in the workspace is built from its
    single years with :func:`healthgap.data.pool_periods`.
    """
    children = service.children(area_code)
    if children.empty:
        return pd.DataFrame()
    # The level just below: the one whose areas name this area as their direct parent.
    order = [level for level in LEVELS if level in set(children["level"])]
    below = children[children["level"] == order[-1]] if order else children
    rows = deaths_and_population(service, below["area_code"].tolist(), period)
    rows = rows[rows["sex"].isin(["male", "female"])]
    if rows.empty:
        return pd.DataFrame()
    le = _quietly(rows)
    names = below[["area_code", "area_name"]]
    return names.merge(le, on="area_code").sort_values(["area_code", "sex"], ignore_index=True)
