"""The short writes around a pledge: rate-limit hits and page-event counters.

Both are counters, not records: losing the last few in a crash harms nobody, while waiting
for them to be flushed to disk would slow every pledge. So each runs in a short transaction
of its own, taken with the write lock at once on SQLite (``unit_of_work(immediate=True)``),
and on PostgreSQL with ``SET LOCAL synchronous_commit TO OFF`` (the commit returns before
the write-ahead log is flushed; the database stays consistent, only the last counts of a
crash may be missing). Pledges themselves are committed durably by
:func:`healthgap.store.pledges.record_pledge`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from healthgap.store.database import Database
from healthgap.store.pledge_followup import count_event
from healthgap.store.rate_limits import RateDecision, RateLimit, hit

__all__ = ["count_event_quickly", "hit_limits"]


def _relax_durability(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def hit_limits(
    database: Database, hits: Sequence[tuple[RateLimit, str]], *, now: datetime
) -> RateDecision | None:
    """Count one attempt under each ``(rule, key)`` in one transaction; the first refusal
    (every rule still counts the attempt), or ``None`` when all allow it."""
    refused = None
    with database.unit_of_work(immediate=True) as session:
        _relax_durability(session)
        for rule, key in hits:
            decision = hit(session, rule, key, now=now)
            if not decision.allowed and refused is None:
                refused = decision
    return refused


def count_event_quickly(
    database: Database, *, campaign_slug: str, kind: str, day: date, channel: str = ""
) -> int:
    """:func:`~healthgap.store.pledge_followup.count_event` in a transaction of its own."""
    with database.unit_of_work(immediate=True) as session:
        _relax_durability(session)
        return count_event(
            session, campaign_slug=campaign_slug, kind=kind, day=day, channel=channel
        )
