"""One MECC contact log entry, and the checks on single entries and offline sync batches.

An entry records that a member of staff used a routine contact for a very brief intervention:
the date, the setting, their organisation and team, the topics raised, what was done (advice,
signpost or referral) and, for a signpost or referral, where the person was sent. It holds
**no free text and nothing about the person spoken to**: every field is a code from the
:mod:`~healthgap.engage.mecc_vocabulary` or the :class:`~healthgap.engage.mecc_directory.
MeccDirectory`, and a payload with any other field is refused. The device makes a UUID for
each entry (``client_id``) when it is logged, so an entry queued offline and sent twice is
stored once.

>>> from datetime import date
>>> payload = {"client_id": "0b6c2f3e-2f4e-4c59-9a7c-3d1f6f1c2a10", "contact_date": "2024-05-02",
...            "setting": "acute", "organisation": "rxa", "team": "ed",
...            "topics": ["tobacco"], "action": "referral", "destination": "stop_smoking"}
>>> entry = parse_entry(payload, staff_id="s1", today=date(2024, 5, 3))
>>> entry.topics, entry.destination
(('tobacco',), 'stop_smoking')
>>> parse_entry({**payload, "notes": "Mr Smith"}, staff_id="s1", today=date(2024, 5, 3))
... # doctest: +ELLIPSIS
Traceback (most recent call last):
...
healthgap.errors.InputError: 1 problem found:
  contact entry, column 'notes': [free_text_refused] the log holds codes only, ...
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, field
from datetime import date, timedelta

import pandas as pd

from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_vocabulary import MeccVocabulary, load_vocabulary
from healthgap.errors import InputError, Problem

__all__ = [
    "ENTRY_FIELDS",
    "LOG_COLUMNS",
    "MAX_BATCH_ENTRIES",
    "TOPIC_SEPARATOR",
    "BatchCheck",
    "ContactEntry",
    "check_batch",
    "entries_frame",
    "entries_from_frame",
    "parse_entry",
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
_MAX_AGE_DAYS = 366


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


@dataclass
class _Checker:
    vocabulary: MeccVocabulary
    directory: MeccDirectory | None
    today: date
    source: str
    problems: list[Problem] = field(default_factory=list)

    def bad(self, row: int | None, column: str | None, rule: str, message: str) -> None:
        self.problems.append(Problem(self.source, row, column, rule, message))

    def code(
        self, payload: Mapping[str, object], name: str, section: str, row: int | None, rule: str
    ) -> str | None:
        value = payload.get(name)
        if value is None or value == "":
            self.bad(row, name, "missing_value", f"{name} is required")
            return None
        if not isinstance(value, str) or value not in self.vocabulary.codes(section):
            allowed = ", ".join(self.vocabulary.codes(section))
            self.bad(row, name, rule, f"{_show(value)} is not one of: {allowed}")
            return None
        return value

    def entry(self, payload: object, staff_id: str, row: int | None) -> ContactEntry | None:
        start = len(self.problems)
        if not isinstance(payload, Mapping):
            self.bad(row, None, "not_an_object", "each entry must be an object of codes")
            return None
        for name in sorted(set(map(str, payload)) - set(ENTRY_FIELDS)):
            self.bad(
                row,
                name,
                "free_text_refused",
                "the log holds codes only, no free text or personal details; "
                f"remove the field {name!r}",
            )
        client_id = self.client_id(payload.get("client_id"), row)
        when = self.contact_date(payload.get("contact_date"), row)
        setting = self.code(payload, "setting", "settings", row, "unknown_setting")
        organisation, team = self.place(payload, row) or (None, None)
        topics = self.topics(payload.get("topics"), row)
        action = self.code(payload, "action", "actions", row, "unknown_action")
        destination = self.destination(payload.get("destination"), action, row)
        if self.directory is not None and not self.directory.has_staff(staff_id):
            self.bad(
                row,
                "staff_id",
                "unknown_staff",
                "the signed-in member of staff is not in the staff list of any organisation",
            )
        if len(self.problems) > start:
            return None
        return ContactEntry(
            client_id, when, staff_id, organisation, team, setting, topics, action, destination
        )  # type: ignore[arg-type]

    def client_id(self, value: object, row: int | None) -> str | None:
        if value is None or value == "":
            self.bad(row, "client_id", "missing_value", "client_id is required")
            return None
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            self.bad(row, "client_id", "bad_client_id", f"{_show(value)} is not a UUID")
            return None

    def contact_date(self, value: object, row: int | None) -> date | None:
        if value is None or value == "":
            self.bad(row, "contact_date", "missing_value", "contact_date is required")
            return None
        try:
            when = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            self.bad(row, "contact_date", "bad_date", f"{_show(value)} is not a YYYY-MM-DD date")
            return None
        if when > self.today:
            self.bad(
                row,
                "contact_date",
                "future_date",
                f"{when.isoformat()} is after today ({self.today.isoformat()})",
            )
            return None
        if when < self.today - timedelta(days=_MAX_AGE_DAYS):
            self.bad(
                row,
                "contact_date",
                "too_old",
                f"{when.isoformat()} is more than a year before today",
            )
            return None
        return when

    def place(self, payload: Mapping[str, object], row: int | None) -> tuple[str, str] | None:
        found = []
        for name in ("organisation", "team"):
            value = payload.get(name)
            if value is None or value == "":
                self.bad(row, name, "missing_value", f"{name} is required")
            elif not isinstance(value, str):
                self.bad(row, name, f"unknown_{name}", f"{_show(value)} is not a code")
            else:
                found.append(value)
        if len(found) < 2:
            return None
        organisation, team = found
        if self.directory is not None:
            if not self.directory.has_organisation(organisation):
                self.bad(
                    row,
                    "organisation",
                    "unknown_organisation",
                    f"{_show(organisation)} is not a registered organisation",
                )
                return None
            if not self.directory.has_team(organisation, team):
                self.bad(
                    row, "team", "unknown_team", f"{_show(team)} is not a team of {organisation}"
                )
                return None
        return organisation, team

    def topics(self, value: object, row: int | None) -> tuple[str, ...] | None:
        if value is None or value == "" or value == []:
            self.bad(row, "topics", "no_topic", "choose at least one topic")
            return None
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            self.bad(row, "topics", "unknown_topic", "topics must be a list of topic codes")
            return None
        order = self.vocabulary.codes("topics")
        unknown = [v for v in values if not isinstance(v, str) or v not in order]
        if unknown:
            self.bad(
                row,
                "topics",
                "unknown_topic",
                f"{', '.join(map(_show, unknown))} not among: {', '.join(order)}",
            )
            return None
        return tuple(code for code in order if code in values)

    def destination(self, value: object, action: str | None, row: int | None) -> str | None:
        if action is None:
            return None
        if not self.vocabulary.needs_destination(action):
            if value not in (None, ""):
                self.bad(
                    row,
                    "destination",
                    "destination_not_allowed",
                    f"{action} sends nobody anywhere; leave destination empty",
                )
            return None
        if value is None or value == "":
            self.bad(
                row,
                "destination",
                "missing_destination",
                f"a {action} must say where the person was sent",
            )
            return None
        codes = self.vocabulary.codes("destinations")
        if not isinstance(value, str) or value not in codes:
            self.bad(
                row,
                "destination",
                "unknown_destination",
                f"{_show(value)} is not one of: {', '.join(codes)}",
            )
            return None
        return value


def _show(value: object) -> str:
    """A value for a message, cut short: it may be whatever a client sent."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_entry(
    payload: Mapping[str, object],
    *,
    staff_id: str,
    vocabulary: MeccVocabulary | None = None,
    directory: MeccDirectory | None = None,
    today: date | None = None,
    source: str = "contact entry",
) -> ContactEntry:
    """Check one entry sent by a device and return it, or raise InputError with every problem.

    ``staff_id`` is the signed-in member of staff (from the session, not the payload). With a
    ``directory`` the organisation, team and member of staff must be registered. ``today``
    (default: the server's date) bounds ``contact_date``: not in the future, not more than a
    year back. Rules: ``free_text_refused``, ``missing_value``, ``bad_client_id``,
    ``bad_date``, ``future_date``, ``too_old``, ``unknown_setting``, ``unknown_organisation``,
    ``unknown_team``, ``unknown_staff``, ``no_topic``, ``unknown_topic``, ``unknown_action``,
    ``missing_destination``, ``destination_not_allowed``, ``unknown_destination``.
    """
    checker = _Checker(vocabulary or load_vocabulary(), directory, today or date.today(), source)
    entry = checker.entry(payload, staff_id, None)
    if entry is None:
        raise InputError(checker.problems)
    return entry


