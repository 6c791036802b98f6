"""Data: upload files into the workspace with the all-or-nothing import.

:func:`healthgap.analyses.import_data` checks every file and every cross-table rule first;
the problem table is shown in the page and nothing is written unless all pass.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from healthgap.analyses import import_data
from healthgap.errors import InputError, Problem
from healthgap.web.deps import Analyst, Viewer, Workspaces, render

router = APIRouter(prefix="/data")
ALLOWED_SUFFIXES = {".csv", ".xlsx", ".parquet"}
COPY_CHUNK_BYTES = 1024 * 1024


@router.get("")
def data_page(request: Request, _user: Viewer) -> Response:
    return render(request, "data.html", {})


def _as_uploaded(problem: Problem, folder: str) -> Problem:
    # Problems name the temporary copy; show the name the user uploaded instead.
    name = problem.file[len(folder) + 1 :] if problem.file.startswith(folder) else problem.file
    return Problem(name, problem.row, problem.column, problem.rule, problem.message)


@router.post("/upload")
async def upload(request: Request, _user: Analyst, service: Workspaces) -> Response:
    workspace = service.workspace()
    uploads = [f for f in (await request.form()).getlist("files") if isinstance(f, UploadFile)]
    problems: list[Problem] = []
    notes: list[str] = []
    changed: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for upload_file in uploads:
            name = Path(upload_file.filename or "").name
            if not name:
                await upload_file.close()
                continue
            if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
                problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        "unsupported_file",
                        "upload a .csv, .xlsx or .parquet file",
                    )
                )
            else:
                path = Path(folder) / name
                with path.open("wb") as copy:  # in chunks: never the whole file in memory
                    while chunk := await upload_file.read(COPY_CHUNK_BYTES):
                        copy.write(chunk)
                paths.append(path)
            await upload_file.close()
        if not uploads or (not paths and not problems):
            problems.append(Problem("<form>", None, "files", "no_file", "choose at least one file"))
        if not problems:
            try:
                imported = import_data(paths, workspace.path)
                notes = [text.partition(": ")[2] for text in imported.warnings]
                changed = imported.changed
            except InputError as exc:
                problems = [_as_uploaded(p, folder) for p in exc.problems]
    if problems:
        return render(request, "data.html", {"problems": problems}, 400)
    service.reload()
    return render(request, "data.html", {"imported": changed or ["nothing new"], "notes": notes})
