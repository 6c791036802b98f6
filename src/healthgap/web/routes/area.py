"""Home (pick a place) and the area profile (life expectancy by sex, trend, small areas)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.analyses import latest_period, profile_area
from healthgap.data.model import LEVELS
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.labels import LEVEL_NAMES
from healthgap.web.deps import Services, Viewer, render, services
from healthgap.web.workspaces import AREA_TABLES, WorkspaceService

router = APIRouter()


SHOWN_PLACES = 100  # a list a person can scan; the search narrows it


def _level_choices(service: WorkspaceService) -> list[tuple[str, str, int]]:
    counts = service.areas()["level"].astype(str).value_counts()
    # the country first, then the built-in levels largest first, then any others; once each
    order = [lv for lv in dict.fromkeys(("country", *reversed(LEVELS))) if lv in counts.index]
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
    service = services(request).workspaces
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
    service = services(request).workspaces
    return render(request, "_area_choices.html", {"picker": _picker(service, level, q)})


@router.get("/area/{area_code}")
def area_profile(request: Request, _user: Viewer, area_code: str, period: str = "") -> Response:
    running = services(request)
    area = running.workspaces.area(area_code)
    if area is None:
        return render(
            request,
            "error.html",
            {"title": "Unknown area", "message": f"No area has the code {area_code}."},
            404,
        )
    bundle = cached_profile(running, area_code, period or None)
    summary = bundle.summary
    context = {
        "latest": summary["latest"],
        "periods": summary["periods"],
        "small_period": summary["small_period"],
        "comparator_name": summary["comparator_name"],
        "inequality": summary["inequality"],
        "headline": summary["headline"],
        "trend_chart": bundle.chart("trend") if "trend" in bundle.charts else None,
        "trend": _records(bundle, "life_expectancy"),
        "small_areas": _records(bundle, "small_areas"),
    }
    return render(request, "area.html", {"area": area, **context})


def _records(bundle: ResultBundle, name: str) -> list[dict[str, Any]]:
    return bundle.table(name).to_dict("records") if name in bundle.tables else []


def cached_profile(running: Services, area_code: str, period: str | None = None) -> ResultBundle:
    """The area profile (:func:`healthgap.analyses.profile_area`), computed once per area,
    period and workspace content; small areas and inequality in ``period`` (default: the
    latest three years pooled)."""
    chosen = None if not period else Period.parse(period)
    if chosen is not None and chosen == latest_period(running.source):
        chosen = None  # the page's own period: share its result
    return running.workspaces.memo(
        profile_key(area_code, chosen),
        lambda: profile_area(running.source, area_code, period=chosen),
        tables=AREA_TABLES,
    )


def profile_key(area_code: str, period: Period | None = None) -> tuple[object, ...]:
    """The cache key of an area's profile (``None``: the default, latest period)."""
    return ("area-profile", area_code, None if period is None else period.label)
