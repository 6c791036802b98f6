"""Home (pick a place) and the area profile (life expectancy by sex, trend, small areas)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

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


@router.get("/")
def home(request: Request, _user: Viewer, area: str | None = None) -> Response:
    service = request.app.state.workspaces
    if area:
        return RedirectResponse(f"/area/{area}", status_code=303)
    areas = service.areas() if service.available else None
    levels = [] if areas is None else list(dict.fromkeys(areas["level"]))
    options = (
        []
        if areas is None
        else areas.sort_values(["level", "area_name"])[["area_code", "area_name", "level"]].to_dict(
            "records"
        )
    )
    return render(request, "home.html", {"levels": levels, "options": options})


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
    context = service.memo(("area-profile", area_code), lambda: _profile(service, area_code))
    return render(request, "area.html", {"area": area, **context})


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
        "trend": [] if le.empty else le.to_dict("records"),
        "small_areas": [] if small is None or small.empty else small.to_dict("records"),
    }
