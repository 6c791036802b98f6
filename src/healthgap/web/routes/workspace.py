"""Data: upload files, validated by the Foundation readers; nothing is written unless all pass."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from healthgap.data.load import load
from healthgap.data.workspace import write_workspace
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


@router.post("/upload")
async def upload(request: Request, _user: Analyst) -> Response:
    import warnings

    service = request.app.state.workspaces
    workspace = service.workspace()
    files = [f for f in (await request.form()).getlist("files") if isinstance(f, UploadFile)]
    problems: list[Problem] = []
    tables = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for upload_file in files:
            name = Path(upload_file.filename or "upload").name
            if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
                await upload_file.close()
                problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        "unsupported_file",
                        "upload a .csv, .xlsx or .parquet file",
                    )
                )
                continue
            path = Path(folder) / name
            path.write_bytes(await upload_file.read())
            await upload_file.close()
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", HealthgapWarning)
                    table = load(path, None, name=name)
                notes += [str(w.message) for w in caught]
                tables[table.attrs["table"]] = table
            except InputError as exc:
                problems += exc.problems
    if not files:
        problems.append(Problem("<form>", None, "files", "no_file", "choose at least one file"))
    if problems:
        return render(request, "data.html", {"problems": problems}, 400)
    merged = {name: workspace.read(name) for name in workspace.tables}
    merged.update(tables)
    write_workspace(workspace.path, merged, metadata=workspace.metadata)
    service.reload()
    return render(request, "data.html", {"imported": sorted(tables), "notes": notes})
