"""Profile an area: its life expectancy over time, against its country, inside it.

:func:`profile_area` answers "how is this place doing?": life expectancy at birth by sex and
period (:func:`healthgap.measures.life_expectancy.life_expectancy`), compared with the
country with a benchmark category (:func:`healthgap.measures.comparisons.compare`), the gap
between the area's most and least deprived fifths and the slope index of inequality
(:mod:`healthgap.measures.deprivation_gap`, :mod:`healthgap.measures.sii`), and the life
expectancy of the areas one level down. Tables are published rounded to 2 decimals, as
shown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.selection import area_mortality, latest_period
from healthgap.analyses.source import Source
from healthgap.data.model import LEVELS
from healthgap.data.model import SEXES as MODEL_SEXES
from healthgap.decomposition.comparison import Comparison
from healthgap.decomposition.populations import comparator_code
from healthgap.errors import InputError
from healthgap.measures.comparisons import compare
from healthgap.measures.deprivation_gap import deprivation_gap, deprivation_group_life_expectancy
from healthgap.measures.life_expectancy import LE_METHOD, life_expectancy
from healthgap.measures.sii import slope_index_of_inequality
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.trend_charts import life_expectancy_trend_chart

__all__ = ["INDICATOR", "profile_area"]

INDICATOR = "Life expectancy at birth"
QUINTILES = 5
SII_REPETITIONS = 10_000  # enough for 2-decimal limits; keeps the page fast
SEXES = ("male", "female")
_MEASURE = ["statistic", "value", "lowercl", "uppercl", "confidence"]
_KEYS = ["area_code", "area_name", "sex", "period"]
LE_COLUMNS = [*_KEYS, *_MEASURE, "method", "deaths_used", "person_years_used", "suppression_note"]
BENCHMARK_COLUMNS = [
    *_KEYS,
    *_MEASURE,
    "comparator",
    "comparator_value",
    "comparator_lowercl",
    "comparator_uppercl",
    "difference",
    "difference_lowercl",
    "difference_uppercl",
    "benchmark_label",
    "benchmark_method",
    "suppression_note",
]
INEQUALITY_COLUMNS = [
    *_KEYS,
    *_MEASURE,
    "method",
    "most_deprived_value",
    "least_deprived_value",
    "suppression_note",
]
ROUNDING = "values and limits to 2 decimal places"


def _life_expectancy(source: Source, codes: list[str], period: Period | None) -> pd.DataFrame:
    rows = area_mortality(source, codes, period, SEXES)
    if rows.empty:
        return pd.DataFrame()
    return life_expectancy(rows, ages=[0])


def _decimals(frame: pd.DataFrame) -> dict[str, int]:
    """Values, limits, differences and group values to 2 decimals (as shown and published)."""
    named = ("value", "lowercl", "uppercl", "most_deprived_value", "least_deprived_value")
    return {
        c: 2
        for c in frame.columns
        if (c in named or c.startswith(("comparator_", "difference")))
        and pd.api.types.is_numeric_dtype(frame[c])
    }


def _table(
    frame: pd.DataFrame,
    title: str,
    columns: list[str],
    level: str,
    indicator: str = INDICATOR,
    **metadata: str,
) -> Table:
    names = dict(zip(frame["area_code"], frame["area_name"], strict=True))
    return Table(
        frame,
        title,
        metadata={"indicator": indicator, "rounding": ROUNDING, **metadata},
        columns=columns,
        decimals=_decimals(frame),
        fingertips={
            # Empty: Fingertips' "Indicator Name" is then each row's statistic (gap or SII).
            "indicator_name": "" if indicator != INDICATOR else indicator,
            "area_type": level,
            "area_names": names,
        },
    )


def _benchmark(
    source: Source, area: str, le: pd.DataFrame
) -> tuple[pd.DataFrame, str, pd.DataFrame] | None:
    """``le`` compared with the area's country (None when there is none to compare with)."""
    areas = source.areas()
    try:
        country = comparator_code(areas, Comparison.against_england(area))
        comparator = _life_expectancy(source, [country], None)
    except InputError:  # a country itself, or no country in the data: nothing to compare
        return None
    names = areas.set_index(areas["area_code"].astype(str)).get("area_name")
    name = str(names.get(country, "England")) if names is not None else "England"
    shown = le.dropna(subset=["value", "lowercl", "uppercl"]) if len(le) else le
    if comparator.empty or shown.empty:
        return None
    compared = compare(
        shown,
        comparator[["sex", "period", "value", "lowercl", "uppercl"]],
        on=("sex", "period"),
        comparator_name=name,
    )
    return compared, name, comparator


