"""Glue between the Explain page and the core decomposition (no method lives here).

Mirrors ``healthgap explain``: :func:`healthgap.decomposition.comparisons.build_comparison`
picks base and comparator populations, :func:`healthgap.decomposition.decompose.decompose_gap`
splits the gap by age and cause, and :mod:`healthgap.reports.charts` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from healthgap.data.model import parent_column
from healthgap.decomposition.comparisons import (
    build_comparison,
    gaps_over_periods,
    period_label_years,
)
from healthgap.decomposition.decompose import decompose_gap
from healthgap.errors import InputError
from healthgap.frameworks.targets import assess_gap_target
from healthgap.reports.charts import contributions_chart, gap_trend_chart, scarf_chart
from healthgap.web.levels import LARGE_SELECTION
from healthgap.web.workspaces import WorkspaceService

__all__ = [
    "COMPARATORS",
    "Explanation",
    "Trajectory",
    "default_period",
    "explain_gap",
    "pooled_periods",
    "summary_rows",
    "target_trajectories",
]

COMPARATORS = {
    "england": "England",
    "quintiles": "Least deprived fifth of the area (most vs least deprived)",
}


@dataclass(frozen=True)
class Explanation:
    result: pd.DataFrame
    base_label: str
    comparator_label: str
    charts: dict[str, dict[str, Any]]  # "<kind>_<sex>" -> Vega-Lite spec


def default_period(service: WorkspaceService) -> str:
    """The latest three single years pooled, e.g. ``"2022-24"`` (or the latest label)."""
    periods = sorted(str(p) for p in service.table("deaths")["period"].unique())
    years = [p for p in periods if p.isdigit()]
    if len(years) >= 3:
        return f"{years[-3]}-{years[-1][2:]}"
    return periods[-1]


def _comparison_codes(service: WorkspaceService, area: str, compare: str) -> list[str]:
    """The areas whose rows ``build_comparison`` reads: the area and its country, or the
    small areas inside it for the deprivation fifths."""
    areas = service.areas()
    level = str(areas.loc[areas["area_code"] == area, "level"].iloc[0])
    if compare == "quintiles":
        inside = areas[(areas.get(parent_column(level)) == area) & (areas["level"] == "lsoa")]
        return [area, *inside["area_code"].astype(str)]
    countries = areas.loc[areas["level"] == "country", "area_code"].astype(str).tolist()
    own = areas.loc[areas["area_code"] == area].get("parent_country", pd.Series(dtype=str))
    return [area, *countries, *own.dropna().astype(str)]


def _check_period(service: WorkspaceService, period: str) -> None:
    """The core's message for a period the workspace cannot provide."""
    present = {str(p) for p in service.table("population")["period"].unique()}
    if period in present:
        return
    missing = sorted(set(period_label_years(period)) - present)
    if missing:
        raise InputError(
            f"period {period!r} needs years {', '.join(missing)}, not in the data",
            rule="missing_period",
        )


