"""Downloads of the area profile's tables: CSV, Excel (data and metadata sheets) and the
Fingertips CSV layout, written by :func:`healthgap.reports.tables.write_table` under its
disclosure policy (counts of 1-7 suppressed, others rounded to 5, with a note in every file).
File names say what is inside: measure, area code and name or period.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from healthgap.store import Role, User
from healthgap.web.deps import require
from healthgap.web.files import chart_file, slug, table_file
from healthgap.web.inequality import benchmark_against_country, within_area_inequality
from healthgap.web.profile import life_expectancy_at_birth, small_area_life_expectancy
from healthgap.web.routes.area import cached_profile
from healthgap.web.workspaces import WorkspaceService

router = APIRouter()
Viewer = Annotated[User, Depends(require(Role.viewer))]

DOWNLOAD_COLUMNS = [
    "area_code",
    "area_name",
    "sex",
    "period",
    "statistic",
    "value",
    "lowercl",
    "uppercl",
    "confidence",
    "method",
    "deaths_used",
    "person_years_used",
    "suppression_note",
]
BENCHMARK_COLUMNS = [
    "area_code",
    "area_name",
    "sex",
    "period",
    "statistic",
    "value",
    "lowercl",
    "uppercl",
    "confidence",
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
    "area_code",
    "area_name",
    "sex",
    "period",
    "statistic",
    "value",
    "lowercl",
    "uppercl",
    "confidence",
    "method",
    "most_deprived_value",
    "least_deprived_value",
    "suppression_note",
]
ROUNDED = ["value", "lowercl", "uppercl", "most_deprived_value", "least_deprived_value"]
INDICATOR = "Life expectancy at birth"


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
    service: WorkspaceService,
    frame: pd.DataFrame,
    stem: str,
    fmt: str,
    metadata: dict[str, str],
    area_type: str,
    columns: list[str] = DOWNLOAD_COLUMNS,
    indicator: str = INDICATOR,
    indicator_per_row: bool = False,
) -> Response:
    columns = [c for c in columns if c in frame.columns]
    # Rounded as shown and published, so files are the same on every machine.
    frame = frame.round(
        {c: 2 for c in frame.columns if c in ROUNDED or c.startswith(("comp", "diff"))}
    )
    names = dict(zip(frame["area_code"], frame["area_name"], strict=True))
    fingertips: dict[str, Any] = {
        # Empty: Fingertips' "Indicator Name" is then each row's statistic (gap or SII).
        "indicator_name": "" if indicator_per_row else indicator,
        "area_type": area_type,
        "area_names": names,
    }
    return table_file(
        frame[columns],
        stem,
        fmt,
        metadata={
            "indicator": indicator,
            "rounding": "values and limits to 2 decimal places",
            **metadata,
        },
        synthetic=bool(service.summary()["synthetic"]),
        fingertips=fingertips,
    )


@router.get("/area/{area_code}/life-expectancy.{fmt}")
def life_expectancy_file(request: Request, _user: Viewer, area_code: str, fmt: str) -> Response:
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return _not_found("unknown area")
    le = life_expectancy_at_birth(service, area_code).assign(area_name=area["area_name"])
    stem = f"life-expectancy-at-birth_{area_code}_{slug(area['area_name'])}_trend"
    return _download(
        service, le, stem, fmt, {"area": f"{area['area_name']} ({area_code})"}, str(area["level"])
    )


@router.get("/area/{area_code}/benchmark.{fmt}")
def benchmark_file(request: Request, _user: Viewer, area_code: str, fmt: str) -> Response:
    """Life expectancy at birth by sex and period compared with the country: difference and
    benchmark category (as the headline cards show for the latest period)."""
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return _not_found("unknown area")
    le = life_expectancy_at_birth(service, area_code)
    benchmark = benchmark_against_country(service, le)
    if benchmark is None:
        return _not_found("no comparator country in this workspace")
    compared, comparator = benchmark
    compared = compared.assign(area_name=area["area_name"], comparator=comparator)
    stem = f"life-expectancy-at-birth-vs-{slug(comparator)}_{area_code}_{slug(area['area_name'])}"
    metadata = {"area": f"{area['area_name']} ({area_code})", "comparator": comparator}
    return _download(
        service, compared, stem, fmt, metadata, str(area["level"]), columns=BENCHMARK_COLUMNS
    )


@router.get("/area/{area_code}/inequality-{period}.{fmt}")
def inequality_file(
    request: Request, _user: Viewer, area_code: str, period: str, fmt: str
) -> Response:
    """The gap between the most and least deprived fifths and the SII (one row each by sex)."""
    period, fmt = _period_and_format(period, fmt)
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return _not_found("unknown area")
    found = service.memo(
        ("inequality", area_code, period),
        lambda: within_area_inequality(service, area_code, period),
    )
    if found is None:
        return _not_found("too few small areas with deprivation scores for this area")
    table = pd.concat([found["gap"], found["sii"]], ignore_index=True)
    table = table.assign(area_code=area_code, area_name=area["area_name"])
    stem = f"life-expectancy-deprivation-gap-and-sii_{area_code}_{slug(period)}"
    metadata = {
        "area": f"{area['area_name']} ({area_code})",
        "period": period,
        "groups": "deprivation fifths of the area's small areas (1 = most deprived)",
    }
    return _download(
        service,
        table,
        stem,
        fmt,
        metadata,
        str(area["level"]),
        columns=INEQUALITY_COLUMNS,
        indicator="Inequality in life expectancy at birth within the area",
        indicator_per_row=True,
    )


@router.get("/area/{area_code}/life-expectancy-trend-chart.{image}")
def life_expectancy_trend_chart_file(
    request: Request, _user: Viewer, area_code: str, image: str
) -> Response:
    """The area profile's trend chart as SVG or PNG (drawn from the same spec as the page)."""
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return _not_found("unknown area")
    spec = cached_profile(service, area_code)["trend_chart"]
    if spec is None:
        return _not_found("no life expectancy for this area")
    stem = f"life-expectancy-trend-chart_{area_code}_{slug(area['area_name'])}"
    return chart_file(spec, stem, image)


@router.get("/area/{area_code}/small-areas-{period}.{fmt}")
def small_areas_file(
    request: Request, _user: Viewer, area_code: str, period: str, fmt: str
) -> Response:
    period, fmt = _period_and_format(period, fmt)
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return _not_found("unknown area")
    table = small_area_life_expectancy(service, area_code, period)
    if table.empty:
        return _not_found("no small areas with data for this period")
    stem = f"life-expectancy-at-birth_areas-in_{area_code}_{slug(period)}"
    level = str(service.area(table["area_code"].iloc[0])["level"])
    return _download(
        service,
        table,
        stem,
        fmt,
        {"parent area": f"{area['area_name']} ({area_code})", "period": period},
        level,
    )