def _inequality(source: Source, area: str, period: Period) -> dict[str, pd.DataFrame] | None:
    """The area's deprivation fifths, the gap between the ends, and the SII (None with too
    few scored small areas)."""
    areas = source.areas()
    parents = [c for c in areas.columns if c.startswith("parent_")]
    inside = areas[areas[parents].eq(area).any(axis=1)] if parents else areas.iloc[0:0]
    if inside.empty or "deprivation_score" not in inside.columns:
        return None
    inside = inside[inside["deprivation_score"].notna()]
    levels = [lv for lv in LEVELS if lv in set(inside["level"].astype(str))]
    smallest = inside[inside["level"].astype(str) == levels[0]] if levels else inside
    if len(smallest) < 2 * QUINTILES:
        return None
    rows = area_mortality(source, smallest["area_code"].astype(str).tolist(), period, SEXES)
    if rows.empty:
        return None
    # Groups in the data model's order of sexes (male first): the SII's simulation draws
    # follow the order of the groups, so the published limits do not depend on spelling.
    rows = rows.assign(sex=pd.Categorical(rows["sex"], categories=MODEL_SEXES))
    deaths = rows.drop(columns="person_years").assign(cause="all")
    population = rows.drop(columns="deaths")
    groups = deprivation_group_life_expectancy(
        deaths, population, smallest, quantiles=QUINTILES, ages=(0,)
    )
    gap = deprivation_gap(deaths, population, smallest, quantiles=QUINTILES)
    return {"groups": groups, "gap": gap, "sii": _sii(groups)}


def _sii(groups: pd.DataFrame) -> pd.DataFrame:
    """The SII of each sex and period whose five fifths all have a life expectancy and
    limits; the others get a row without a value whose note says which fifth is missing
    and why (a fifth of a small area can fall under the 5,000 person-years needed)."""
    keys = ["sex", "period"]
    shown = groups[["value", "lowercl", "uppercl"]].notna().all(axis=1)
    complete = shown.groupby([groups[k] for k in keys], observed=True).transform("all")
    parts = []
    if complete.any():
        parts.append(
            slope_index_of_inequality(
                groups[complete],
                keys=keys,
                population="person_years_used",
                lowercl="lowercl",
                uppercl="uppercl",
                repetitions=SII_REPETITIONS,
                rii=False,
                intercept=False,
            )
            .drop(columns=["measure", "reason"])
            .assign(suppression_reason="", suppression_note="")
        )
    missing = groups[~shown & ~complete]
    if len(missing):
        first = missing.sort_values("quantile").drop_duplicates(keys)
        parts.append(
            first[keys].assign(
                value=float("nan"),
                lowercl=float("nan"),
                uppercl=float("nan"),
                confidence="95%",
                statistic="slope index of inequality (normal, multiplier 1)",
                method="not calculated",
                suppression_reason="group_suppressed",
                suppression_note=(
                    "Not calculated: life expectancy is not available for deprivation fifth "
                    + first["quantile"].astype(str)
                    + " ("
                    + first["suppression_reason"].astype(str)
                    + ")."
                ),
            )
        )
    if not parts:
        return pd.DataFrame(columns=[*keys, "value", "lowercl", "uppercl", "suppression_note"])
    return pd.concat(parts, ignore_index=True).sort_values(keys, ignore_index=True)


def _small_areas(source: Source, area: str, period: Period) -> tuple[pd.DataFrame, str]:
    """Life expectancy at birth of the areas one level below ``area``."""
    areas = source.areas()
    parents = [c for c in areas.columns if c.startswith("parent_")]
    children = areas[areas[parents].eq(area).any(axis=1)] if parents else areas.iloc[0:0]
    if children.empty:
        return pd.DataFrame(), ""
    # The level just below: the one whose areas name this area as their direct parent.
    order = [level for level in LEVELS if level in set(children["level"])]
    level = order[-1] if order else str(children["level"].iloc[0])
    below = children[children["level"] == level]
    le = _life_expectancy(source, below["area_code"].astype(str).tolist(), period)
    if le.empty:
        return le, level
    names = below[["area_code", "area_name"]].astype({"area_code": str})
    table = names.merge(le, on="area_code").sort_values(["area_code", "sex"], ignore_index=True)
    return table, level


