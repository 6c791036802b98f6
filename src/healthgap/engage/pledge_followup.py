"""Follow-up of a pledge: when reminders fall due and what a check-in can say.

A person who asked for reminders gets one at each of the campaign's reminder weeks
(by default 1, 4 and 12 weeks after pledging). Each reminder carries a signed link to an
"I kept it / partly / not yet" check-in for that week (see
:mod:`healthgap.engage.pledge_tokens`). Answering again for the same week replaces the
earlier answer.

>>> from datetime import datetime, UTC
>>> [(w, d.date().isoformat()) for w, d in reminder_schedule(
...     datetime(2026, 1, 1, 9, 30, tzinfo=UTC), (1, 4, 12))]
[(1, '2026-01-08'), (4, '2026-01-29'), (12, '2026-03-26')]
>>> CheckinOutcome("not_yet").label
'Not yet'
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime, timedelta

from healthgap.errors import InputError, Problem

__all__ = ["CheckinOutcome", "ReminderStatus", "parse_outcome", "reminder_schedule"]


class CheckinOutcome(enum.StrEnum):
    """How a person says their pledge went."""

    kept = "kept"
    partly = "partly"
    not_yet = "not_yet"

    @property
    def label(self) -> str:
        return {"kept": "I kept it", "partly": "Partly", "not_yet": "Not yet"}[self.value]


class ReminderStatus(enum.StrEnum):
    """A reminder in the outbox: waiting, being sent by one worker, sent, or not to be sent
    (the person unsubscribed, deleted the pledge, or sending failed too often)."""

    scheduled = "scheduled"
    sending = "sending"
    sent = "sent"
    cancelled = "cancelled"
    failed = "failed"


def reminder_schedule(pledged_at: datetime, weeks: Sequence[int]) -> list[tuple[int, datetime]]:
    """``(week, due time)`` for each reminder week, counted from the moment of pledging."""
    if pledged_at.tzinfo is None:
        raise InputError("pledge times must carry a time zone", rule="naive_datetime")
    return [(int(week), pledged_at + timedelta(weeks=int(week))) for week in weeks]


def parse_outcome(value: str) -> CheckinOutcome:
    """The outcome a check-in form sent, or a plain-English :class:`InputError`.

    >>> parse_outcome(" Kept ").value
    'kept'
    """
    try:
        return CheckinOutcome(str(value).strip().lower().replace(" ", "_"))
    except ValueError:
        raise InputError(
            [
                Problem(
                    "check-in form",
                    None,
                    "outcome",
                    "unknown_outcome",
                    "Choose 'I kept it', 'Partly' or 'Not yet'.",
                )
            ]
        ) from None
