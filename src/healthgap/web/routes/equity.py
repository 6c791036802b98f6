"""Equity audit: who uses a service against who needs it, by deprivation, ethnic group, age
and sex; groups under-using it named in plain words; funnel and uptake-vs-need charts;
tables and downloads.

Results come from :func:`healthgap.analyses.audit_service_equity`, once per service and
area. An audit of many thousand small areas (the national demo, every area) runs as a
background job with a progress bar; smaller ones are computed with the page.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from healthgap.analyses import MAX_FUNNEL_POINTS, audit_service_equity, service_choices
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.web.deps import Jobs, Services, Viewer, is_htmx, render, services
from healthgap.web.files import bundle_download, slug
from healthgap.web.insight_jobs import EQUITY_JOB, audit_key
from healthgap.web.jobs import Job

router = APIRouter(prefix="/equity")
TABLES = ("uptake", "ratios", "missing", "funnel", "groupings", "sii")
#: Audits of more small areas than this run as a background job.
JOB_ABOVE = MAX_FUNNEL_POINTS
#: This process's audit job per user, audit and workspace content; a page polled through
#: another server process finds its job by the id in the polling address instead.
_submitted: dict[tuple[object, ...], str] = {}
_lock = threading.Lock()


def _scope(running: Services, area: str) -> tuple[list[tuple[str, str]], int]:
    """The local authorities to choose from, and the small areas the audit would cover."""
    areas = running.source.areas()
    level = areas["level"].astype(str)
    las = areas[level == "la"].sort_values("area_name")
    choices = list(zip(las["area_code"].astype(str), las["area_name"].astype(str), strict=True))
    small = areas[level == "lsoa"]
    if area and "parent_la" in small.columns:
        small = small[small["parent_la"].astype(str) == area]
    return choices, len(small)


def _key(running: Services, user_id: int, service: str, area: str) -> tuple[object, ...]:
    return (user_id, *audit_key(service, area), tuple(sorted(running.source.hashes().items())))


def _audit(running: Services, service: str, area: str) -> ResultBundle:
    return running.workspaces.memo(
        audit_key(service, area),
        lambda: audit_service_equity(running.source, service=service, area=area or None),
    )


def _finished(running: Services, job: Job, service: str, area: str) -> ResultBundle | None:
    """The audit a finished job made (kept by this process's page cache once read), if the
    job audited this service and area."""
    found = running.workspaces.memo(("equity-job", job.id), lambda: job.result)
    if found is None or found.summary.get("service") != service:
        return None
    if (found.summary.get("area") or "") != area:
        return None
    return running.workspaces.memo(audit_key(service, area), lambda: found)


def _choices(running: Services, service: str, area: str) -> tuple[list[str], str, str, list]:
    services_found = service_choices(running.source)
    if not services_found:
        return [], "", "", []
    chosen = service if service in services_found else services_found[0]
    las, _ = _scope(running, "")
    if area and area not in {code for code, _ in las}:
        raise InputError([Problem("<form>", None, "area", "unknown_area", "choose from the list")])
    return services_found, chosen, area, las


def _default_area(running: Services, las: list[tuple[str, str]]) -> str:
    """Every area when there are few small areas, else the first local authority."""
    _, small = _scope(running, "")
    return las[0][0] if small > JOB_ABOVE and las else ""


def _job_for(
    running: Services, jobs: Jobs, user_id: int, service: str, area: str, job_id: str = ""
) -> Job:
    """The job auditing ``service`` in ``area`` for this user: the one named (a poll), the
    one this process submitted, or a new one (also when the last one failed)."""
    key = _key(running, user_id, service, area)
    with _lock:
        known = job_id or _submitted.get(key, "")
        job = jobs.get(known, user_id) if known else None
        if job is not None and job.kind == EQUITY_JOB and (job_id or job.status != "failed"):
            return job
        job = jobs.submit(user_id, EQUITY_JOB, {"service": service, "area": area})
        _submitted[key] = job.id
        return job


@router.get("")
def equity_page(
    request: Request,
    user: Viewer,
    jobs: Jobs,
    service: str = "",
    area: str | None = None,
    grouping: str = "",
    job: str = "",
) -> Response:
    running = services(request)
    found, chosen, _, las = _choices(running, service, area or "")
    context: dict[str, Any] = {"services": found, "service": chosen, "las": las}
    if not found:
        return render(request, "equity.html", context)
    area = _default_area(running, las) if area is None else area
    context["area"] = area
    _, small = _scope(running, area)
    bundle = None
    if small > JOB_ABOVE:
        audit = _job_for(running, jobs, user.id, chosen, area, job)
        bundle = _finished(running, audit, chosen, area) if audit.status == "done" else None
        if bundle is None and audit.status == "done":  # the address named another audit's job
            audit = _job_for(running, jobs, user.id, chosen, area)
            bundle = _finished(running, audit, chosen, area) if audit.status == "done" else None
        if bundle is None:
            query = urlencode({"service": chosen, "area": area, "job": audit.id})
            context |= {"job": audit, "query": query}
            return render(request, "equity.html", context)
    bundle = bundle or _audit(running, chosen, area)
    keys = [g["key"] for g in bundle.summary["groupings"]]
    fallback = "deprivation_quintile" if "deprivation_quintile" in keys else keys[0]
    grouping = grouping if grouping in keys else fallback
    uptake = bundle.table("uptake")
    ratios = bundle.table("ratios").set_index(["grouping", "category"])
    missing = bundle.table("missing").set_index(["grouping", "category"])["value"]
    rows = []
    for row in uptake[uptake["grouping"] == grouping].to_dict("records"):
        ratio = ratios.loc[(grouping, row["category"])]
        rows.append(
            {**row, "ratio": ratio.to_dict(), "missing": missing[(grouping, row["category"])]}
        )
    context |= {
        "summary": bundle.summary,
        "grouping": grouping,
        "grouping_label": next(
            g["label"] for g in bundle.summary["groupings"] if g["key"] == grouping
        ),
        "rows": rows,
        "sii": next((s for s in bundle.summary["sii"] if s.get("measure") == "sii"), None),
        "charts": {"funnel": bundle.chart("funnel"), "uptake": bundle.chart(f"uptake_{grouping}")},
        "query": "?" + urlencode({"service": chosen, "area": area, "grouping": grouping}),
    }
    return render(request, "equity.html", context)


@router.get("/job")
def job_status(
    request: Request,
    user: Viewer,
    jobs: Jobs,
    service: str = "",
    area: str = "",
    job: str = "",
) -> Response:
    """Progress of a long audit; when it is done, the page reloads itself."""
    running = services(request)
    found, service, area, _ = _choices(running, service, area)
    if not found:
        raise HTTPException(status_code=404)
    audit = _job_for(running, jobs, user.id, service, area, job)
    query = urlencode({"service": service, "area": area, "job": audit.id})
    if audit.status == "done":
        return Response(status_code=200, headers={"HX-Redirect": f"/equity?{query}"})
    response = render(request, "_equity_job.html", {"job": audit, "query": query})
    if audit.status == "failed" and is_htmx(request):
        response.status_code = 286
    return response


def _done(request: Request, service: str, area: str) -> ResultBundle:
    running = services(request)
    found, chosen, _, _ = _choices(running, service, area)
    if not found:
        raise InputError("the workspace has no service activity and need", rule="no_services")
    return _audit(running, chosen, area)


@router.get("/chart-{chart}.{image}")
def chart_file(
    request: Request,
    _user: Viewer,
    chart: str,
    image: str,
    service: str = "",
    area: str = "",
    grouping: str = "deprivation_quintile",
) -> Response:
    bundle = _done(request, service, area)
    name = "funnel" if chart == "funnel" else f"uptake_{grouping}"
    if chart not in ("funnel", "uptake") or name not in bundle.charts:
        raise HTTPException(status_code=404)
    stem = f"equity-{chart}_{slug(bundle.summary['service'])}_{slug(area or 'all-areas')}"
    return bundle_download(
        bundle, name, stem + (f"_{slug(grouping)}" if chart == "uptake" else ""), image
    )


@router.get("/{table}.{fmt}")
def table_file(
    request: Request, _user: Viewer, table: str, fmt: str, service: str = "", area: str = ""
) -> Response:
    bundle = _done(request, service, area)
    if table not in TABLES or table not in bundle.tables:
        raise HTTPException(status_code=404)
    stem = f"equity-{table}_{slug(bundle.summary['service'])}_{slug(area or 'all-areas')}"
    return bundle_download(bundle, table, stem, fmt, formats=("csv", "xlsx"))
