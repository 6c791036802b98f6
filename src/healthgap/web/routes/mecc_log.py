"""MECC logging for frontline staff: the one-screen phone page, the form it posts without
JavaScript, the session token its offline queue needs, and the service worker (the JSON sync
endpoint the queue is sent to is :mod:`healthgap.web.routes.mecc_sync`).

Who may log is decided on the server: any signed-in role (``staff`` is the role that may do
nothing else) whose login is linked to a member of staff
(:func:`healthgap.analyses.logging_choices` raises PermissionDenied otherwise). The entry is
stored under that member of staff whatever the request says.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from healthgap.analyses import log_entry, logging_choices
from healthgap.errors import InputError
from healthgap.web.deps import DatabaseDep, Staff, render
from healthgap.web.security import csrf_token

router = APIRouter(prefix="/mecc")

STATIC = Path(__file__).resolve().parents[1] / "static" / "mecc"


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
