"""Home (pick a place) and the area profile (life expectancy by sex, trend, small areas)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.data.model import LEVELS
from healthgap.reports.trend_charts import life_expectancy_trend_chart
from healthgap.store import Role, User
from healthgap.web.deps import render, require
from healthgap.web.inequality import benchmark_against_country, within_area_inequality
from healthgap.web.profile import (
    life_expectancy_at_birth,
    small_area_life_expectancy,
    small_area_period,
)
from healthgap.web.workspaces import WorkspaceService

router = APIRouter()
Viewer = Annotated[User, Depends(require(Role.viewer))]


LEVEL_NAMES = {
    "country": "Country",
    "region": "Region",
    "icb": "Integrated care board",
    "utla": "Upper-tier local authority",
    "la": "Local authority",
    "ward": "Ward",
    "msoa": "Middle layer super output area",
    "lsoa": "Lower layer super output area (small area)",
}
SHOWN_PLACES = 100  # a list a person can scan; the search narrows it


def _level_choices(service: WorkspaceService) -> list[tuple[str, str, int]]:
    counts = service.areas()["level"].astype(str).value_counts()
    order = [lv for lv in ("country", *reversed(LEVELS)) if lv in counts.index]
    order += [lv for lv in counts.index if lv not in order]
    return [(lv, LEVEL_NAMES.get(lv, lv), int(counts[lv])) for lv in order]


def _picker(service: WorkspaceService, level: str | None, q: str) -> dict[str, Any]:
    """The places of one level whose name or code contains ``q`` (case-insensitive)."""
    levels = [code for code, _, _ in _level_choices(service)]
    if level not in levels:
        level = "la" if "la" in levels else levels[0]
    areas = service.areas()
    places = areas[areas["level"].astype(str) == level]
    query = q.strip()
    if query:
        needle = query.lower()
        names = places["area_name"].astype(str).str.lower()
        codes = places["area_code"].astype(str).str.lower()
        places = places[names.str.contains(needle, regex=False) | codes.str.startswith(needle)]
    places = places.sort_values("area_name")
    return {
        "level": level,
        "level_label": LEVEL_NAMES.get(level, level).lower(),
        "q": query,
        "total": len(places),
        "shown": places.head(SHOWN_PLACES)[["area_code", "area_name"]].to_dict("records"),
    }


@router.get("/")
def home(
    request: Request,
    _user: Viewer,
    area: str | None = None,
    level: str | None = None,
    q: str = "",
    filter: str | None = None,  # noqa: A002 - the name of the form's "Filter the list" button
) -> Response:
    """Pick a place: choose a level, then search by name or code (HTMX updates the list;
    without JavaScript the "Filter the list" button does the same)."""
    service = request.app.state.workspaces
    if area and not filter:
        return RedirectResponse(f"/area/{area}", status_code=303)
    if not service.available:
        return render(request, "home.html", {"levels": [], "picker": {}})
    context = {"levels": _level_choices(service), "picker": _picker(service, level, q)}
    return render(request, "home.html", context)


@router.get("/areas/options")
def area_options(
    request: Request, _user: Viewer, level: str | None = None, q: str = ""
) -> Response:
    """The list of places for the picker (an HTMX fragment)."""
    service = request.app.state.workspaces
    return render(request, "_area_choices.html", {"picker": _picker(service, level, q)})


@router.get("/area/{area_code}")
def area_profile(request: Request, _user: Viewer, area_code: str) -> Response:
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return render(
            request,
            "error.html",
            {"title": "Unknown area", "message": f"No area has the code {area_code}."},
            404,
        )
    context = cached_profile(service, area_code)
    chart = context["trend_chart"]
    # "<" escaped so that no label can close the <script type="application/json"> holding it.
    chart_json = (
        None if chart is None else json.dumps(chart, allow_nan=False).replace("<", "\\u003c")
    )
    return render(request, "area.html", {"area": area, **context, "trend_chart_json": chart_json})


def cached_profile(service: WorkspaceService, area_code: str) -> dict[str, Any]:
    """The area profile's values, computed once per area and workspace content."""
    return service.memo(("area-profile", area_code), lambda: _profile(service, area_code))


def _profile(service: WorkspaceService, area_code: str) -> dict[str, Any]:
    """Everything the area profile shows, computed by the core (cached per area)."""
    le = life_expectancy_at_birth(service, area_code)
    latest = None if le.empty else sorted(le["period"].unique())[-1]
    headline = [] if le.empty else le[le["period"] == latest].to_dict("records")
    small_period = small_area_period(service)
    small = small_area_life_expectancy(service, area_code, small_period) if latest else None
    benchmark = benchmark_against_country(service, le) if latest else None
    if benchmark is not None:
        compared, comparator_name = benchmark
        latest_rows = compared[compared["period"] == latest]
        by_sex = {row["sex"]: row for row in latest_rows.to_dict("records")}
        headline = [
            {**row, **{f"cmp_{k}": v for k, v in by_sex.get(row["sex"], {}).items()}}
            for row in headline
        ]
    trend_chart = None
    if latest:
        comparator = None
        if benchmark is not None and "comparator_lowercl" in benchmark[0].columns:
            comparator = benchmark[0][
                ["sex", "period", "comparator_value", "comparator_lowercl", "comparator_uppercl"]
            ].rename(columns=lambda c: c.removeprefix("comparator_"))
        trend_chart = _trend_chart(service, area_code, le, comparator, benchmark)
    inequality = within_area_inequality(service, area_code, small_period) if small_period else None
    return {
        "latest": latest,
        "small_period": small_period,
        "comparator_name": benchmark[1] if benchmark else None,
        "inequality": None
        if inequality is None
        else {
            "groups": inequality["groups"].to_dict("records"),
            "gap": inequality["gap"].to_dict("records"),
            "sii": inequality["sii"].to_dict("records"),
        },
        "headline": headline,
        "trend_chart": trend_chart,
        "trend": [] if le.empty else le.to_dict("records"),
        "small_areas": [] if small is None or small.empty else small.to_dict("records"),
    }


def _trend_chart(
    service: WorkspaceService,
    area_code: str,
    le: pd.DataFrame,
    comparator: pd.DataFrame | None,
    benchmark: tuple[pd.DataFrame, str] | None,
) -> dict[str, Any]:
    """The life expectancy trend chart (Vega-Lite), with the country's line when compared."""
    return life_expectancy_trend_chart(
        le,
        area_label=str(service.area(area_code)["area_name"]),
        comparator_le=comparator,
        comparator_label=benchmark[1] if comparator is not None and benchmark else None,
        synthetic=bool(service.summary()["synthetic"]),
    )
