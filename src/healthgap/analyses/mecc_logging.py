"""Log MECC conversations: one entry from a form, or a batch queued on a phone while offline.

Only a login linked to a member of staff (``mecc_staff.user_id``) may log, and the entry is
always stored under that member of staff, whatever the payload says. A batch is taken in
part: valid entries are stored (each ``client_id`` once, ever) and the others come back as
problems by their 1-based position in the batch, so the phone clears what was stored and
shows what was not. A batch sent again after a lost answer stores nothing twice: the
database's unique constraint on ``client_id`` decides (:func:`healthgap.store.mecc.sync_contacts`).

The directory the entries are checked against is kept per database and reloaded when its
number of organisations, teams or staff changes (checked in the same query that finds the
member of staff), so a sync costs one small read and one write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from healthgap.engage.mecc import BatchCheck, ContactEntry, check_batch, parse_entry
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_vocabulary import load_vocabulary
from healthgap.errors import PermissionDenied, Problem, StorageError
from healthgap.store import Database
from healthgap.store.mecc import (
    StaffMember,
    SyncResult,
    is_synthetic,
    load_directory,
    record_contact_batches,
    sync_contacts,
)
from healthgap.store.mecc_models import OrganisationRecord, StaffRecord, TeamRecord

__all__ = [
    "LoggingChoices",
    "SyncOutcome",
    "log_entry",
    "logging_choices",
    "logging_staff",
    "sync_batches",
    "sync_entries",
]

#: Staff log in England: "today" is the date in London, whatever the server's clock zone.
LOCAL_ZONE = ZoneInfo("Europe/London")
NOT_LINKED = (
    "your login is not linked to a member of staff, so it cannot log MECC conversations; "
    "ask an administrator to link it on the MECC directory page"
)


def local_today() -> date:
    """Today's date in England (a phone's entry dated today is never "in the future")."""
    return datetime.now(LOCAL_ZONE).date()


@dataclass(frozen=True)
class SyncOutcome:
    """What one sync did. ``stored`` are the client ids now in the database (new or stored
    before): the phone removes them from its queue. ``problems`` name refused entries by
    their position in the batch (``row``)."""

    stored: tuple[str, ...]
    inserted: int
    duplicates: int
    repeated: int
    problems: tuple[Problem, ...]

    def as_json(self) -> dict[str, Any]:
        """The answer sent to the phone."""
        return {
            "stored": list(self.stored),
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "repeated": self.repeated,
            "problems": [
                {"position": p.row, "field": p.column, "rule": p.rule, "message": p.message}
                for p in self.problems
            ],
        }


@dataclass(frozen=True)
class _Cached:
    version: tuple[int, int, int]
    directory: MeccDirectory


_DIRECTORIES: WeakKeyDictionary[Database, _Cached] = WeakKeyDictionary()
_LOCK = threading.Lock()


def _directory_version() -> tuple[Any, Any, Any]:
    return (
        select(func.count()).select_from(OrganisationRecord).scalar_subquery(),
        select(func.count()).select_from(TeamRecord).scalar_subquery(),
        select(func.count()).select_from(StaffRecord).scalar_subquery(),
    )


def _directory(database: Database, session: Session, version: tuple[int, ...]) -> MeccDirectory:
    """The directory, from the cache while its numbers of rows are ``version``."""
    with _LOCK:
        cached = _DIRECTORIES.get(database)
    if cached is None or cached.version != version:
        cached = _Cached(version, load_directory(session))
        with _LOCK:
            _DIRECTORIES[database] = cached
    return cached.directory


def _staff_and_directory(database: Database, user_id: int) -> tuple[StaffMember, MeccDirectory]:
    """The member of staff linked to ``user_id`` and the directory (cached while the numbers
    of organisations, teams and staff stay the same); PermissionDenied when not linked."""
    query = select(StaffRecord.staff_id, StaffRecord.organisation, StaffRecord.team)
    with database.reader() as session:
        row = session.execute(
            query.add_columns(*_directory_version()).where(StaffRecord.user_id == user_id)
        ).first()
        if row is None:
            raise PermissionDenied(NOT_LINKED)
        directory = _directory(database, session, tuple(int(n) for n in row[3:]))
    return StaffMember(row[0], row[1], row[2]), directory


def _staff_of_users(
    database: Database, user_ids: Iterable[int]
) -> tuple[dict[int, StaffMember], MeccDirectory]:
    """The members of staff linked to each of ``user_ids`` (a login not linked is left
    out) and the directory, in one read transaction."""
    query = select(
        StaffRecord.user_id, StaffRecord.staff_id, StaffRecord.organisation, StaffRecord.team
    ).where(StaffRecord.user_id.in_(sorted(set(user_ids))))
    with database.reader() as session:
        version = tuple(int(n) for n in session.execute(select(*_directory_version())).one())
        staff = {row[0]: StaffMember(*row[1:]) for row in session.execute(query)}
        directory = _directory(database, session, version)
    return staff, directory


def logging_staff(database: Database, *, user_id: int) -> StaffMember:
    """The member of staff login ``user_id`` logs for; PermissionDenied when not linked."""
    return _staff_and_directory(database, user_id)[0]


@dataclass(frozen=True)
class LoggingChoices:
    """Everything the logging form offers, as (code, label) pairs in display order, plus the
    member of staff's own organisation and team (the defaults before the phone remembers)."""

    staff: StaffMember
    today: date
    organisations: tuple[dict[str, str], ...]  # code, label, setting
    teams: tuple[dict[str, str], ...]  # organisation, code, label
    settings: tuple[dict[str, str], ...]
    topics: tuple[dict[str, str], ...]
    actions: tuple[dict[str, Any], ...]  # code, label, needs_destination
    destinations: tuple[dict[str, Any], ...]  # code, label, topics
    synthetic: bool


