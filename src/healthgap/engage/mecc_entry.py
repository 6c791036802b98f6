"""The contact log entry itself: its fields, its table columns and the checked entry type.

Split from :mod:`healthgap.engage.mecc` (which re-exports everything here) to keep modules
short; see that module for how entries are checked.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date

__all__ = [
    "ENTRY_FIELDS",
    "LOG_COLUMNS",
    "MAX_AGE_DAYS",
    "MAX_BATCH_ENTRIES",
    "TOPIC_SEPARATOR",
    "ContactEntry",
]

#: The fields a device may send for one entry; anything else is refused as free text.
ENTRY_FIELDS: tuple[str, ...] = (
    "client_id",
    "contact_date",
    "setting",
    "organisation",
    "team",
    "topics",
    "action",
    "destination",
)
#: Columns of a contact log table (one row per entry), as the dashboards read it.
LOG_COLUMNS: tuple[str, ...] = (
    "client_id",
    "contact_date",
    "staff_id",
    "organisation",
    "team",
    "setting",
    "topics",
    "action",
    "destination",
)
#: How several topic codes are joined in one cell of a log table ("alcohol|tobacco").
TOPIC_SEPARATOR = "|"
#: Most entries one sync may carry: a full day's queue of a busy member of staff, many times.
MAX_BATCH_ENTRIES = 500
#: Oldest entry accepted, in days before today (a queue left a whole year is suspect).
MAX_AGE_DAYS = 366


@dataclass(frozen=True)
class ContactEntry:
    """A checked entry; ``staff_id`` comes from the signed-in session, never the payload."""

    client_id: str
    contact_date: date
    staff_id: str
    organisation: str
    team: str
    setting: str
    topics: tuple[str, ...]
    action: str
    destination: str | None

    def as_row(self) -> dict[str, object]:
        """The entry as one row of a log table (topics joined by :data:`TOPIC_SEPARATOR`)."""
        return dict(zip(LOG_COLUMNS, self._cells(), strict=True))

    def _cells(self) -> tuple[object, ...]:
        values = astuple(self)
        return (*values[:6], TOPIC_SEPARATOR.join(self.topics), *values[7:])
