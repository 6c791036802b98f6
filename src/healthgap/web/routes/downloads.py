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
from healthgap.web.files import slug, table_file
from healthgap.web.profile import life_expectancy_at_birth, small_area_life_expectancy
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
INDICATOR = "Life expectancy at birth"


def _not_found(message: str) -> Response:
    return Response(f"{message}\n", status_code=404, media_type="text/plain")


def _download(
    service: WorkspaceService,
    frame: pd.DataFrame,
    stem: str,
    fmt: str,
    metadata: dict[str, str],
    area_type: str,
) -> Response:
    columns = [c for c in DOWNLOAD_COLUMNS if c in frame.columns]
    # Rounded as shown and published, so files are the same on every machine.
    frame = frame.round({"value": 2, "lowercl": 2, "uppercl": 2})
    names = dict(zip(frame["area_code"], frame["area_name"], strict=True))
    fingertips: dict[str, Any] = {
        "indicator_name": INDICATOR,
        "area_type": area_type,
        "area_names": names,
    }
    return table_file(
        frame[columns],
        stem,
        fmt,
        metadata={
            "indicator": INDICATOR,
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


@router.get("/area/{area_code}/small-areas-{period}.{fmt}")
def small_areas_file(
    request: Request, _user: Viewer, area_code: str, period: str, fmt: str
) -> Response:
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