def logging_choices(
    database: Database, *, user_id: int, today: date | None = None
) -> LoggingChoices:
    """The logging form's choices for login ``user_id`` (PermissionDenied when it is not
    linked to a member of staff)."""
    staff, directory = _staff_and_directory(database, user_id)
    vocabulary = load_vocabulary()
    orgs = directory.organisations.sort_values("name")
    teams = directory.teams.sort_values(["organisation", "name"])
    with database.reader() as session:
        synthetic = is_synthetic(session, [staff.organisation])
    return LoggingChoices(
        staff=staff,
        today=today or local_today(),
        organisations=tuple(
            {"code": o, "label": n, "setting": s}
            for o, n, s in zip(orgs["organisation"], orgs["name"], orgs["setting"], strict=True)
        ),
        teams=tuple(
            {"organisation": o, "code": t, "label": n}
            for o, t, n in zip(teams["organisation"], teams["team"], teams["name"], strict=True)
        ),
        settings=tuple({"code": t.code, "label": t.label} for t in vocabulary.terms("settings")),
        topics=tuple({"code": t.code, "label": t.label} for t in vocabulary.terms("topics")),
        actions=tuple(
            {
                "code": t.code,
                "label": t.label,
                "needs_destination": bool(t.attributes.get("needs_destination")),
            }
            for t in vocabulary.terms("actions")
        ),
        destinations=tuple(
            {"code": t.code, "label": t.label, "topics": list(t.attributes.get("topics") or [])}
            for t in vocabulary.terms("destinations")
        ),
        synthetic=synthetic,
    )


def sync_entries(
    database: Database,
    *,
    user_id: int,
    payloads: Sequence[object],
    today: date | None = None,
) -> SyncOutcome:
    """Store the valid entries of a batch sent by login ``user_id``'s phone, each once ever,
    and return the stored client ids and the problems of the others by position.

    A batch that is not a list, or is over 500 entries, is refused whole (one problem, row
    None). Entries sent before (a retry) count as ``duplicates``; an entry repeated inside the
    batch counts as ``repeated``; neither is stored again.
    """
    staff, directory = _staff_and_directory(database, user_id)
    checked = check_batch(
        payloads, staff_id=staff.staff_id, directory=directory, today=today or local_today()
    )
    inserted = duplicates = 0
    if checked.entries:
        result = sync_contacts(database, checked.entries)
        inserted, duplicates = result.inserted, result.duplicates
    return SyncOutcome(
        stored=tuple(entry.client_id for entry in checked.entries),
        inserted=inserted,
        duplicates=duplicates,
        repeated=checked.repeated,
        problems=checked.problems,
    )


def sync_batches(
    database: Database,
    requests: Sequence[tuple[int, object]],
    *,
    today: date | None = None,
) -> list[SyncOutcome | PermissionDenied | StorageError]:
    """:func:`sync_entries` for the batches of several logins at once, ``(user_id,
    entries)`` each (the web app's concurrent syncs): one read finds every login's member of
    staff, and one transaction stores the valid entries of every batch. Each batch gets the
    outcome it would have had alone, in order; an entry carried by two batches of the group
    counts as new for the first only. A login not linked to a member of staff gets
    PermissionDenied in its place. If the shared transaction fails (a team removed since
    the check, say), each batch is written again on its own, so only a faulty one gets the
    StorageError.
    """
    day = today or local_today()
    staff, directory = _staff_of_users(database, (user_id for user_id, _ in requests))
    checks: list[BatchCheck | None] = [
        check_batch(payloads, staff_id=staff[user_id].staff_id, directory=directory, today=day)
        if user_id in staff
        else None
        for user_id, payloads in requests
    ]
    batches = [check.entries for check in checks if check is not None]
    results: list[SyncResult | StorageError]
    try:
        with database.unit_of_work() as session:
            results = list(record_contact_batches(session, batches))
    except StorageError:
        if len(batches) == 1:
            raise
        results = [_alone(database, batch) for batch in batches]
    written = iter(results)
    outcomes: list[SyncOutcome | PermissionDenied | StorageError] = []
    for check in checks:
        if check is None:
            outcomes.append(PermissionDenied(NOT_LINKED))
            continue
        result = next(written)
        if isinstance(result, StorageError):
            outcomes.append(result)
            continue
        outcomes.append(
            SyncOutcome(
                stored=tuple(entry.client_id for entry in check.entries),
                inserted=result.inserted,
                duplicates=result.duplicates,
                repeated=check.repeated,
                problems=check.problems,
            )
        )
    return outcomes


def _alone(database: Database, batch: Sequence[ContactEntry]) -> SyncResult | StorageError:
    try:
        with database.unit_of_work() as session:
            return record_contact_batches(session, [batch])[0]
    except StorageError as exc:
        return exc


def log_entry(
    database: Database,
    *,
    user_id: int,
    payload: Mapping[str, object],
    today: date | None = None,
) -> SyncOutcome:
    """Store one entry (the form posted without JavaScript), or raise InputError with every
    problem of it. The form carries a client id made when the page was drawn, so sending
    the same form twice stores it once."""
    staff, directory = _staff_and_directory(database, user_id)
    entry = parse_entry(
        payload, staff_id=staff.staff_id, directory=directory, today=today or local_today()
    )
    result = sync_contacts(database, [entry])
    return SyncOutcome((entry.client_id,), result.inserted, result.duplicates, 0, ())
