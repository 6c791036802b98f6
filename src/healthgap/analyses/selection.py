"""The rows a question reads: areas of a level, a period, sexes, summed and pooled once.

Used by every use case that measures areas (``measure``, ``profile``): the interfaces never
select, pool or sum rows themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from healthgap.analyses.source import Source
from healthgap.data import add_persons
from healthgap.decomposition.populations import rows_of_areas
from healthgap.errors import InputError
from healthgap.measures.deprivation_gap import mortality_by_band
from healthgap.periods import Period

__all__ = [
    "KEYS",
    "SEXES",
    "area_mortality",
    "check_sexes",
    "codes_at_level",
    "given_or_latest",
    "latest_period",
    "level_rows",
]

KEYS = ["area_code", "sex", "period"]
SEXES = ("male", "female", "persons")


def latest_period(source: Source) -> Period | None:
    """The period a question reads when none is given: the latest three single years pooled
    (stable values for small areas), or the latest stored period when periods are already
    pooled (:meth:`healthgap.periods.Period.latest`); None without any population."""
    return Period.latest(source.periods("population")) if source.has("population") else None


def given_or_latest(source: Source, period: str | Period | None) -> Period:
    """``period`` read as a :class:`~healthgap.periods.Period`, or :func:`latest_period`."""
    if period is not None and str(period).strip():
        return Period.parse(period)
    latest = latest_period(source)
    if latest is None:
        raise InputError("the workspace has no population in any period", rule="missing_period")
    return latest


def check_sexes(sexes: Sequence[str]) -> list[str]:
    """The sexes asked for, each ``male``, ``female`` or ``persons``."""
    bad = [s for s in sexes if s not in SEXES]
    if bad:
        raise InputError(f"sex must be male, female or persons, not {bad}", rule="invalid_sex")
    return list(sexes)


def codes_at_level(source: Source, level: str) -> list[str]:
    """Codes of the areas of ``level`` (an unknown level is a problem naming the known)."""
    areas = source.areas()
    levels = areas["level"].astype(str)
    if level not in set(levels):
        raise InputError(
            f"level {level!r} is not in the workspace (it has {', '.join(sorted(set(levels)))})",
            rule="unknown_level",
        )
    return areas.loc[(levels == level).to_numpy(), "area_code"].astype(str).tolist()


def level_rows(
    source: Source,
    table: str,
    codes: Sequence[str],
    period: Period | None,
    sexes: Sequence[str],
) -> pd.DataFrame:
    """Rows of ``table`` for areas ``codes`` (own, or summed from the smallest areas inside
    them), pooled to ``period``, for ``sexes`` (``persons`` summed from males and females
    where the data have none)."""
    rows = rows_of_areas(source.areas(), source.read, table, codes, period)
    rows = rows.astype({"area_code": str, "period": str, "sex": str})
    if "persons" in sexes and "persons" not in set(rows["sex"]):
        rows = add_persons(rows)
    return rows[rows["sex"].isin(list(sexes)).to_numpy()].reset_index(drop=True)


def area_mortality(
    source: Source,
    codes: Sequence[str],
    period: Period | None,
    sexes: Sequence[str] = ("male", "female"),
) -> pd.DataFrame:
    """All-cause deaths joined to person-years by area, sex, period and age band (a cell
    without deaths has none)."""
    deaths = level_rows(source, "deaths", codes, period, sexes)
    population = level_rows(source, "population", codes, period, sexes)
    return mortality_by_band(deaths, population, KEYS)
