"""The JSON endpoint a phone's offline MECC queue is sent to: ``POST /mecc/sync``.

Built for a burst: staff coming back online together (a shift change, the wifi back) send
their day's queue in the same second. The request is checked on the event loop (the
session's CSRF token by the app-wide check, the JSON's shape), then handed to
:class:`~healthgap.web.grouped_calls.GroupedCalls`: the syncs waiting at one moment are
served by one call in a worker thread (:func:`healthgap.web.mecc_sync_groups.sync_group`),
which looks up every sender's sign-in session in one
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
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from healthgap.analyses import SyncOutcome
from healthgap.errors import StorageError
from healthgap.store import Role
from healthgap.web.access import checks_role_itself
from healthgap.web.deps import SESSION_KEY
from healthgap.web.mecc_sync_groups import SIGNED_OUT, Refusal, sync_groups

__all__ = ["MAX_SYNC_BYTES", "router"]

router = APIRouter(prefix="/mecc")

#: Largest sync body accepted: 500 entries of codes fit in well under this.
MAX_SYNC_BYTES = 256 * 1024
NOT_JSON = 'send {"entries": [...]} as JSON'


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
    outcome = await sync_groups(request).submit((token, entries))
    if isinstance(outcome, Refusal):
        if outcome.rule == "signed_out":
            request.session.pop(SESSION_KEY, None)
        return outcome.answer()
    if isinstance(outcome, StorageError):
        raise outcome  # the app's page for a refused change (409)
    assert isinstance(outcome, SyncOutcome)
    return JSONResponse(outcome.as_json())
