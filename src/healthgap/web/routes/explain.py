"""Explain: decomposition of a life expectancy gap by age and cause, with charts and downloads."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from healthgap.errors import InputError
from healthgap.store import Role, User
from healthgap.web.deps import render, require
from healthgap.web.explain import COMPARATORS, default_period, explain_gap, summary_rows
from healthgap.web.files import chart_file, slug, table_file

router = APIRouter(prefix="/explain")
Viewer = Annotated[User, Depends(require(Role.viewer))]


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
    explanation = explain_gap(service, area=area_code, compare=compare, period=period)
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
    explanation = explain_gap(service, area=area_code, compare=compare, period=period)
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
) -> Response:
    service = request.app.state.workspaces
    compare, period = _choices(request, compare, period)
    explanation = explain_gap(service, area=area_code, compare=compare, period=period)
    spec = explanation.charts.get(f"{kind}_{sex}")
    if spec is None:
        raise InputError(f"no {kind} chart for {sex}", rule="unknown_chart")
    stem = f"le-gap-{kind}-chart_{area_code}_{sex}_vs-{compare}_{slug(period)}"
    return chart_file(spec, stem, fmt)
