"""Serving a group of MECC syncs at once (the web app's side of a burst of phones): one read
of the senders' sign-in sessions, their roles checked, and every batch stored in one
transaction by :func:`healthgap.analyses.sync_batches`. The route
(:mod:`healthgap.web.routes.mecc_sync`) hands each request to :func:`sync_groups` and
answers with the outcome it gets back.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse

from healthgap.analyses import SyncOutcome, sync_batches
from healthgap.errors import PermissionDenied, StorageError
from healthgap.store import Database, Role, session_roles
from healthgap.web.grouped_calls import GroupedCalls

__all__ = ["SIGNED_OUT", "Outcome", "Refusal", "sync_group", "sync_groups"]

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


def sync_groups(request: Request) -> GroupedCalls[tuple[str, object], Outcome]:
    """The app's grouped sync calls (made on first use), to hand a request's
    ``(session token, entries)`` to."""
    state = request.app.state
    found = getattr(state, "mecc_sync_groups", None)
    if found is None:
        database = state.database
        found = state.mecc_sync_groups = GroupedCalls(lambda items: sync_group(database, items))
    return found