@dataclass(frozen=True)
class BatchCheck:
    """The outcome of checking one sync batch.

    ``entries`` are the valid entries, each client id once; ``problems`` name the entry by
    its 1-based position in the batch (``row``); ``repeated`` counts entries sent twice in the
    same batch with identical content (kept once, not a problem).
    """

    entries: tuple[ContactEntry, ...]
    problems: tuple[Problem, ...]
    repeated: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_any(self) -> None:
        """For callers that accept a batch all or nothing."""
        if self.problems:
            raise InputError(self.problems)


def check_batch(
    payloads: Sequence[object],
    *,
    staff_id: str,
    vocabulary: MeccVocabulary | None = None,
    directory: MeccDirectory | None = None,
    today: date | None = None,
    source: str = "sync batch",
    max_entries: int = MAX_BATCH_ENTRIES,
) -> BatchCheck:
    """Check every entry of a batch queued on a device; never raises for bad entries.

    Valid entries are returned for storing, bad ones as problems so that the device can show
    them (the use case decides whether a batch is taken in part or all or nothing). A client id
    repeated in the batch with the same content is kept once; with different content both are
    refused (rule ``conflicting_client_id``). A batch over ``max_entries`` is refused whole
    (rule ``batch_too_large``). Entries already stored are not known here: the store counts
    them as duplicates when it inserts (:func:`healthgap.store.mecc.record_contacts`).
    """
    if not isinstance(payloads, Sequence) or isinstance(payloads, str | bytes):
        problem = Problem(source, None, None, "not_a_list", "a batch is a list of entries")
        return BatchCheck((), (problem,), 0)
    if len(payloads) > max_entries:
        problem = Problem(
            source,
            None,
            None,
            "batch_too_large",
            f"{len(payloads)} entries; send at most {max_entries} at a time",
        )
        return BatchCheck((), (problem,), 0)
    checker = _Checker(vocabulary or load_vocabulary(), directory, today or date.today(), source)
    first: dict[str, tuple[int, ContactEntry]] = {}
    conflicting: set[str] = set()
    repeated = 0
    for row, payload in enumerate(payloads, start=1):
        entry = checker.entry(payload, staff_id, row)
        if entry is None:
            continue
        if entry.client_id not in first:
            first[entry.client_id] = (row, entry)
        elif first[entry.client_id][1] == entry:
            repeated += 1
        else:
            conflicting.add(entry.client_id)
            checker.bad(
                row,
                "client_id",
                "conflicting_client_id",
                f"{entry.client_id} was already used in row {first[entry.client_id][0]} "
                "for a different entry",
            )
    entries = tuple(e for cid, (_, e) in first.items() if cid not in conflicting)
    return BatchCheck(entries, tuple(checker.problems), repeated)