def _tables_for(
    service: WorkspaceService, codes: list[str], periods: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Population and deaths of ``codes`` for ``periods``: single years for the core to pool
    (few areas), or each period pooled once and kept (the whole country's small areas)."""
    for period in periods:
        _check_period(service, period)
    if len(codes) > LARGE_SELECTION:
        return tuple(  # type: ignore[return-value]
            pd.concat([service.rows(name, codes, p) for p in periods], ignore_index=True)
            for name in ("population", "deaths")
        )
    wanted = {y for p in periods for y in (p, *period_label_years(p))}
    return tuple(  # type: ignore[return-value]
        rows[rows["period"].astype(str).isin(wanted).to_numpy()]
        for rows in (service.rows(name, codes) for name in ("population", "deaths"))
    )


def explain_gap(service: WorkspaceService, *, area: str, compare: str, period: str) -> Explanation:
    population, deaths = _tables_for(service, _comparison_codes(service, area, compare), [period])
    comparison = build_comparison(
        service.areas(), population, deaths, area=area, compare=compare, period=period
    )
    result = decompose_gap(
        comparison.deaths, comparison.population, comparison.pairs, by=("age", "cause")
    )
    synthetic = service.summary()["synthetic"]
    charts: dict[str, dict[str, Any]] = {}
    for sex in ("male", "female"):
        rows = result[result["sex"] == sex]
        if rows.empty:
            continue
        label = f"{comparison.base_label} ({sex})"
        charts[f"contributions_{sex}"] = contributions_chart(
            rows,
            base_label=label,
            comparator_label=comparison.comparator_label,
            synthetic=synthetic,
        )
        charts[f"scarf_{sex}"] = scarf_chart(
            rows,
            base_label=label,
            comparator_label=comparison.comparator_label,
            synthetic=synthetic,
        )
    return Explanation(result, comparison.base_label, comparison.comparator_label, charts)


def summary_rows(result: pd.DataFrame) -> list[dict[str, Any]]:
    """Per sex: both life expectancies, the gap and the three largest cause contributions."""
    rows = []
    for sex, group in result.groupby("sex", observed=True, sort=False):
        first = group.iloc[0]
        by_cause = group.groupby("cause", observed=True)["contribution"].sum()
        top = by_cause.reindex(by_cause.abs().sort_values(ascending=False).index)[:3]
        rows.append(
            {
                "sex": sex,
                "e0_base": float(first["e0_base"]),
                "e0_comparator": float(first["e0_comparator"]),
                "gap": float(first["gap"]),
                "top": [(str(k), float(v)) for k, v in top.items()],
                "note": str(first.get("note", "") or ""),
            }
        )
    return rows


@dataclass(frozen=True)
class Trajectory:
    sex: str
    verdict: str
    explanation: str
    numbers: dict[str, Any]
    chart: dict[str, Any]
    #: the core's ``TargetAssessment.trajectory`` (observed and projected gap, target) by sex
    table: pd.DataFrame


def pooled_periods(service: WorkspaceService, width: int = 3) -> list[str]:
    """Non-overlapping pools of ``width`` years ending at the latest year (oldest first),
    e.g. 2010-12 ... 2022-24; overlapping pools would overstate the trend's certainty."""
    years = sorted(
        int(p) for p in map(str, service.table("deaths")["period"].unique()) if p.isdigit()
    )
    labels = []
    end = years[-1] if years else 0
    while years and end - width + 1 >= years[0]:
        start = end - width + 1
        labels.append(f"{start}-{str(end)[2:]}")
        end -= width
    return labels[::-1]


def target_trajectories(
    service: WorkspaceService, *, area: str, compare: str, target_year: int, reduction: float
) -> list[Trajectory]:
    """The gap's trend over pooled periods projected to ``target_year``, with the core's
    verdict (:func:`healthgap.frameworks.targets.assess_gap_target`), for each sex."""
    labels = pooled_periods(service)
    if len(labels) < 3:
        return []
    codes = _comparison_codes(service, area, compare)
    population, deaths = _tables_for(service, codes, labels)
    synthetic = bool(service.summary()["synthetic"])
    out = []
    for sex in ("male", "female"):
        series, comparison = gaps_over_periods(
            service.areas(), population, deaths, area=area, compare=compare, periods=labels, sex=sex
        )
        result = assess_gap_target(
            series, baseline_period=labels[0], target_year=target_year, reduction=reduction
        )
        chart = gap_trend_chart(
            result.trajectory,
            base_label=f"{comparison.base_label} ({sex})",
            comparator_label=comparison.comparator_label,
            verdict=result.verdict,
            synthetic=synthetic,
        )
        table = result.trajectory.assign(sex=sex, area_code=area)
        out.append(
            Trajectory(sex, result.verdict, result.explanation, result.numbers, chart, table)
        )
    return out
