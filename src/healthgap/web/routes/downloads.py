"""CSV downloads of the tables shown on the pages; file names say what is inside.

Only life expectancy values and their confidence limits are downloadable: raw death counts are
left out, so no small count can be disclosed (ecosystem.md 2.5: complex statistics need no
further control). Rows suppressed by the core keep their reason in ``suppression_note``.
"""

from __future__ import annotations

import re
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from healthgap.store import Role, User
from healthgap.web.deps import require
from healthgap.web.profile import life_expectancy_at_birth, small_area_life_expectancy

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
    "suppression_note",
]
DISCLOSURE_NOTE = "counts of deaths are not included so that no small number can be disclosed"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def csv_response(frame: pd.DataFrame, filename: str) -> Response:
    """UTF-8 CSV with the values rounded to 2 decimal places as published."""
    body = frame.to_csv(index=False, float_format="%.2f", lineterminator="\n")
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Healthgap-Disclosure": DISCLOSURE_NOTE,
        },
    )


@router.get("/area/{area_code}/life-expectancy.csv")
def life_expectancy_csv(request: Request, _user: Viewer, area_code: str) -> Response:
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return Response("unknown area\n", status_code=404, media_type="text/plain")
    le = life_expectancy_at_birth(service, area_code).assign(area_name=area["area_name"])
    columns = [c for c in DOWNLOAD_COLUMNS if c in le.columns]
    name = f"life-expectancy-at-birth_{area_code}_{_slug(area['area_name'])}_trend.csv"
    return csv_response(le[columns], name)


@router.get("/area/{area_code}/small-areas-{period}.csv")
def small_areas_csv(request: Request, _user: Viewer, area_code: str, period: str) -> Response:
    service = request.app.state.workspaces
    area = service.area(area_code)
    if area is None:
        return Response("unknown area\n", status_code=404, media_type="text/plain")
    table = small_area_life_expectancy(service, area_code, period)
    if table.empty:
        return Response(
            "no small areas with data for this period\n", status_code=404, media_type="text/plain"
        )
    columns = [c for c in DOWNLOAD_COLUMNS if c in table.columns]
    name = f"life-expectancy-at-birth_small-areas-in_{area_code}_{_slug(period)}.csv"
    return csv_response(table[columns], name)
