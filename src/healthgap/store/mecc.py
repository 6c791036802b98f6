"""Storage of MECC: the directory (organisations, teams, staff), contact logs written by sync
batches exactly once, training records and scores, and staff health series.

Every function takes a session from :meth:`~healthgap.store.Database.unit_of_work` (writes)
or :meth:`~healthgap.store.Database.reader` (reads); none commits by itself. Contact entries
are written in one multi-row ``INSERT ... ON CONFLICT (client_id) DO NOTHING RETURNING
client_id`` per batch: an entry already stored (a retried or replayed sync) is skipped by the
database itself, which stays true when several requests carry the same entries at the same
moment, and the result says how many were new and how many were duplicates.

>>> from healthgap.store import Database
>>> from healthgap.datasets.mecc import generate_mecc_demo
>>> from healthgap.engage.mecc import entries_from_frame
>>> demo = generate_mecc_demo(scale=0.1, weeks=2)
>>> entries = entries_from_frame(demo.logs, today=demo.end)
>>> db = Database("sqlite://")
>>> with db.unit_of_work() as session:
...     save_directory(session, demo.directory)
...     first = record_contacts(session, entries)
>>> with db.unit_of_work() as session:
...     again = record_contacts(session, entries)
>>> first.inserted == len(demo.logs), again.inserted, again.duplicates == len(demo.logs)
(True, 0, True)
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd
from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from healthgap.engage.mecc import LOG_COLUMNS, TOPIC_SEPARATOR, ContactEntry
from healthgap.engage.mecc_directory import (
    ORGANISATION_COLUMNS,
    STAFF_COLUMNS,
    TEAM_COLUMNS,
    MeccDirectory,
)
from healthgap.engage.mecc_vocabulary import MeccVocabulary
from healthgap.engage.staff_health import STAFF_HEALTH_COLUMNS
from healthgap.engage.training import SCORE_COLUMNS, TRAINING_COLUMNS
from healthgap.errors import StorageError
from healthgap.store.database import Database
from healthgap.store.mecc_models import (
    ContactRecord,
    OrganisationRecord,
    StaffHealthRecord,
    StaffRecord,
    TeamRecord,
    TrainingRecord,
    TrainingScoreRecord,
)
from healthgap.store.mecc_sync import GroupCommit
from healthgap.store.models import User

__all__ = [
    "StaffMember",
    "SyncResult",
    "count_contacts",
    "is_synthetic",
    "link_staff_user",
    "list_contacts",
    "load_directory",
    "load_staff_health",
    "load_training",
    "record_contact_batches",
    "record_contacts",
    "save_directory",
    "save_staff_health",
    "save_training",
    "staff_accounts",
    "staff_for_user",
    "sync_contacts",
    "upsert_rows",
]

_CHUNK = 1000  # rows per statement: well under every driver's parameter limit
# SQLite has one writer at a time and makes the others poll (busy_timeout), which can starve
# one request for seconds under a burst of syncs: the syncs of this process are written
# together instead, each group in one transaction (store/mecc_sync.py). PostgreSQL needs
# none of this.
_GROUPS: WeakKeyDictionary[Database, GroupCommit[ContactEntry]] = WeakKeyDictionary()
_GUARD = threading.Lock()


@dataclass(frozen=True)
class SyncResult:
    """What one batch did: entries ``received``, ``inserted`` now, and ``duplicates`` (stored
    before, by an earlier sync or a concurrent one, or repeated in the call)."""

    received: int
    inserted: int
    duplicates: int


def _dialect_insert(session: Session, table: Table) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise StorageError(f"MECC storage supports SQLite and PostgreSQL, not {name}")


def _chunks(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def upsert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, replacing the non-key columns of rows whose primary key exists."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    statement = _dialect_insert(session, table)
    updates = {c: statement.excluded[c] for c in rows[0] if c not in keys}
    statement = (
        statement.on_conflict_do_update(index_elements=keys, set_=updates)
        if updates
        else statement.on_conflict_do_nothing(index_elements=keys)
    )
    for chunk in _chunks(rows):
        session.execute(statement, chunk)


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Plain Python rows (NaN -> None, NumPy scalars -> Python) for the drivers."""
    data = frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
    return [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in data.to_dict("records")
    ]


def save_directory(
    session: Session,
    directory: MeccDirectory,
    *,
    vocabulary: MeccVocabulary | None = None,
    synthetic: bool = False,
) -> None:
    """Add or update every organisation, team and member of staff of ``directory`` (checked
    by :meth:`MeccDirectory.checked` against ``vocabulary`` first, the built-in one by
    default); people and teams not listed are left alone. ``synthetic`` marks the
    organisations as SYNTHETIC demo ones (every output drawn from them then says so)."""
    checked = directory.checked(vocabulary)
    organisations = _records(checked.organisations, ORGANISATION_COLUMNS)
    upsert_rows(
        session,
        OrganisationRecord.__table__,
        [{**row, "synthetic": synthetic} for row in organisations],
    )
    upsert_rows(session, TeamRecord.__table__, _records(checked.teams, TEAM_COLUMNS))
    upsert_rows(session, StaffRecord.__table__, _records(checked.staff, STAFF_COLUMNS))


