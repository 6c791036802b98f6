"""Explain: decomposition of a life expectancy gap by age and cause, with charts and downloads."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from healthgap.errors import InputError
from healthgap.store import Role, User
from healthgap.web.deps import render, require
from healthgap.web.explain import (
    COMPARATORS,
    Explanation,
    Trajectory,
    default_period,
    explain_gap,
    summary_rows,
    target_trajectories,
)
from healthgap.web.files import chart_file, slug, table_file
from healthgap.web.workspaces import WorkspaceService

router = APIRouter(prefix="/explain")
Viewer = Annotated[User, Depends(require(Role.viewer))]


def _explained(service: WorkspaceService, area: str, compare: str, period: str) -> Explanation:
    # Cached per choice: the page, its charts and its downloads share one decomposition.
    return service.memo(
        ("explain", area, compare, period),
        lambda: explain_gap(service, area=area, compare=compare, period=period),
    )


def _choices(request: Request, compare: str, period: str | None) -> tuple[str, str]:
    if compare not in COMPARATORS:
        raise InputError(f"{compare!r} is not a comparator", rule="unknown_comparator")
    return compare, period or default_period(request.app.state.workspaces)


@router.get("/{area_code}")
def explain_page(
    request: Request,
    _user: Viewer,
    area_code: str,
    compare: str = "england",
    period: str | None = None,
) -> Response:
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return render(
            request,
            "error.html",
            {"title": "Unknown area", "message": f"No area has the code {area_code}."},
            404,
        )
    compare, period = _choices(request, compare, period)
    explanation = _explained(service, area_code, compare, period)
    # "<" escaped so that no label can close the <script type="application/json"> holding it.
    charts = {
        key: json.dumps(spec, allow_nan=False).replace("<", "\\u003c")
        for key, spec in explanation.charts.items()
    }
    return render(
        request,
        "explain.html",
        {
            "area": area,
            "compare": compare,
            "comparators": COMPARATORS,
            "period": period,
            "base_label": explanation.base_label,
            "comparator_label": explanation.comparator_label,
            "summary": summary_rows(explanation.result),
            "charts": charts,
        },
    )


@router.get("/{area_code}/decomposition.{fmt}")
def decomposition_file(
    request: Request,
    _user: Viewer,
    area_code: str,
    fmt: str,
    compare: str = "england",
    period: str | None = None,
) -> Response:
    service = request.app.state.workspaces
    compare, period = _choices(request, compare, period)
    explanation = _explained(service, area_code, compare, period)
    stem = f"le-gap-by-age-and-cause_{area_code}_vs-{compare}_{slug(period)}"
    metadata = {
        "base": explanation.base_label,
        "comparator": explanation.comparator_label,
        "period": period,
        "statistic": "contribution to the gap in life expectancy at birth (years)",
    }
    return table_file(
        explanation.result, stem, fmt, metadata=metadata, synthetic=service.summary()["synthetic"]
    )


@router.get("/{area_code}/chart-{kind}-{sex}.{fmt}")
def chart_download(
    request: Request,
    _user: Viewer,
    area_code: str,
    kind: str,
    sex: str,
    fmt: str,
    compare: str = "england",
    period: str | None = None,
    target_year: int = 2030,
    reduction: float = 10.0,
) -> Response:
    service = request.app.state.workspaces
    if kind == "trajectory":  # the target trajectory's chart (same choices as its fragment)
        chosen = _trajectories(request, area_code, compare, target_year, reduction)
        found = [t for t in chosen if t.sex == sex]
        if not found:
            raise InputError(f"no trajectory chart for {sex}", rule="unknown_chart")
        stem = (
            f"le-gap-target-trajectory-chart_{area_code}_{sex}_vs-{compare}_"
            f"{_reduction_label(reduction)}-by-{target_year}"
        )
        return chart_file(_described(found[0]), stem, fmt)
    compare, period = _choices(request, compare, period)
    explanation = _explained(service, area_code, compare, period)
    spec = explanation.charts.get(f"{kind}_{sex}")
    if spec is None:
        raise InputError(f"no {kind} chart for {sex}", rule="unknown_chart")
    stem = f"le-gap-{kind}-chart_{area_code}_{sex}_vs-{compare}_{slug(period)}"
    return chart_file(spec, stem, fmt)


@router.get("/{area_code}/target-trajectory.{fmt}")
def target_trajectory_file(
    request: Request,
    _user: Viewer,
    area_code: str,
    fmt: str,
    compare: str = "england",
    target_year: int = 2030,
    reduction: float = 10.0,
) -> Response:
    """The target trajectory table (observed and projected gap with 95% limits, the trend and
    the target) of both sexes, as CSV, Excel or the Fingertips CSV layout."""
    service = request.app.state.workspaces
    area = service.area(area_code)
    trajectories = _trajectories(request, area_code, compare, target_year, reduction)
    if area is None or not trajectories:
        return Response("no target trajectory for this area\n", status_code=404)
    table = pd.concat([t.table for t in trajectories], ignore_index=True)
    table = table.assign(area_name=area["area_name"])
    first = ["area_code", "area_name", "sex", "period", "year", "kind"]
    table = table[first + [c for c in table.columns if c not in first]]
    table = table.round(dict.fromkeys(("value", "lowercl", "uppercl", "trend", "target"), 3))
    stem = (
        f"le-gap-target-trajectory_{area_code}_vs-{compare}_"
        f"{_reduction_label(reduction)}-by-{target_year}"
    )
    metadata = {
        "area": f"{area['area_name']} ({area_code})",
        "comparator": COMPARATORS[compare],
        "target": f"gap narrowed by {reduction:g}% by {target_year}",
        "verdicts": "; ".join(f"{t.sex}: {t.verdict}" for t in trajectories),
        "statistic": "gap in life expectancy at birth (years), observed and projected",
        "rounding": "values, limits, trend and target to 3 decimal places",
    }
    return table_file(
        table,
        stem,
        fmt,
        metadata=metadata,
        synthetic=bool(service.summary()["synthetic"]),
        fingertips={
            "indicator_name": f"Gap in life expectancy at birth vs {COMPARATORS[compare]}",
            "area_type": str(area["level"]),
            "area_names": {area_code: str(area["area_name"])},
        },
    )


def _reduction_label(reduction: float) -> str:
    return f"{reduction:g}".replace(".", "-") + "pc"


def _trajectories(
    request: Request, area_code: str, compare: str, target_year: int, reduction: float
) -> list[Trajectory]:
    """The target trajectories for these choices, computed once (page, table and charts)."""
    service = request.app.state.workspaces
    compare, _ = _choices(request, compare, None)
    if not 0 < reduction <= 100 or not 2000 <= target_year <= 2100:
        raise InputError(
            "give a reduction of 1 to 100 % and a target year such as 2030", rule="bad_target"
        )
    return service.memo(
        ("target", area_code, compare, target_year, reduction),
        lambda: target_trajectories(
            service,
            area=area_code,
            compare=compare,
            target_year=target_year,
            reduction=reduction / 100,
        ),
    )


@router.get("/{area_code}/target")
def target_fragment(
    request: Request,
    _user: Viewer,
    area_code: str,
    compare: str = "england",
    target_year: int = 2030,
    reduction: float = 10.0,
) -> Response:
    """The target trajectory and its verdict (loaded by HTMX after the page: it is slower)."""
    trajectories = _trajectories(request, area_code, compare, target_year, reduction)
    charts = {
        f"trend_{t.sex}": json.dumps(_described(t), allow_nan=False).replace("<", "\\u003c")
        for t in trajectories
    }
    return render(
        request,
        "_explain_target.html",
        {
            "trajectories": trajectories,
            "charts": charts,
            "target_year": target_year,
            "reduction": reduction,
            "query": urlencode(
                {"compare": compare, "target_year": target_year, "reduction": reduction}
            ),
        },
    )


def _described(trajectory: Trajectory) -> dict[str, Any]:
    """The trend chart with a text alternative (vega-embed labels its <svg> with the spec's
    description; without one the drawn chart has no accessible name)."""
    fallback = (
        f"Line chart of the gap in life expectancy for {trajectory.sex}s over time with the "
        f"target line; verdict: {trajectory.verdict}. {trajectory.explanation}"
    )
    return {
        **_decorative_rules(trajectory.chart),
        "description": trajectory.chart.get("description") or fallback,
    }


def _decorative_rules(spec: dict[str, Any]) -> dict[str, Any]:
    """Reference lines (rule marks such as the target line) without a description of their
    own are marked decorative (``aria: false``): the verdict text and the chart's description
    say what they show, and an unnamed ARIA image fails WCAG 1.1.1."""
    out = dict(spec)
    mark = out.get("mark")
    if isinstance(mark, dict) and mark.get("type") == "rule" and "description" not in mark:
        out["mark"] = {**mark, "aria": False}
    if isinstance(out.get("layer"), list):
        out["layer"] = [_decorative_rules(layer) for layer in out["layer"]]
    return out