def entries_frame(entries: Iterable[ContactEntry]) -> pd.DataFrame:
    """A contact log table (:data:`LOG_COLUMNS`) from checked entries.

    >>> from datetime import date
    >>> row = ContactEntry("id-1", date(2024, 5, 2), "s1", "rxa", "ed", "acute",
    ...                    ("alcohol", "tobacco"), "advice", None)
    >>> entries_frame([row])[["topics", "action"]].to_dict("records")
    [{'topics': 'alcohol|tobacco', 'action': 'advice'}]
    """
    frame = pd.DataFrame([e._cells() for e in entries], columns=list(LOG_COLUMNS))
    frame["contact_date"] = pd.to_datetime(frame["contact_date"])
    return frame


def entries_from_frame(
    frame: pd.DataFrame,
    *,
    today: date | None = None,
    vocabulary: MeccVocabulary | None = None,
    directory: MeccDirectory | None = None,
    source: str = "contact log",
) -> list[ContactEntry]:
    """Check every row of a contact log table (:data:`LOG_COLUMNS`, e.g. the demo's) and
    return the entries, or raise InputError with every problem (rows counted from 2, as in
    a spreadsheet). Used to load tables into the store through the same checks as a sync.
    """
    vocab = vocabulary or load_vocabulary()
    checker = _Checker(vocab, directory, today or date.today(), source)
    entries = []
    dates = pd.to_datetime(frame["contact_date"]).dt.date
    for row, (record, when) in enumerate(zip(frame.to_dict("records"), dates, strict=True), 2):
        staff_id = str(record.pop("staff_id"))
        destination = record.get("destination")
        payload = {
            **record,
            "contact_date": when,
            "topics": str(record["topics"]).split(TOPIC_SEPARATOR),
            "destination": destination if isinstance(destination, str) else None,
        }
        entry = checker.entry(payload, staff_id, row)
        if entry is not None:
            entries.append(entry)
    if checker.problems:
        raise InputError(checker.problems)
    return entries
