"""MECC imports (analysts) and the directory of organisations and staff (admins).

Imports: staff health, training records and scores, contact logs kept elsewhere, the
directory, and a service's referrals received, each from CSV or Excel, checked in full
before anything is written; the page shows the problem table (file as uploaded, row, column,
rule, message) and nothing is written unless every row passes. Directory: which login logs
for which member of staff (the link that lets a login log conversations).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from healthgap.analyses import (
    MeccImport,
    import_mecc_directory,
    import_mecc_logs,
    import_mecc_staff_health,
    import_mecc_training,
    import_referrals_received,
    link_staff_account,
    mecc_directory_overview,
)
from healthgap.errors import InputError, Problem
from healthgap.reports.chart_style import records
from healthgap.store import Database
from healthgap.web.deps import Admin, Analyst, DatabaseDep, render
from healthgap.web.files import bundle_download
from healthgap.web.mecc_memo import forget
from healthgap.web.problem_words import plain_problems
from healthgap.web.routes.mecc_pages import PAGES

router = APIRouter(prefix="/mecc")

ALLOWED_SUFFIXES = {".csv", ".xlsx"}
#: Import -> (its name on the page, the file fields it takes, the use case on their paths).
IMPORTS: dict[str, tuple[str, tuple[str, ...], Callable[..., MeccImport]]] = {
    "staff-health": (
        "Staff health figures",
        ("file",),
        lambda db, f: import_mecc_staff_health(db, f["file"]),
    ),
    "training": (
        "Training records and capability scores",
        ("records", "scores"),
        lambda db, f: import_mecc_training(db, f["records"], f.get("scores")),
    ),
    "logs": (
        "Contact logs kept elsewhere",
        ("file",),
        lambda db, f: import_mecc_logs(db, f["file"]),
    ),
    "directory": (
        "Organisations, teams and staff",
        ("organisations", "teams", "staff"),
        lambda db, f: import_mecc_directory(
            db, organisations=f["organisations"], teams=f["teams"], staff=f["staff"]
        ),
    ),
    "referrals": (
        "Referrals received by a service",
        ("file",),
        lambda db, f: import_referrals_received(db, f["file"]),
    ),
}
OPTIONAL_FILES = {("training", "scores")}


def _pages() -> dict[str, str]:
    return {name: title for name, (_, title, _) in PAGES.items()}


def _imports_page(request: Request, status: int = 200, **extra: object) -> Response:
    context = {"page": "imports", "pages": _pages(), "imports": IMPORTS, "query": "", **extra}
    return render(request, "mecc_imports.html", context, status)


@router.get("/imports")
def imports_page(request: Request, _user: Analyst) -> Response:
    return _imports_page(request)


async def _run_import(request: Request, database: Database, kind: str) -> MeccImport:
    """Save the uploaded files under their own names, run the import on them, and name the
    uploaded files (not the temporary copies) in any problem."""
    form = await request.form()
    _, fields, run = IMPORTS[kind]
    with tempfile.TemporaryDirectory() as folder:
        paths: dict[str, Path] = {}
        problems = []
        for field in fields:
            upload = form.get(field)
            name = Path(upload.filename or "").name if isinstance(upload, UploadFile) else ""
            if not name:
                if (kind, field) not in OPTIONAL_FILES:
                    problems.append(
                        Problem("<form>", None, field, "no_file", "choose a file to upload")
                    )
                continue
            if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
                problems.append(
                    Problem(name, None, None, "unsupported_file", "upload a .csv or .xlsx file")
                )
                continue
            target = Path(folder) / field
            target.mkdir()
            paths[field] = target / name
            paths[field].write_bytes(await upload.read())  # type: ignore[union-attr]
        if problems:
            raise InputError(problems)
        try:
            done = run(database, paths)
        except InputError as exc:
            raise InputError([_as_uploaded(p, folder) for p in exc.problems]) from None
    forget()  # figures may have changed in place
    return done


def _as_uploaded(problem: Problem, folder: str) -> Problem:
    name = Path(problem.file).name if problem.file.startswith(folder) else problem.file
    return Problem(name, problem.row, problem.column, problem.rule, problem.message)


@router.post("/imports/{kind}")
async def run_import(
    request: Request, _user: Analyst, database: DatabaseDep, kind: str
) -> Response:
    if kind not in IMPORTS:
        raise InputError([Problem("<address>", None, None, "unknown_import", f"no {kind!r}")])
    try:
        done = await _run_import(request, database, kind)
    except InputError as exc:
        return _imports_page(request, 400, problems=exc.problems, failed=kind)
    return _imports_page(request, done=done.sentence())


@router.post("/referrals/upload")
async def upload_referrals(request: Request, _user: Analyst, database: DatabaseDep) -> Response:
    """The referrals page's own upload: back to the page, with its problems if any."""
    try:
        done = await _run_import(request, database, "referrals")
    except InputError as exc:
        return _imports_page(request, 400, problems=exc.problems, failed="referrals")
    return RedirectResponse(f"/mecc/referrals?imported={done.rows}", status_code=303)


def _directory_page(
    request: Request, database: Database, status: int = 200, **extra: Any
) -> Response:
    bundle = mecc_directory_overview(database)
    staff = bundle.table("staff")
    context = {
        "page": "directory",
        "pages": _pages(),
        "query": "",
        "bundle": bundle,
        "organisations": records(bundle.table("organisations")),
        "linked": records(staff[staff["username"] != ""]),
        "summary": bundle.summary,
        **extra,
    }
    return render(request, "mecc_directory.html", context, status)


@router.get("/directory")
def directory_page(
    request: Request, _admin: Admin, database: DatabaseDep, linked: str = ""
) -> Response:
    return _directory_page(request, database, done=linked)


@router.post("/directory/link")
def link_staff(
    request: Request,
    _admin: Admin,
    database: DatabaseDep,
    staff_id: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
) -> Response:
    try:
        link_staff_account(database, staff_id=staff_id.strip(), username=username.strip() or None)
    except InputError as exc:
        labels = {"staff_id": "Member of staff", "username": "Login"}
        errors = plain_problems(exc.problems, labels=labels)
        return _directory_page(request, database, 400, errors=errors)
    return RedirectResponse(f"/mecc/directory?linked={staff_id.strip()}", status_code=303)


@router.get("/directory/{name}.{fmt}")
def directory_download(_admin: Admin, database: DatabaseDep, name: str, fmt: str) -> Response:
    """The directory's organisations or staff (with their logins) as CSV or Excel."""
    bundle = mecc_directory_overview(database)
    if name not in bundle.tables:
        raise InputError(
            [Problem("<address>", None, None, "unknown_table", f"no {name!r} table here")]
        )
    return bundle_download(bundle, name, f"mecc-directory-{name}", fmt, formats=("csv", "xlsx"))