def link_staff_user(session: Session, *, staff_id: str, user_id: int | None) -> None:
    """Link a member of staff to the login that logs for them (``None`` unlinks); a login
    logs for one member of staff, so any earlier link of that login is removed."""
    staff = session.get(StaffRecord, staff_id)
    if staff is None:
        raise StorageError(f"no member of staff {staff_id!r}")
    if user_id is not None:
        for other in session.scalars(select(StaffRecord).where(StaffRecord.user_id == user_id)):
            other.user_id = None
        session.flush()
    staff.user_id = user_id


@dataclass(frozen=True)
class StaffMember:
    """The member of staff a login logs for, with their organisation and team."""

    staff_id: str
    organisation: str
    team: str


def staff_for_user(session: Session, user_id: int) -> StaffMember | None:
    """The member of staff linked to login ``user_id``, or None when it is not linked."""
    row = session.execute(
        select(StaffRecord.staff_id, StaffRecord.organisation, StaffRecord.team).where(
            StaffRecord.user_id == user_id
        )
    ).first()
    return None if row is None else StaffMember(*row)


def staff_accounts(session: Session) -> pd.DataFrame:
    """Every member of staff with the login linked to them (``username``, empty when none)."""
    query = (
        select(*[StaffRecord.__table__.c[c] for c in STAFF_COLUMNS], User.username)
        .outerjoin(User, User.id == StaffRecord.user_id)
        .order_by(StaffRecord.organisation, StaffRecord.team, StaffRecord.staff_id)
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=[*STAFF_COLUMNS, "username"])
    return frame.assign(username=frame["username"].fillna(""))


def is_synthetic(session: Session, organisations: Sequence[str] | None = None) -> bool:
    """True when any (of the given) organisations is a SYNTHETIC demo one."""
    query = select(func.count()).select_from(OrganisationRecord).where(OrganisationRecord.synthetic)
    if organisations is not None:
        query = query.where(OrganisationRecord.organisation.in_(list(organisations)))
    return bool(session.scalar(query))


def load_directory(session: Session) -> MeccDirectory:
    """The stored directory, as the checks and dashboards use it."""
    org_columns = [OrganisationRecord.__table__.c[c] for c in ORGANISATION_COLUMNS]
    orgs = session.execute(select(*org_columns)).all()
    teams = session.execute(select(TeamRecord.__table__)).all()
    staff = session.execute(select(*[StaffRecord.__table__.c[c] for c in STAFF_COLUMNS])).all()
    return MeccDirectory(
        pd.DataFrame(orgs, columns=list(ORGANISATION_COLUMNS)),
        pd.DataFrame(teams, columns=list(TEAM_COLUMNS)),
        pd.DataFrame(staff, columns=list(STAFF_COLUMNS)).astype({"frontline": bool}),
    )


def record_contacts(session: Session, entries: Sequence[ContactEntry]) -> SyncResult:
    """Store checked entries exactly once each; return how many were new and how many were
    already there (by ``client_id``).

    An entry naming an unknown member of staff, organisation or team breaks a foreign key:
    :meth:`~healthgap.store.Database.unit_of_work` then raises StorageError and writes
    nothing of the batch.
    """
    inserted = len(_insert_contacts(session, entries))
    return SyncResult(len(entries), inserted, len(entries) - inserted)


def record_contact_batches(
    session: Session, batches: Sequence[Sequence[ContactEntry]]
) -> list[SyncResult]:
    """Store the checked entries of several sync batches together (one statement per 1,000
    rows, in the caller's transaction), each client id once, and return each batch's own
    counts: an entry inserted now is new for the first batch that carries it and a
    duplicate for any other (a replay sent while the first was still on its way).
    """
    inserted = _insert_contacts(session, [entry for batch in batches for entry in batch])
    claimed: set[str] = set()
    results = []
    for batch in batches:
        mine = ({entry.client_id for entry in batch} & inserted) - claimed
        claimed |= mine
        results.append(SyncResult(len(batch), len(mine), len(batch) - len(mine)))
    return results


def _insert_contacts(session: Session, entries: Sequence[ContactEntry]) -> set[str]:
    """Insert the entries not stored yet; the client ids inserted now."""
    unique = {e.client_id: e for e in entries}
    rows = [
        {
            "client_id": e.client_id,
            "contact_date": e.contact_date,
            "staff_id": e.staff_id,
            "organisation": e.organisation,
            "team": e.team,
            "setting": e.setting,
            "topics": TOPIC_SEPARATOR.join(e.topics),
            "action": e.action,
            "destination": e.destination,
        }
        for e in unique.values()
    ]
    table = ContactRecord.__table__
    statement = (
        _dialect_insert(session, table)
        .on_conflict_do_nothing(index_elements=["client_id"])
        .returning(table.c.client_id)
    )
    inserted: set[str] = set()
    for chunk in _chunks(rows):
        inserted.update(row[0] for row in session.execute(statement, chunk))
    return inserted


