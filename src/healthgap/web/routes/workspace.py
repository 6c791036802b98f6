"""Data: upload files into the workspace with the all-or-nothing import.

:func:`healthgap.analyses.import_data` checks every file and every cross-table rule first and
writes nothing unless all pass. It runs as a background job (``data_import``, run by the job
runner's thread of one server process), never on the event loop, so other pages keep
answering while a file is checked: an HTMX upload gets a progress
fragment that polls ``/data/jobs/{id}``; without JavaScript the page waits for the import
(in a thread) and shows the outcome. Problems are listed grouped by rule, filterable and
paged (``/data/jobs/{id}/problems``). Each table's expected columns are on the page, with a
template to download (``/data/template/{table}.csv``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from healthgap.analyses import TABLE_PURPOSES, data_templates, template_csv
from healthgap.errors import Problem
from healthgap.web.deps import (
    Analyst,
    Jobs,
    SettingsDep,
    Viewer,
    Workspaces,
    is_htmx,
    render,
)
from healthgap.web.job_kinds import import_handler
from healthgap.web.jobs import Job
from healthgap.web.problem_list import ImportOutcome, problem_page

router = APIRouter(prefix="/data")
ALLOWED_SUFFIXES = {".csv", ".xlsx", ".parquet"}
COPY_CHUNK_BYTES = 1024 * 1024


def _page_context() -> dict[str, object]:
    return {"templates": data_templates(), "purposes": TABLE_PURPOSES}


@router.get("")
def data_page(request: Request, _user: Viewer) -> Response:
    return render(request, "data.html", _page_context())


@router.get("/template/{table}.csv")
def template(_user: Viewer, table: str) -> Response:
    """A CSV to fill in: the table's columns and one example row."""
    return Response(
        template_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="template_{table}.csv"'},
    )


async def _saved_uploads(request: Request, folder: str) -> tuple[list[Path], list[Problem]]:
    """The uploaded files written into ``folder``, and the problems of those refused."""
    uploads = [f for f in (await request.form()).getlist("files") if isinstance(f, UploadFile)]
    paths: list[Path] = []
    problems: list[Problem] = []
    for upload_file in uploads:
        name = Path(upload_file.filename or "").name
        if name and Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
            message = "upload a .csv, .xlsx or .parquet file"
            problems.append(Problem(name, None, None, "unsupported_file", message))
        elif name:
            path = Path(folder) / name
            with path.open("wb") as copy:  # in chunks: never the whole file in memory
                while chunk := await upload_file.read(COPY_CHUNK_BYTES):
                    copy.write(chunk)
            paths.append(path)
        await upload_file.close()
    if not paths and not problems:
        problems.append(Problem("<form>", None, "files", "no_file", "choose at least one file"))
    return paths, problems


def _no_progress(_done: int, _total: int) -> None:
    """Progress of an import nobody watches (the page without JavaScript waits for it)."""


@router.post("/upload")
async def upload(
    request: Request, user: Analyst, service: Workspaces, jobs: Jobs, settings: SettingsDep
) -> Response:
    workspace = service.workspace()
    # Under the server's data folder, so whichever server process runs the job finds them.
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="upload-", dir=uploads)
    paths, problems = await _saved_uploads(request, folder)
    if problems:
        shutil.rmtree(folder, ignore_errors=True)
        outcome = ImportOutcome(problems=problems)
        if is_htmx(request):
            return render(request, "_data_outcome.html", problem_page(outcome), 400)
        return render(request, "data.html", {**_page_context(), **problem_page(outcome)}, 400)
    params = {"folder": folder, "files": [p.name for p in paths],
              "workspace": str(workspace.path), "workspace_name": service.name}  # fmt: skip
    if is_htmx(request):
        job = jobs.submit(user.id, "data_import", params, total_steps=len(paths) + 1)
        return render(request, "_data_job.html", {"job": job})
    work = import_handler(service.reload)
    outcome = ImportOutcome.of_bundle(await run_in_threadpool(work, params, _no_progress))
    status = 400 if outcome.problems else 200
    return render(request, "data.html", {**_page_context(), **problem_page(outcome)}, status)


def _outcome(job: Job | None) -> ImportOutcome | None:
    bundle = None if job is None or job.kind != "data_import" else job.result
    return None if bundle is None else ImportOutcome.of_bundle(bundle)


@router.get("/jobs/{job_id}")
def job_status(request: Request, user: Viewer, jobs: Jobs, job_id: str) -> Response:
    job = jobs.get(job_id, user.id)
    if job is None:
        return Response("no such job\n", status_code=404, media_type="text/plain")
    if job.status == "running":
        return render(request, "_data_job.html", {"job": job})
    outcome = _outcome(job)
    context = {"job": job, **(problem_page(outcome, job_id) if outcome else {})}
    response = render(request, "_data_job.html", context)
    response.status_code = 286  # tells HTMX to stop polling
    return response


@router.get("/jobs/{job_id}/problems")
def job_problems(
    request: Request, user: Viewer, jobs: Jobs, job_id: str, rule: str = "", page: int = 1
) -> Response:
    """One page of a finished check's problems, of one rule or all (an HTMX fragment)."""
    outcome = _outcome(jobs.get(job_id, user.id))
    if outcome is None:
        return Response("no such check\n", status_code=404, media_type="text/plain")
    return render(request, "_data_outcome.html", problem_page(outcome, job_id, rule, page))
