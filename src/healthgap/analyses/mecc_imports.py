"""Bring MECC data in, all or nothing: the directory (organisations, teams, staff),
contact logs kept elsewhere, training records and capability
scores, staff health figures, and a lifestyle service's referrals-received file.

Every file is read and checked in full before anything is written, in one transaction
(:meth:`~healthgap.store.Database.unit_of_work`); a problem names the file, the row, the
column and the rule (:class:`~healthgap.errors.InputError`), and the CLI and the web show the
same problem table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from healthgap.engage.mecc_attribution import read_referrals_received
from healthgap.engage.mecc_files import read_contact_log, read_directory, read_training
from healthgap.engage.staff_health_import import read_staff_health
from healthgap.store import Database
from healthgap.store.mecc import (
    load_directory,
    record_contacts,
    save_directory,
    save_staff_health,
    save_training,
)
from healthgap.store.mecc_referrals import save_referrals_received

__all__ = [
    "MeccImport",
    "import_mecc_directory",
    "import_mecc_logs",
    "import_mecc_staff_health",
    "import_mecc_training",
    "import_referrals_received",
]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class MeccImport:
    """What an import wrote: ``rows`` read and written, and for logs how many were new
    (``inserted``) and how many were stored before (``duplicates``)."""

    kind: str
    rows: int
    inserted: int | None = None
    duplicates: int | None = None

    def sentence(self) -> str:
        """One line for the console or the page."""
        text = f"{self.kind}: {self.rows:,} rows imported"
        if self.inserted is not None:
            text += f" ({self.inserted:,} new, {self.duplicates:,} already stored)"
        return text


def import_mecc_directory(
    database: Database, *, organisations: PathLike, teams: PathLike, staff: PathLike
) -> MeccImport:
    """Add or update organisations, teams and staff from three CSV/XLSX files."""
    directory = read_directory(organisations, teams, staff)
    with database.unit_of_work() as session:
        save_directory(session, directory)
    rows = len(directory.organisations) + len(directory.teams) + len(directory.staff)
    return MeccImport("directory", rows)


def import_mecc_logs(
    database: Database, path: PathLike, *, today: date | None = None
) -> MeccImport:
    """Contact log entries from a file (each with its own ``client_id``, so importing a file
    twice stores it once), checked against the stored directory."""
    with database.reader() as session:
        directory = load_directory(session)
    entries = read_contact_log(path, directory=directory, today=today)
    with database.unit_of_work() as session:
        result = record_contacts(session, entries)
    return MeccImport("contact log", len(entries), result.inserted, result.duplicates)


def import_mecc_training(
    database: Database,
    records: PathLike,
    scores: PathLike | None = None,
    *,
    today: date | None = None,
) -> MeccImport:
    """Training records (and capability scores) for staff in the stored directory."""
    with database.reader() as session:
        directory = load_directory(session)
    checked_records, checked_scores = read_training(
        records, scores, directory=directory, today=today
    )
    with database.unit_of_work() as session:
        save_training(session, checked_records, checked_scores)
    return MeccImport("training", len(checked_records) + len(checked_scores))


def import_mecc_staff_health(
    database: Database,
    path: PathLike,
    *,
    layout: PathLike | Mapping[str, Any] | None = None,
) -> MeccImport:
    """Staff health figures (long or wide layout) for organisations in the directory; rates
    over 100%, gaps in monthly series, unknown organisations and metrics are problems."""
    with database.reader() as session:
        organisations = set(load_directory(session).organisations["organisation"])
    table = read_staff_health(path, organisations=organisations, layout=layout)
    with database.unit_of_work() as session:
        written = save_staff_health(session, table)
    return MeccImport("staff health", written)


def import_referrals_received(database: Database, path: PathLike) -> MeccImport:
    """A service's referrals received by day, service and area (no personal data: any other
    column is refused), for attribution to MECC."""
    received = read_referrals_received(path)
    with database.unit_of_work() as session:
        written = save_referrals_received(session, received)
    return MeccImport("referrals received", written)