def _group_commit(database: Database) -> GroupCommit[ContactEntry]:
    with _GUARD:
        found = _GROUPS.get(database)
        if found is None:
            owner = weakref.ref(database)  # the cache must not keep the database alive

            def insert(batches: Sequence[Sequence[ContactEntry]]) -> set[str]:
                target = owner()
                assert target is not None, "the database was closed"
                with target.unit_of_work() as session:
                    return _insert_contacts(session, [e for batch in batches for e in batch])

            found = _GROUPS[database] = GroupCommit(insert, lambda entry: entry.client_id)
        return found


def sync_contacts(database: Database, entries: Sequence[ContactEntry]) -> SyncResult:
    """Store one sync batch exactly once (as :func:`record_contacts`, committed); the path
    the web app's sync endpoint takes. On SQLite the batches of concurrent syncs in this
    process are written together, a group per transaction
    (:class:`~healthgap.store.mecc_sync.GroupCommit`); on PostgreSQL each in its own."""
    if database.engine.dialect.name != "sqlite":
        with database.unit_of_work() as session:
            return record_contacts(session, entries)
    new = _group_commit(database).write(entries)
    return SyncResult(len(entries), len(new), len(entries) - len(new))


def count_contacts(session: Session) -> int:
    """Number of stored contact entries."""
    return int(session.scalar(select(func.count()).select_from(ContactRecord)) or 0)


def list_contacts(
    session: Session,
    *,
    organisations: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Stored entries as a contact log table (:data:`~healthgap.engage.mecc.LOG_COLUMNS`),
    optionally for some organisations and between two dates (inclusive), oldest first."""
    table = ContactRecord.__table__
    query = select(*[table.c[c] for c in LOG_COLUMNS]).order_by(table.c.contact_date, table.c.id)
    if organisations is not None:
        query = query.where(table.c.organisation.in_(list(organisations)))
    if start is not None:
        query = query.where(table.c.contact_date >= start)
    if end is not None:
        query = query.where(table.c.contact_date <= end)
    # Plain tuples: pandas builds a frame from them several times faster than from Rows.
    rows = [tuple(row) for row in session.execute(query)]
    frame = pd.DataFrame(rows, columns=list(LOG_COLUMNS))
    frame["contact_date"] = pd.to_datetime(frame["contact_date"])
    return frame


def save_training(
    session: Session, records: pd.DataFrame, scores: pd.DataFrame | None = None
) -> None:
    """Add or replace training records (by member of staff and route) and capability scores
    (by member of staff, route, measure and wave); check them with
    :func:`healthgap.engage.training.check_training` first."""
    rows = _records(
        records.assign(completed_on=pd.to_datetime(records["completed_on"]).dt.date),
        TRAINING_COLUMNS,
    )
    upsert_rows(session, TrainingRecord.__table__, rows)
    if scores is not None and len(scores):
        upsert_rows(session, TrainingScoreRecord.__table__, _records(scores, SCORE_COLUMNS))


def load_training(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stored training records and capability scores, as :mod:`healthgap.engage.training`
    reads them."""
    records = pd.DataFrame(
        session.execute(select(TrainingRecord.__table__)).all(), columns=list(TRAINING_COLUMNS)
    )
    records["completed_on"] = pd.to_datetime(records["completed_on"])
    scores = pd.DataFrame(
        session.execute(select(TrainingScoreRecord.__table__)).all(), columns=list(SCORE_COLUMNS)
    )
    return records, scores.astype({"score": float})


def save_staff_health(session: Session, series: pd.DataFrame) -> int:
    """Add or replace staff health figures (by organisation, month and metric), e.g. from
    :func:`healthgap.engage.staff_health_import.read_staff_health`; returns the rows written."""
    rows = _records(series, STAFF_HEALTH_COLUMNS)
    upsert_rows(session, StaffHealthRecord.__table__, rows)
    return len(rows)


def load_staff_health(
    session: Session, *, organisations: Sequence[str] | None = None
) -> pd.DataFrame:
    """Stored staff health series (:data:`~healthgap.engage.staff_health.STAFF_HEALTH_COLUMNS`),
    sorted by organisation, metric and month."""
    table = StaffHealthRecord.__table__
    query = select(*[table.c[c] for c in STAFF_HEALTH_COLUMNS]).order_by(
        table.c.organisation, table.c.metric, table.c.period
    )
    if organisations is not None:
        query = query.where(table.c.organisation.in_(list(organisations)))
    frame = pd.DataFrame(session.execute(query).all(), columns=list(STAFF_HEALTH_COLUMNS))
    return frame.astype({"numerator": float, "denominator": float, "value": float})
