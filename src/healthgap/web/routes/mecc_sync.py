"""The JSON endpoint a phone's offline MECC queue is sent to: ``POST /mecc/sync``.

Built for a burst: staff coming back online together (a shift change, the wifi back) send
their day's queue in the same second. The request is checked on the event loop (the
session's CSRF token by the app-wide check, the JSON's shape), then handed to
:class:`~healthgap.web.grouped_calls.GroupedCalls`: the syncs waiting at one moment are
served by one call in a worker thread, which looks up every sender's sign-in session in one
read (:func:`healthgap.store.session_roles`, the same rules as every other page: ended,
expired or deactivated sessions are refused), checks their roles, and stores every batch in
one transaction (:func:`healthgap.analyses.sync_batches`). Each phone is answered once that
transaction has committed, with what happened to its own entries. The router is the first
the app matches (``ROUTERS``), so a sync is not compared against every other route first.

Answers are JSON even when the session has ended (401) or the login may not log (403), so
the phone keeps its queue and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from healthgap.analyses import SyncOutcome, sync_batches
from healthgap.errors import PermissionDenied, StorageError
from healthgap.store import Database, Role, session_roles
from healthgap.web.access import checks_role_itself
from healthgap.web.deps import SESSION_KEY
from healthgap.web.grouped_calls import GroupedCalls

__all__ = ["MAX_SYNC_BYTES", "Refusal", "router", "sync_group"]

router = APIRouter(prefix="/mecc")

#: Largest sync body accepted: 500 entries of codes fit in well under this.
MAX_SYNC_BYTES = 256 * 1024
NOT_JSON = 'send {"entries": [...]} as JSON'
SIGNED_OUT = "sign in again to send your entries"


@dataclass(frozen=True)
class Refusal:
    """A sync refused whole, answered in JSON: 401 ``signed_out`` (the session was ended,
    has expired or its user was deactivated), 403 ``not_allowed`` or ``not_linked``."""

    status: int
    rule: str
    message: str

    def answer(self) -> JSONResponse:
        problem = {"position": None, "rule": self.rule, "message": self.message}
        return JSONResponse({"stored": [], "problems": [problem]}, status_code=self.status)


Outcome = SyncOutcome | Refusal | StorageError


def sync_group(database: Database, items: list[tuple[str, object]]) -> list[Outcome]:
    """Serve a group of syncs, ``(session token, entries)`` each, in one read of their
    sessions and one transaction (run in a worker thread); one outcome per sync, in order."""
    with database.reader() as session:
        signed_in = session_roles(session, [token for token, _ in items])
    outcomes: list[Outcome] = [Refusal(401, "signed_out", SIGNED_OUT)] * len(items)
    allowed: list[tuple[int, int, object]] = []  # position, user id, entries
    for position, (token, entries) in enumerate(items):
        if token not in signed_in:
            continue
        user_id, role = signed_in[token]
        if Role(role).allows(Role.staff):
            allowed.append((position, user_id, entries))
        else:
            needed = f"this page needs the {Role.staff.value} role"
            outcomes[position] = Refusal(403, "not_allowed", needed)
    if allowed:
        stored = sync_batches(database, [(user_id, entries) for _, user_id, entries in allowed])
        for (position, _, _), outcome in zip(allowed, stored, strict=True):
            outcomes[position] = (
                Refusal(403, "not_linked", str(outcome))
                if isinstance(outcome, PermissionDenied)
                else outcome
            )
    return outcomes


def _groups(app: FastAPI) -> GroupedCalls[tuple[str, object], Outcome]:
    """The app's grouped sync calls, made on first use."""
    found = getattr(app.state, "mecc_sync_groups", None)
    if found is None:
        database = app.state.database
        found = app.state.mecc_sync_groups = GroupedCalls(lambda items: sync_group(database, items))
    return found


@router.post("/sync")
@checks_role_itself(Role.staff)
async def sync(request: Request) -> Response:
    """Store a phone's queued entries: ``{"entries": [...]}`` in, the stored client ids and
    the problems of the others (by position) out. CSRF is checked from the
    ``X-CSRF-Token`` header by the app, like every POST."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return Refusal(401, "signed_out", SIGNED_OUT).answer()
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        # A form post (its body already read by the CSRF check) is not a batch of entries.
        return Refusal(400, "not_json", NOT_JSON).answer()
    body = await request.body()
    if len(body) > MAX_SYNC_BYTES:
        return Refusal(413, "batch_too_large", "send at most 500 entries at a time").answer()
    try:
        entries: Any = json.loads(body or b"null")["entries"]
    except (ValueError, TypeError, KeyError):
        return Refusal(400, "not_json", NOT_JSON).answer()
    outcome = await _groups(request.app).submit((token, entries))
    if isinstance(outcome, Refusal):
        if outcome.rule == "signed_out":
            request.session.pop(SESSION_KEY, None)
        return outcome.answer()
    if isinstance(outcome, StorageError):
        raise outcome  # the app's page for a refused change (409)
    assert isinstance(outcome, SyncOutcome)
    return JSONResponse(outcome.as_json())
