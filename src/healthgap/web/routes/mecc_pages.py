"""MECC dashboards for analysts and admins: activity (conversations, staff recording, run
charts), referrals (by destination, and attributed to MECC where services' figures were
imported), training and staff health, with every table and chart downloadable.

Each page calls one use case of :mod:`healthgap.analyses` (the same the CLI's ``healthgap
mecc export`` calls), cached per choice and state of the MECC tables (``web/mecc_memo.py``),
and shows its bundle: the counts in it passed disclosure control in the core, so the page,
the CSV and the Excel file show the same safe figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from healthgap.analyses import (
    mecc_activity,
    mecc_organisations,
    mecc_referrals,
    mecc_staff_health,
    mecc_training,
)
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.chart_style import records
from healthgap.reports.formatting import SUPPRESSED_NOTE
from healthgap.store import Database
from healthgap.web.deps import Analyst, DatabaseDep, render
from healthgap.web.files import bundle_download, slug, workbook_download
from healthgap.web.mecc_memo import mecc_memo

router = APIRouter(prefix="/mecc")

#: Page -> (use case, its title, the choices it takes).
PAGES: dict[str, tuple[Any, str, tuple[str, ...]]] = {
    "activity": (mecc_activity, "Activity", ("organisation", "start", "end")),
    "referrals": (mecc_referrals, "Referrals", ("organisation", "start", "end")),
    "training": (mecc_training, "Training", ("organisation",)),
    "staff-health": (mecc_staff_health, "Staff health", ("organisation",)),
}
TABLE_FORMATS = ("csv", "xlsx")
CHART_FORMATS = ("svg", "png")


def _date(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            [Problem("<form>", None, field, "bad_date", "enter a date as day, month and year")]
        ) from None


def _bundle(database: Database, page: str, organisation: str, start: str, end: str) -> ResultBundle:
    """The page's bundle for these choices (computed once per choice and state)."""
    function, _, takes = PAGES[page]
    options: dict[str, Any] = {}
    if organisation:
        options["organisations"] = [organisation]
    if "start" in takes:
        options |= {"start": _date(start, "start"), "end": _date(end, "end")}
    key = (page, organisation, options.get("start"), options.get("end"))
    return mecc_memo(database, key, lambda: function(database, **options))


def _query(page: str, organisation: str, start: str, end: str) -> str:
    """The page's choices as a query string, for its links and downloads."""
    takes = PAGES[page][2]
    pairs = {"organisation": organisation, "start": start, "end": end}
    chosen = {name: value for name, value in pairs.items() if value and name in takes}
    return "?" + urlencode(chosen) if chosen else ""


def _page(
    request: Request,
    database: Database,
    page: str,
    organisation: str,
    start: str,
    end: str,
    **extra: object,
) -> Response:
    bundle = _bundle(database, page, organisation, start, end)
    context = {
        "page": page,
        "pages": {name: title for name, (_, title, _) in PAGES.items()},
        "title": PAGES[page][1],
        "bundle": bundle,
        "summary": bundle.summary,
        "rows": {name: records(bundle.table(name)) for name in bundle.tables},
        "charts": {name: bundle.chart(name) for name in bundle.charts},
        "choices": {"organisation": organisation, "start": start, "end": end},
        "takes": PAGES[page][2],
        "organisations": mecc_organisations(database),
        "query": _query(page, organisation, start, end),
        "suppressed_note": SUPPRESSED_NOTE,
        **extra,
    }
    return render(request, f"mecc_{page.replace('-', '_')}.html", context)


@router.get("")
def activity_page(
    request: Request,
    _user: Analyst,
    database: DatabaseDep,
    organisation: str = "",
    start: str = "",
    end: str = "",
) -> Response:
    return _page(request, database, "activity", organisation, start, end)


@router.get("/referrals")
def referrals_page(
    request: Request,
    _user: Analyst,
    database: DatabaseDep,
    organisation: str = "",
    start: str = "",
    end: str = "",
    imported: int | None = None,
) -> Response:
    return _page(request, database, "referrals", organisation, start, end, imported=imported)


@router.get("/training")
def training_page(
    request: Request, _user: Analyst, database: DatabaseDep, organisation: str = ""
) -> Response:
    return _page(request, database, "training", organisation, "", "")


@router.get("/staff-health")
def staff_health_page(
    request: Request,
    _user: Analyst,
    database: DatabaseDep,
    organisation: str = "",
    metric: str = "sickness_absence_rate",
) -> Response:
    bundle = _bundle(database, "staff-health", organisation, "", "")
    shown = f"metric-{metric}" if f"metric-{metric}" in bundle.charts else None
    extra = {"metric": metric, "metric_chart": shown}
    return _page(request, database, "staff-health", organisation, "", "", **extra)


@router.get("/{page}/{name}.{fmt}")
def download(
    _user: Analyst,
    database: DatabaseDep,
    page: str,
    name: str,
    fmt: str,
    organisation: str = "",
    start: str = "",
    end: str = "",
) -> Response:
    """A table (CSV, Excel), a chart (SVG, PNG) or every table (``all.xlsx``) of a page, for
    the same choices as the page."""
    if page not in PAGES:
        raise InputError(
            [Problem("<address>", None, None, "unknown_page", f"no MECC page {page!r}")]
        )
    bundle = _bundle(database, page, organisation, start, end)
    names = bundle.summary.get("organisations") or {}
    where = slug(names.get(organisation, "all-organisations")) if organisation else "all"
    dated = "start" in bundle.summary
    span = f"_{bundle.summary['start']}_{bundle.summary['end']}" if dated else ""
    stem = f"mecc-{page}-{name}_{where}{span}"
    if name == "all" and fmt == "xlsx":
        return workbook_download(bundle, stem.replace("-all_", "_"))
    formats = CHART_FORMATS if name in bundle.charts else TABLE_FORMATS
    if name not in bundle.tables and name not in bundle.charts:
        raise InputError(
            [Problem("<address>", None, None, "unknown_table", f"no {name!r} on this page")]
        )
    return bundle_download(bundle, name, stem, fmt, formats=formats)
