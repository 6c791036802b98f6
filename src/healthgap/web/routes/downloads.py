"""Downloads of the area profile's tables (CSV, Excel with data and metadata sheets, the
Fingertips CSV layout) and its trend chart (SVG, PNG): the tables of the
:func:`healthgap.analyses.profile_area` result, written by the one report writer under its
disclosure policy (counts of 1-7 suppressed, others rounded to 5, with a note in every file).
File names say what is inside: measure, area code and name or period.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from healthgap.web.deps import Viewer, services
from healthgap.web.files import bundle_download, slug
from healthgap.web.routes.area import cached_profile

router = APIRouter()


def _not_found(message: str) -> Response:
    return Response(f"{message}\n", status_code=404, media_type="text/plain")


def _period_and_format(period: str, fmt: str) -> tuple[str, str]:
    """Split ``{period}.{fmt}`` as meant: the router's greedy ``{period}`` takes
    ``2022-24.fingertips`` from ``2022-24.fingertips.csv``, leaving ``csv`` as the format.

    >>> _period_and_format("2022-24.fingertips", "csv")
    ('2022-24', 'fingertips.csv')
    """
    if "." in period:
        period, layout = period.split(".", 1)
        fmt = f"{layout}.{fmt}"
    return period, fmt


def _download(
    request: Request,
    area_code: str,
    table: str,
    fmt: str,
    stem: str,
    missing: str,
    period: str | None = None,
) -> Response:
    running = services(request)
    if running.workspaces.area(area_code) is None:
        return _not_found("unknown area")
    bundle = cached_profile(running, area_code, period)
    if table not in bundle.tables and table not in bundle.charts:
        return _not_found(missing)
    return bundle_download(bundle, table, stem, fmt)


def _area_slug(request: Request, area_code: str) -> str:
    area = services(request).workspaces.area(area_code)
    return slug(str(area["area_name"])) if area else ""


@router.get("/area/{area_code}/life-expectancy.{fmt}")
def life_expectancy_file(request: Request, _user: Viewer, area_code: str, fmt: str) -> Response:
    stem = f"life-expectancy-at-birth_{area_code}_{_area_slug(request, area_code)}_trend"
    return _download(request, area_code, "life_expectancy", fmt, stem, "no life expectancy")


@router.get("/area/{area_code}/benchmark.{fmt}")
def benchmark_file(request: Request, _user: Viewer, area_code: str, fmt: str) -> Response:
    """Life expectancy at birth by sex and period compared with the country: difference and
    benchmark category (as the headline cards show for the latest period)."""
    running = services(request)
    comparator = ""
    if running.workspaces.area(area_code) is not None:
        comparator = cached_profile(running, area_code).summary["comparator_name"] or ""
    stem = (
        f"life-expectancy-at-birth-vs-{slug(comparator)}_{area_code}_"
        f"{_area_slug(request, area_code)}"
    )
    return _download(
        request, area_code, "benchmark", fmt, stem, "no comparator country in this workspace"
    )


@router.get("/area/{area_code}/inequality-{period}.{fmt}")
def inequality_file(
    request: Request, _user: Viewer, area_code: str, period: str, fmt: str
) -> Response:
    """The gap between the most and least deprived fifths and the SII (one row each by sex)."""
    period, fmt = _period_and_format(period, fmt)
    stem = f"life-expectancy-deprivation-gap-and-sii_{area_code}_{slug(period)}"
    missing = "too few small areas with deprivation scores for this area"
    return _download(request, area_code, "inequality", fmt, stem, missing, period)


@router.get("/area/{area_code}/life-expectancy-trend-chart.{image}")
def life_expectancy_trend_chart_file(
    request: Request, _user: Viewer, area_code: str, image: str
) -> Response:
    """The area profile's trend chart as SVG or PNG (drawn from the same spec as the page)."""
    stem = f"life-expectancy-trend-chart_{area_code}_{_area_slug(request, area_code)}"
    return _download(request, area_code, "trend", image, stem, "no life expectancy for this area")


@router.get("/area/{area_code}/small-areas-{period}.{fmt}")
def small_areas_file(
    request: Request, _user: Viewer, area_code: str, period: str, fmt: str
) -> Response:
    period, fmt = _period_and_format(period, fmt)
    stem = f"life-expectancy-at-birth_areas-in_{area_code}_{slug(period)}"
    missing = "no small areas with data for this period"
    return _download(request, area_code, "small_areas", fmt, stem, missing, period)