def profile_area(source: Source, area: str, *, period: str | Period | None = None) -> ResultBundle:
    """Everything the area profile shows, for ``area`` (small areas and inequality in
    ``period``, by default :func:`~healthgap.analyses.selection.latest_period`).

    Tables: ``life_expectancy`` (by sex and period), ``benchmark`` (against the country),
    ``inequality`` (fifths gap and SII), ``small_areas``; chart ``trend``; ``summary`` holds
    the headline cards, the latest period and the comparator's name.
    """
    areas = source.areas()
    found = areas[areas["area_code"].astype(str) == area]
    if found.empty:
        raise InputError(f"no area has the code {area!r}", rule="unknown_area")
    row = found.iloc[0]
    name, level = str(row.get("area_name", area)), str(row["level"])
    where = f"{name} ({area})"
    small_period = latest_period(source) if period is None else Period.parse(period)
    tables: dict[str, Table] = {}
    charts: dict[str, dict[str, Any]] = {}
    with collect_warnings() as met:
        le = _life_expectancy(source, [area], None)
        if not le.empty:
            le = le.sort_values(["sex", "period"], ignore_index=True).assign(area_name=name)
            tables["life_expectancy"] = _table(
                le, "life expectancy at birth by sex and period", LE_COLUMNS, level, area=where
            )
        latest = None if le.empty else max(le["period"].unique(), key=_period_key)
        benchmark = _benchmark(source, area, le) if latest else None
        headline = [] if le.empty else le[le["period"] == latest].to_dict("records")
        if benchmark is not None:
            compared, comparator_name, comparator_le = benchmark
            compared = compared.assign(area_name=name, comparator=comparator_name)
            tables["benchmark"] = _table(
                compared,
                f"life expectancy at birth compared with {comparator_name}",
                BENCHMARK_COLUMNS,
                level,
                area=where,
                comparator=comparator_name,
            )
            by_sex = {
                r["sex"]: r for r in compared[compared["period"] == latest].to_dict("records")
            }
            headline = [
                {**r, **{f"cmp_{k}": v for k, v in by_sex.get(r["sex"], {}).items()}}
                for r in headline
            ]
        if latest:
            charts["trend"] = life_expectancy_trend_chart(
                le,
                area_label=name,
                comparator_le=None if benchmark is None else _comparator_series(benchmark[0]),
                comparator_label=None if benchmark is None else benchmark[1],
            )
        inequality = _inequality(source, area, small_period) if small_period and latest else None
        if inequality is not None:
            gap_and_sii = pd.concat([inequality["gap"], inequality["sii"]], ignore_index=True)
            gap_and_sii = gap_and_sii.assign(area_code=area, area_name=name)
            tables["inequality"] = _table(
                gap_and_sii,
                "gap between the most and least deprived fifths, and the SII",
                INEQUALITY_COLUMNS,
                level,
                "Inequality in life expectancy at birth within the area",
                area=where,
                period=str(small_period),
                groups="deprivation fifths of the area's small areas (1 = most deprived)",
            )
        small, small_level = (
            _small_areas(source, area, small_period) if small_period and latest else (None, "")
        )
        if small is not None and not small.empty:
            tables["small_areas"] = _table(
                small,
                f"life expectancy at birth of the areas in {name}",
                LE_COLUMNS,
                small_level,
                **{"parent area": where, "period": str(small_period)},
            )
    return ResultBundle(
        question="profile an area",
        provenance=provenance_of(source, LE_METHOD),
        tables=tables,
        charts=charts,
        metadata={"area": where},
        summary={
            "area": row.to_dict(),
            "latest": latest,
            "small_period": None if small_period is None else small_period.label,
            "comparator_name": None if benchmark is None else benchmark[1],
            "headline": headline,
            "inequality": None
            if inequality is None
            else {k: v.to_dict("records") for k, v in inequality.items()},
        },
        warnings=tuple(met),
    )


def _period_key(label: object) -> tuple[int, int, str]:
    period = Period.try_parse(label)
    return (0, 0, str(label)) if period is None else (period.last, -period.n_years, str(label))


def _comparator_series(compared: pd.DataFrame) -> pd.DataFrame | None:
    if "comparator_lowercl" not in compared.columns:
        return None
    columns = ["sex", "period", "comparator_value", "comparator_lowercl", "comparator_uppercl"]
    return compared[columns].rename(columns=lambda c: c.removeprefix("comparator_"))
