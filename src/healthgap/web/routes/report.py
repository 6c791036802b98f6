"""Reports: choose a template for an area, build the report as a background job (it takes
seconds), preview it in the page and download it as HTML, PDF, Word or PowerPoint.

The job (kind ``report``) runs :func:`healthgap.analyses.build_report` on the served
workspace; its bundle is kept by the job runner, so the preview and every download are the
same report, whichever server process answers.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from healthgap.errors import InputError
from healthgap.reports.report_files import REPORT_MEDIA_TYPES, report_file, report_stem
from healthgap.reports.report_html import report_body
from healthgap.reports.report_template import SHIPPED
from healthgap.web.deps import Jobs, Viewer, render, services

router = APIRouter(prefix="/report")
FORMAT_NAMES = {"html": "Web page (HTML)", "pdf": "PDF", "docx": "Word (.docx)",
                "pptx": "PowerPoint (.pptx)"}  # fmt: skip


def _unknown_area(request: Request, area_code: str) -> Response:
    return render(request, "error.html",
                  {"title": "Unknown area", "message": f"No area has the code {area_code}."},
                  404)  # fmt: skip


@router.get("/{area_code}")
def report_page(request: Request, _user: Viewer, area_code: str) -> Response:
    area = services(request).workspaces.area(area_code)
    if area is None:
        return _unknown_area(request, area_code)
    return render(request, "report.html", {"area": area, "templates": list(SHIPPED)})


@router.post("/{area_code}/jobs")
async def start_report(request: Request, user: Viewer, jobs: Jobs, area_code: str) -> Response:
    """Queue the report of the chosen template (a job any server process may run)."""
    template = str((await request.form()).get("template", ""))
    if template not in SHIPPED:
        raise InputError(f"choose one of the templates {', '.join(SHIPPED)}",
                         rule="unknown_template")  # fmt: skip
    if services(request).workspaces.area(area_code) is None:
        raise InputError(f"no area has the code {area_code!r}", rule="unknown_area")
    job = jobs.submit(user.id, "report", {"area": area_code, "template": template})
    return render(request, "_report_job.html", {"job": job, "formats": FORMAT_NAMES})


@router.get("/jobs/{job_id}")
def report_job(request: Request, user: Viewer, jobs: Jobs, job_id: str) -> Response:
    """Progress, then the preview and the downloads (HTTP 286 stops HTMX polling)."""
    job = jobs.get(job_id, user.id)
    if job is None or job.kind != "report":
        return Response("no such report\n", status_code=404, media_type="text/plain")
    bundle = job.result
    preview = None if bundle is None else report_body(bundle, heading_level=2)
    response = render(request, "_report_job.html",
                      {"job": job, "formats": FORMAT_NAMES, "preview": preview})  # fmt: skip
    if job.status != "running":
        response.status_code = 286
    return response


@router.get("/jobs/{job_id}/report.{fmt}")
def report_download(user: Viewer, jobs: Jobs, job_id: str, fmt: str) -> Response:
    job = jobs.get(job_id, user.id)
    bundle = None if job is None or job.kind != "report" else job.result
    if bundle is None:
        return Response("no such report\n", status_code=404, media_type="text/plain")
    if fmt not in REPORT_MEDIA_TYPES:
        raise InputError(f"choose one of {', '.join(REPORT_MEDIA_TYPES)}", rule="bad_format")
    name = f"{report_stem(bundle)}.{fmt}"
    return Response(report_file(bundle, fmt), media_type=REPORT_MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
