"""What the MECC use cases read: a snapshot of the stored MECC tables, for some organisations.

MECC lives in the web database (contact logs arrive from phones), so its use cases take a
:class:`~healthgap.store.Database` rather than a workspace. :func:`read_mecc` loads the
directory, logs, training, staff health and the referrals services received in one read
transaction; :func:`resolve_period` turns optional dates into the period a dashboard covers.

>>> from datetime import date
>>> resolve_period(None, None, latest=date(2025, 3, 30))
(datetime.date(2024, 4, 1), datetime.date(2025, 3, 30))
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select

from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_vocabulary import MeccVocabulary, load_vocabulary
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import Provenance
from healthgap.store import Database
from healthgap.store.mecc import (
    is_synthetic,
    list_contacts,
    load_directory,
    load_staff_health,
    load_training,
)
from healthgap.store.mecc_models import (
    ContactRecord,
    OrganisationRecord,
    ReferralReceivedRecord,
    StaffHealthRecord,
    StaffRecord,
    TrainingRecord,
    TrainingScoreRecord,
)
from healthgap.store.mecc_referrals import load_referrals_received

__all__ = [
    "DEFAULT_WEEKS",
    "MeccData",
    "data_version",
    "organisation_names",
    "read_mecc",
    "resolve_period",
]

#: A dashboard's default span: 52 weeks, Monday to Sunday, ending with the latest entry's week.
DEFAULT_WEEKS = 52


@dataclass(frozen=True)
class MeccData:
    """The stored MECC tables of the chosen organisations (all when none were chosen)."""

    directory: MeccDirectory
    logs: pd.DataFrame
    training: pd.DataFrame
    scores: pd.DataFrame
    staff_health: pd.DataFrame
    received: pd.DataFrame
    organisations: tuple[str, ...]
    synthetic: bool
    vocabulary: MeccVocabulary

    @property
    def names(self) -> dict[str, str]:
        """Organisation code -> name."""
        orgs = self.directory.organisations
        return dict(zip(orgs["organisation"], orgs["name"], strict=True))

    @property
    def areas(self) -> dict[str, str]:
        """Organisation code -> area code (what attribution matches on)."""
        orgs = self.directory.organisations
        return dict(zip(orgs["organisation"], orgs["area_code"], strict=True))

    def latest_date(self) -> date | None:
        """The latest contact date logged, or None when nothing is."""
        if self.logs.empty:
            return None
        return pd.Timestamp(self.logs["contact_date"].max()).date()

    def provenance(self, *methods: str) -> Provenance:
        """Provenance of a MECC result: the database, a content hash of each table read."""
        hashes = {
            name: hashlib.sha256(
                pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
            ).hexdigest()
            for name, frame in (
                ("mecc_contacts", self.logs),
                ("mecc_staff", self.directory.staff),
                ("mecc_training", self.training),
                ("mecc_staff_health", self.staff_health),
                ("mecc_referrals_received", self.received),
            )
            if len(frame)
        }
        return Provenance(
            source="web database (MECC)",
            hashes=hashes,
            methods=tuple(m for m in methods if m),
            synthetic=self.synthetic,
        )


def _known(directory: MeccDirectory, organisations: Sequence[str]) -> tuple[str, ...]:
    known = set(directory.organisations["organisation"])
    unknown = [o for o in organisations if o not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    "<choice>",
                    None,
                    "organisation",
                    "unknown_organisation",
                    f"{code!r} is not a registered organisation; choose from "
                    f"{', '.join(sorted(known)) or 'none (import the directory first)'}",
                )
                for code in unknown
            ]
        )
    return tuple(dict.fromkeys(organisations))


def read_mecc(database: Database, *, organisations: Sequence[str] | None = None) -> MeccData:
    """Every stored MECC table, restricted to ``organisations`` (codes) when given; an unknown
    code is an InputError (rule ``unknown_organisation``)."""
    with database.reader() as session:
        directory = load_directory(session)
        chosen = _known(directory, organisations) if organisations else None
        logs = list_contacts(session, organisations=chosen)
        training, scores = load_training(session)
        health = load_staff_health(session, organisations=chosen)
        received = load_referrals_received(session)
        synthetic = is_synthetic(session, chosen)
    if chosen is not None:
        keep = directory.staff["organisation"].isin(chosen)
        directory = replace(
            directory,
            organisations=directory.organisations[
                directory.organisations["organisation"].isin(chosen)
            ].reset_index(drop=True),
            teams=directory.teams[directory.teams["organisation"].isin(chosen)].reset_index(
                drop=True
            ),
            staff=directory.staff[keep].reset_index(drop=True),
        )
        staff = set(directory.staff["staff_id"])
        training = training[training["staff_id"].isin(staff)].reset_index(drop=True)
        scores = scores[scores["staff_id"].isin(staff)].reset_index(drop=True)
        areas = set(directory.organisations["area_code"])
        received = received[received["area_code"].isin(areas)].reset_index(drop=True)
    return MeccData(
        directory=directory,
        logs=logs,
        training=training,
        scores=scores,
        staff_health=health,
        received=received,
        organisations=tuple(directory.organisations["organisation"]),
        synthetic=synthetic,
        vocabulary=load_vocabulary(),
    )


def organisation_names(database: Database) -> dict[str, str]:
    """Every registered organisation: code -> name, by name (for a page's choice of
    organisation)."""
    with database.reader() as session:
        rows = session.execute(
            select(OrganisationRecord.organisation, OrganisationRecord.name).order_by(
                OrganisationRecord.name
            )
        ).all()
    return {str(code): str(name) for code, name in rows}


def data_version(database: Database) -> tuple[int, ...]:
    """A cheap fingerprint of the stored MECC tables (rows of each, and the highest contact
    id), so a cache of dashboards knows when entries or imports arrived."""
    tables = (
        OrganisationRecord,
        StaffRecord,
        TrainingRecord,
        TrainingScoreRecord,
        StaffHealthRecord,
        ReferralReceivedRecord,
    )
    counts = [select(func.count()).select_from(t).scalar_subquery() for t in tables]
    query = select(func.count(), func.max(ContactRecord.id), *counts).select_from(ContactRecord)
    with database.reader() as session:
        row = session.execute(query).one()
    return tuple(int(value or 0) for value in row)


def resolve_period(
    start: date | None,
    end: date | None,
    *,
    latest: date | None,
    weeks: int = DEFAULT_WEEKS,
    today: date | None = None,
) -> tuple[date, date]:
    """The dates a dashboard covers: those given, else ``weeks`` whole weeks (Monday to
    Sunday) ending with the week of ``latest`` (the latest entry), or with last week when
    that is earlier: the week in progress is left out by default, because its few days would
    read as a fall on a weekly run chart. A start after the end is an InputError (rule
    ``bad_period``).

    >>> resolve_period(None, None, latest=date(2026, 12, 2), today=date(2026, 12, 3))
    (datetime.date(2025, 12, 1), datetime.date(2026, 11, 29))
    """
    today = today or date.today()
    last_whole_week_ends = today - timedelta(days=today.weekday() + 1)
    anchor = min(latest, last_whole_week_ends) if latest else last_whole_week_ends
    if end is None:
        end = anchor + timedelta(days=6 - anchor.weekday())
    if start is None:
        start = end - timedelta(days=7 * weeks - 1)
    if start > end:
        raise InputError(
            [
                Problem(
                    "<choice>",
                    None,
                    "start",
                    "bad_period",
                    f"the start {start.isoformat()} is after the end {end.isoformat()}",
                )
            ]
        )
    return start, end
