"""MECC logging for frontline staff: the one-screen phone page, the form it posts without
JavaScript, the JSON sync endpoint its offline queue uses, and the service worker.

Who may log is decided on the server: any signed-in role (``staff`` is the role that may do
nothing else) whose login is linked to a member of staff
(:func:`healthgap.analyses.logging_choices` raises PermissionDenied otherwise). The entry is
stored under that member of staff whatever the request says. The sync endpoint answers in
JSON even when the session has ended (401) or the login may not log (403), so the phone keeps
its queue and says why.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from healthgap.analyses import log_entry, logging_choices, sync_entries
from healthgap.errors import InputError, PermissionDenied
from healthgap.store import Role
from healthgap.web.access import checks_role_itself
from healthgap.web.deps import DatabaseDep, LoginRequiredError, Staff, render, require
from healthgap.web.security import csrf_token

router = APIRouter(prefix="/mecc")

STATIC = Path(__file__).resolve().parents[1] / "static" / "mecc"
#: Largest sync body accepted: 500 entries of codes fit in well under this.
MAX_SYNC_BYTES = 256 * 1024


@router.get("/log")
def log_page(request: Request, user: Staff, database: DatabaseDep, saved: int = 0) -> Response:
    """The logging form (today's date, remembered organisation and team)."""
    choices = logging_choices(database, user_id=user.id)
    return _page(request, choices, saved=bool(saved))


def _page(request: Request, choices: object, status: int = 200, **extra: object) -> Response:
    context = {
        "choices": choices,
        "client_id": str(uuid.uuid4()),  # for the form sent without JavaScript
        **extra,
    }
    response = render(request, "mecc_log.html", context, status)
    response.headers["Cache-Control"] = "no-store"  # the service worker keeps its own copy
    return response


@router.post("/log")
def log_form(
    request: Request,
    user: Staff,
    database: DatabaseDep,
    client_id: Annotated[str, Form()] = "",
    contact_date: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
    team: Annotated[str, Form()] = "",
    setting: Annotated[str, Form()] = "",
    topics: Annotated[list[str] | None, Form()] = None,
    action: Annotated[str, Form()] = "",
    destination: Annotated[str, Form()] = "",
) -> Response:
    """One entry from the form posted without JavaScript; then back to an empty form."""
    payload = {
        "client_id": client_id,
        "contact_date": contact_date,
        "organisation": organisation,
        "team": team,
        "setting": setting,
        "topics": topics or [],
        "action": action,
        "destination": destination or None,
    }
    try:
        log_entry(database, user_id=user.id, payload=payload)
    except InputError as exc:
        choices = logging_choices(database, user_id=user.id)
        return _page(request, choices, 400, problems=exc.problems)
    return RedirectResponse("/mecc/log?saved=1", status_code=303)


def _json_problem(status: int, rule: str, message: str) -> JSONResponse:
    body = {"stored": [], "problems": [{"position": None, "rule": rule, "message": message}]}
    return JSONResponse(body, status_code=status)


@router.post("/sync")
@checks_role_itself(Role.staff)
async def sync(request: Request, database: DatabaseDep) -> Response:
    """Store a phone's queued entries: ``{"entries": [...]}`` in, the stored client ids and
    the problems of the others (by position) out. CSRF is checked from the
    ``X-CSRF-Token`` header by the app, like every POST."""
    try:
        user = require(Role.staff)(request)
    except LoginRequiredError:
        return _json_problem(401, "signed_out", "sign in again to send your entries")
    except PermissionDenied as exc:
        return _json_problem(403, "not_allowed", str(exc))
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        # A form post (its body already read by the CSRF check) is not a batch of entries.
        return _json_problem(400, "not_json", 'send {"entries": [...]} as JSON')
    body = await request.body()
    if len(body) > MAX_SYNC_BYTES:
        return _json_problem(413, "batch_too_large", "send at most 500 entries at a time")
    try:
        entries = json.loads(body or b"null")["entries"]
    except (ValueError, TypeError, KeyError):
        return _json_problem(400, "not_json", 'send {"entries": [...]} as JSON')
    try:
        outcome = await run_in_threadpool(sync_entries, database, user_id=user.id, payloads=entries)
    except PermissionDenied as exc:
        return _json_problem(403, "not_linked", str(exc))
    return JSONResponse(outcome.as_json())


@router.get("/session.json")
def session_token(request: Request, _user: Staff) -> JSONResponse:
    """The session's CSRF token, for a page served from the phone's cache after the session
    was renewed."""
    return JSONResponse({"csrf_token": csrf_token(request)}, headers={"Cache-Control": "no-store"})


@router.get("/sw.js")
def service_worker() -> FileResponse:
    """The service worker that keeps the logging page and its assets for offline use; served
    under /mecc/ so that its scope covers the page. It holds no data and needs no login."""
    return FileResponse(
        STATIC / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/mecc/"},
    )
