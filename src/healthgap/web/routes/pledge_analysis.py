"""A campaign's analysis (viewers): headline figures, charts and tables, every one under
disclosure control, with CSV/Excel and SVG/PNG downloads through the one report writer;
the record-level export for analysts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from healthgap.analyses.pledges import (
    SHARE_CHANNELS,
    CheckinOutcome,
    Theme,
    analyse_campaign,
    export_campaign_pledges,
    open_campaign,
)
from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, render, settings
from healthgap.web.files import bundle_download, workbook_download

router = APIRouter(prefix="/pledges")
#: Tables shown on the page, in order (every table is in the workbook and downloadable).
SHOWN = (
    "pledges-by-theme",
    "pledges-by-audience",
    "pledges-by-age-band",
    "pledges-by-group",
    "events-by-channel",
    "followup-by-week",
    "followup-response",
)


#: Keys of the tables in words, for the page (the files keep the keys analysts join on).
WORDS = {
    **{theme.value: theme.label for theme in Theme},
    **{outcome.value: outcome.label for outcome in CheckinOutcome},
    "page_view": "page views",
    "share": "shares",
    "click_through": "visits from shared links",
    "staff": "staff",
    "community": "the public",
}
#: Channels by name; a visit without one did not come through a share link.
CHANNEL_WORDS = {"": "direct (not from a share link)", **SHARE_CHANNELS}


def _bundle(request: Request, database: Database, slug: str) -> ResultBundle:
    try:
        return analyse_campaign(database, slug, boundaries=settings(request).boundaries)
    except InputError as exc:
        if exc.problems and exc.problems[0].rule == "unknown_campaign":
            raise HTTPException(status_code=404) from None
        raise


def _has_data(spec: dict) -> bool:
    if "data" not in spec:  # a layered chart (the map) is made only when it has data
        return True
    values = (spec.get("data") or {}).get("values")
    return bool(values) and any(v.get("count") or v.get("value") for v in values)


@router.get("/{slug}/analysis")
def analysis(request: Request, slug: str, _user: Viewer, database: DatabaseDep) -> Response:
    bundle = _bundle(request, database, slug)
    tables = []
    for name in (n for n in SHOWN if n in bundle.tables):
        frame = bundle.table_info(name).controlled()[0].replace(WORDS)
        if "channel" in frame.columns:
            frame["channel"] = frame["channel"].replace(CHANNEL_WORDS)
        columns = [c for c in frame.columns if c not in ("confidence", "method")]
        tables.append((name, bundle.table_info(name).title, columns, frame.to_dict("records")))
    return render(
        request,
        "pledge_admin_analysis.html",
        {
            "campaign": open_campaign(database, slug),
            "bundle": bundle,
            "summary": bundle.summary,
            "tables": tables,
            # a chart with no data to draw is left out (its table says so)
            "charts": {
                name: bundle.chart(name) for name in bundle.charts if _has_data(bundle.chart(name))
            },
        },
    )


@router.get("/{slug}/analysis.xlsx")
def workbook(request: Request, slug: str, _user: Viewer, database: DatabaseDep) -> Response:
    return workbook_download(_bundle(request, database, slug), f"{slug}-analysis")


@router.get("/{slug}/analysis/{name}.{fmt}")
def download(
    request: Request, slug: str, name: str, fmt: str, _user: Viewer, database: DatabaseDep
) -> Response:
    bundle = _bundle(request, database, slug)
    if name not in bundle.tables and name not in bundle.charts:
        raise HTTPException(status_code=404)
    formats = ["csv", "xlsx"] if name in bundle.tables else ["svg", "png"]
    return bundle_download(bundle, name, f"{slug}-{name}", fmt, formats=formats)


@router.get("/{slug}/export.{fmt}")
def export(slug: str, fmt: str, _user: Analyst, database: DatabaseDep) -> Response:
    try:
        bundle = export_campaign_pledges(database, slug)
    except InputError:
        raise HTTPException(status_code=404) from None
    return bundle_download(bundle, "pledges", f"{slug}-pledges", fmt, formats=["csv", "xlsx"])
