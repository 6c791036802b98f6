"""Data: upload files into the workspace with the Foundation's all-or-nothing import.

:func:`healthgap.data.import_files` checks every file and every cross-table rule first; the
problem table is shown in the page and nothing is written unless all pass.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from healthgap.data import import_files
from healthgap.errors import HealthgapWarning, InputError, Problem
from healthgap.store import Role, User
from healthgap.web.deps import render, require

router = APIRouter(prefix="/data")
Viewer = Annotated[User, Depends(require(Role.viewer))]
Analyst = Annotated[User, Depends(require(Role.analyst))]
ALLOWED_SUFFIXES = {".csv", ".xlsx", ".parquet"}


@router.get("")
def data_page(request: Request, _user: Viewer) -> Response:
    return render(request, "data.html", {})


def _as_uploaded(problem: Problem, folder: str) -> Problem:
    # Problems name the temporary copy; show the name the user uploaded instead.
    name = problem.file[len(folder) + 1 :] if problem.file.startswith(folder) else problem.file
    return Problem(name, problem.row, problem.column, problem.rule, problem.message)


@router.post("/upload")
async def upload(request: Request, _user: Analyst) -> Response:
    service = request.app.state.workspaces
    workspace = service.workspace()
    uploads = [f for f in (await request.form()).getlist("files") if isinstance(f, UploadFile)]
    problems: list[Problem] = []
    notes: list[str] = []
    imported: list[str] = []
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
                path.write_bytes(await upload_file.read())
                paths.append(path)
            await upload_file.close()
        if not uploads or (not paths and not problems):
            problems.append(Problem("<form>", None, "files", "no_file", "choose at least one file"))
        if not problems:
            before = set(workspace.hashes().items())
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", HealthgapWarning)
                    written = import_files(paths, workspace.path)
                notes = [str(w.message) for w in caught]
                imported = sorted(
                    name for name, h in written.hashes().items() if (name, h) not in before
                )
            except InputError as exc:
                problems = [_as_uploaded(p, folder) for p in exc.problems]
    if problems:
        return render(request, "data.html", {"problems": problems}, 400)
    service.reload()
    return render(request, "data.html", {"imported": imported or ["nothing new"], "notes": notes})
