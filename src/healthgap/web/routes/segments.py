"""Segments: run an open segmentation of the workspace's small areas (a background job with
progress), import a licensed lookup, and see a stored segmentation: profiles as index bars,
the map, persona cards, editable names, downloads.

Viewers read stored segmentations; analysts run, import, rename and delete them. Results
come from :func:`healthgap.analyses.segment_areas` (new runs) and
:func:`healthgap.analyses.stored_segmentation` (stored ones), never computed here.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from healthgap.analyses import check_segment_names, import_segment_lookup, lookup_segmentation
from healthgap.errors import InputError, Problem
from healthgap.store import delete_segment_run, get_segment_run, rename_stored_segments
from healthgap.web.deps import Analyst, DatabaseDep, Jobs, Viewer, is_htmx, render, services
from healthgap.web.files import attachment, bundle_download, slug
from healthgap.web.insight import (
    StoredRun,
    boundaries_of,
    load_run,
    run_bundle,
    saved_runs,
    store_bundle,
)
from healthgap.web.insight_jobs import SEGMENT_JOB, segment_params

router = APIRouter(prefix="/segments")
TABLES = (
    "segments",
    "summary",
    "profile",
    "personas",
    "names",
    "selection",
    "life_expectancy",
    "places",
)
CHARTS = {"profiles": "profiles", "map": "map"}
LABELS = {
    "run-name": "Name",
    "n_segments": "Number of segments",
    "seed": "Seed",
    "lookup-file": "Lookup file",
    "version": "Version",
    "classification": "Classification",
    "lookup-name": "Name",
}


def _workspace_id(request: Request) -> int | None:
    return services(request).workspaces.workspace_id


def _run_or_404(request: Request, db: DatabaseDep, run_id: int) -> StoredRun:
    run = load_run(db, _workspace_id(request), run_id)
    if run is None:
        raise HTTPException(status_code=404)
    return run


def _indicator_columns(request: Request) -> list[str]:
    source = services(request).source
    if not source.has("area_indicators"):
        return []
    frame = source.read("area_indicators", None, None)
    skip = {"area_code", "area_name", "vintage", "geography", "boundary_year"}
    return [c for c in frame.columns if c not in skip and frame[c].dtype.kind in "fi"]


@router.get("")
def segments_page(
    request: Request, _user: Viewer, db: DatabaseDep, run: int | None = None, saved: str = ""
) -> Response:
    runs = saved_runs(db, _workspace_id(request))
    chosen = next((r for r in runs if r.id == run), runs[0] if runs else None)
    context: dict[str, Any] = {
        "runs": runs,
        "run": chosen,
        "columns": _indicator_columns(request),
        "next_name": f"Segmentation {len(runs) + 1}",
        "saved": saved == "names",
    }
    if chosen is not None:
        bundle = run_bundle(services(request), db, chosen, boundaries_of(request))
        context |= {
            "bundle": bundle,
            "summary": bundle.summary,
            "charts": {
                key: bundle.chart(name) for key, name in CHARTS.items() if name in bundle.charts
            },
            "tables": [t for t in TABLES if t in bundle.tables],
            "quality": chosen.quality or [],
        }
    return render(request, "segments.html", context)


def _choices(form: dict[str, str], columns: list[str]) -> dict[str, Any]:
    problems = []
    n_text = form.get("n_segments", "auto").strip()
    n_segments = None
    if n_text not in ("", "auto"):
        if not n_text.isdigit() or not 2 <= int(n_text) <= 15:
            problems.append(
                Problem("<form>", None, "n_segments", "bad_number", "choose 2 to 15 segments")
            )
        else:
            n_segments = int(n_text)
    seed_text = form.get("seed", "1").strip()
    if not seed_text.isdigit():
        problems.append(Problem("<form>", None, "seed", "bad_number", "enter a whole number"))
    chosen = [c for c in columns if form.get(f"column-{c}")]
    if columns and len(chosen) < 2:
        problems.append(
            Problem("<form>", None, "columns", "too_few", "choose at least two indicators")
        )
    if problems:
        raise InputError(problems)
    return {
        "columns": chosen,
        "n_segments": n_segments,
        "method": form.get("method", "kmeans"),
        "seed": int(seed_text),
        "weights": form.get("weights", "auto"),
    }


@router.post("")
async def start_run(request: Request, user: Analyst, db: DatabaseDep, jobs: Jobs) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    request.state.problem_labels = LABELS
    request.state.problem_fields = {"name": "run-name"}
    running = services(request)
    workspace_id = running.workspaces.workspace_id
    name = form.get("name", "").strip()
    names = {r.name for r in saved_runs(db, workspace_id)}
    if name in names:
        raise InputError(
            [
                Problem(
                    "<form>",
                    None,
                    "run-name",
                    "run_name_taken",
                    f"a segmentation called '{name}' already exists; choose another name",
                )
            ]
        )
    if not name or len(name) > 120:
        raise InputError(
            [Problem("<form>", None, "run-name", "bad_run_name", "enter 1 to 120 characters")]
        )
    choices = _choices(form, _indicator_columns(request))
    params = segment_params(workspace_id=workspace_id, owner_id=user.id, name=name, choices=choices)
    job = jobs.submit(user.id, SEGMENT_JOB, params)
    if is_htmx(request):
        return render(request, "_segment_job.html", {"job": job})
    return RedirectResponse(f"/segments/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_status(request: Request, user: Viewer, jobs: Jobs, job_id: str) -> Response:
    """The run's progress; when it is done, the new segmentation's page."""
    job = jobs.get(job_id, user.id)
    if job is None or job.kind != SEGMENT_JOB:
        return render(
            request,
            "error.html",
            {"title": "Not found", "message": "There is no such segmentation run."},
            404,
        )
    if job.status == "done":
        target = f"/segments?run={job.result.summary['run_id']}"
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    template = "_segment_job.html" if is_htmx(request) else "segment_job.html"
    response = render(request, template, {"job": job})
    if job.status == "failed" and is_htmx(request):
        response.status_code = 286  # stop polling: the failure is shown
    return response


@router.post("/{run_id}/names")
async def rename(request: Request, user: Analyst, db: DatabaseDep, run_id: int) -> Response:
    run = _run_or_404(request, db, run_id)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    edits = {n["segment"]: form.get(f"name-{n['segment']}", n["name"]) for n in run.names}
    request.state.problem_fields = {n["segment"]: f"name-{n['segment']}" for n in run.names}
    request.state.problem_labels = {
        f"name-{n['segment']}": f"Name of segment {n['segment']}" for n in run.names
    }
    try:
        checked = check_segment_names(run.names, edits)
    except InputError as error:  # the page's own words for a name used twice
        raise InputError(
            [replace(p, rule="segment_name_" + p.rule) for p in error.problems]
        ) from None
    with db.unit_of_work() as session:
        stored = get_segment_run(session, run_id=run.id, workspace_id=_workspace_id(request))
        if stored is not None:
            rename_stored_segments(session, run=stored, names=checked, user_id=user.id)
    target = f"/segments?run={run.id}&saved=names#names"  # a new address: the page reloads
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.post("/{run_id}/delete")
def delete(request: Request, _user: Analyst, db: DatabaseDep, run_id: int) -> Response:
    run = _run_or_404(request, db, run_id)
    with db.unit_of_work() as session:
        stored = get_segment_run(session, run_id=run.id, workspace_id=_workspace_id(request))
        if stored is not None:
            delete_segment_run(session, run=stored)
    return RedirectResponse("/segments", status_code=303)


@router.post("/lookup")
async def import_lookup(request: Request, user: Analyst, db: DatabaseDep) -> Response:
    """A licensed lookup checked and stored as a segmentation; the file is read from a
    temporary copy that is deleted at once (healthgap never keeps or ships it)."""
    form = await request.form()
    request.state.problem_labels = LABELS
    request.state.problem_fields = {"name": "lookup-name", "version": "version"}
    upload = form.get("file")
    text = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InputError([Problem("<form>", None, "lookup-file", "no_file", "choose a file")])
    running = services(request)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.filename).name
        path.write_bytes(await upload.read())
        lookup = import_segment_lookup(
            path,
            key_type=text.get("key_type", "lsoa"),
            version=text.get("version", ""),
            classification=text.get("classification") or "Licensed classification",
        )
    bundle = lookup_segmentation(running.source, lookup, boundaries=boundaries_of(request))
    run_id = store_bundle(
        db,
        workspace_id=running.workspaces.workspace_id,
        owner_id=user.id,
        name=text.get("name") or f"{lookup.classification} {lookup.version}",
        bundle=bundle,
    )
    return RedirectResponse(f"/segments?run={run_id}", status_code=303)


@router.get("/{run_id}/run.json")
def run_record(request: Request, _user: Viewer, db: DatabaseDep, run_id: int) -> Response:
    """What the run read and how it was made: enough to repeat it exactly."""
    run = _run_or_404(request, db, run_id)
    body = {
        "name": run.name,
        "kind": run.kind,
        "method": run.method,
        "seed": run.seed,
        "software": run.version,
        "inputs": run.inputs,
        "record": run.record,
        "names": run.names,
    }
    text = json.dumps(body, indent=2, default=str) + "\n"
    return attachment(text.encode(), f"segmentation-run_{slug(run.name)}.json", "json")


@router.get("/{run_id}/chart-{chart}.{image}")
def chart_file(
    request: Request, _user: Viewer, db: DatabaseDep, run_id: int, chart: str, image: str
) -> Response:
    run = _run_or_404(request, db, run_id)
    bundle = run_bundle(services(request), db, run, boundaries_of(request))
    if chart not in CHARTS or CHARTS[chart] not in bundle.charts:
        raise HTTPException(status_code=404)
    return bundle_download(bundle, CHARTS[chart], f"segments-{chart}_{slug(run.name)}", image)


@router.get("/{run_id}/{table}.{fmt}")
def table_file(
    request: Request, _user: Viewer, db: DatabaseDep, run_id: int, table: str, fmt: str
) -> Response:
    run = _run_or_404(request, db, run_id)
    bundle = run_bundle(services(request), db, run, boundaries_of(request))
    if table not in TABLES or table not in bundle.tables:
        raise HTTPException(status_code=404)
    stem = f"segments-{table.replace('_', '-')}_{slug(run.name)}"
    return bundle_download(bundle, table, stem, fmt, formats=("csv", "xlsx"))
