"""Glue between the Explain page and the core decomposition (no method lives here).

Mirrors ``healthgap explain``: :func:`healthgap.decomposition.comparisons.build_comparison`
picks base and comparator populations, :func:`healthgap.decomposition.decompose.decompose_gap`
splits the gap by age and cause, and :mod:`healthgap.reports.charts` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from healthgap.decomposition.comparisons import build_comparison, period_label_years
from healthgap.decomposition.decompose import decompose_gap
from healthgap.reports.charts import contributions_chart, scarf_chart
from healthgap.web.workspaces import WorkspaceService

__all__ = ["COMPARATORS", "Explanation", "default_period", "explain_gap", "summary_rows"]

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


def _in_periods(table: pd.DataFrame, period: str) -> pd.DataFrame:
    wanted = {period, *period_label_years(period)}
    return table[table["period"].astype(str).isin(wanted)]


def explain_gap(service: WorkspaceService, *, area: str, compare: str, period: str) -> Explanation:
    comparison = build_comparison(
        service.areas(),
        _in_periods(service.table("population"), period),
        _in_periods(service.table("deaths"), period),
        area=area,
        compare=compare,
        period=period,
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
