"""Load the SYNTHETIC MECC demo into the web database, once: five made-up organisations, a
year of contact logs, training with capability scores, staff health figures and the
referrals lifestyle services received, so every MECC page works out of the box.

The demo year is the 52 whole weeks (Monday to Sunday) before the week of ``today``, so the
dashboards' default period (the 52 whole weeks up to the latest entry, the week in progress
left out) shows exactly it; an entry logged today lands in the week after it. Loading again
(a restart) finds the demo's organisations and writes nothing; the tables are made by
:func:`healthgap.datasets.mecc.generate_mecc_demo`, the same for the same seed and dates,
and every row goes through the same checks as a sync.

>>> from healthgap.store import Database
>>> db = Database("sqlite://")
>>> first = load_mecc_demo(db, today=date(2025, 4, 2), scale=0.05, weeks=4)
>>> again = load_mecc_demo(db, today=date(2025, 4, 2), scale=0.05, weeks=4)
>>> first.loaded, again.loaded, first.start, first.end
(True, False, datetime.date(2025, 3, 3), datetime.date(2025, 3, 30))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from healthgap.datasets.mecc import MECC_DEFAULT_SEED, MeccDemo, generate_mecc_demo
from healthgap.engage.mecc import entries_from_frame
from healthgap.store import Database, User, create_user
from healthgap.store.mecc import (
    link_staff_user,
    record_contacts,
    save_directory,
    save_staff_health,
    save_training,
)
from healthgap.store.mecc_models import ContactRecord, OrganisationRecord
from healthgap.store.mecc_referrals import save_referrals_received

__all__ = [
    "DEMO_STAFF_ID",
    "MeccDemoLoad",
    "demo_dates",
    "ensure_demo_staff_login",
    "load_mecc_demo",
    "store_demo",
]

#: The demo member of staff the demo's staff login logs for.
DEMO_STAFF_ID = "acute-0001"


@dataclass(frozen=True)
class MeccDemoLoad:
    """What loading did: ``loaded`` False when the demo was already there."""

    loaded: bool
    start: date
    end: date
    contacts: int
    seed: int


def demo_dates(today: date, weeks: int = 52) -> tuple[date, date]:
    """The demo's first Monday and last Sunday: ``weeks`` whole weeks before ``today``'s."""
    end = today - timedelta(days=today.weekday() + 1)
    return end - timedelta(days=7 * weeks - 1), end


def _stored_demo(database: Database) -> tuple[date, date, int] | None:
    with database.reader() as session:
        orgs = select(OrganisationRecord.organisation).where(OrganisationRecord.synthetic)
        if session.scalar(select(func.count()).select_from(orgs.subquery())) == 0:
            return None
        span = session.execute(
            select(
                func.min(ContactRecord.contact_date),
                func.max(ContactRecord.contact_date),
                func.count(),
            ).where(ContactRecord.organisation.in_(orgs))
        ).one()
    return span[0], span[1], int(span[2])


def load_mecc_demo(
    database: Database,
    *,
    today: date | None = None,
    seed: int = MECC_DEFAULT_SEED,
    weeks: int = 52,
    scale: float = 1.0,
) -> MeccDemoLoad:
    """Generate and store the SYNTHETIC MECC demo unless its organisations are stored
    already (then nothing is written); one transaction, all or nothing."""
    stored = _stored_demo(database)
    if stored is not None:
        start, end, contacts = stored
        return MeccDemoLoad(False, start, end, contacts, seed)
    start, end = demo_dates(today or date.today(), weeks)
    demo = generate_mecc_demo(seed, start=start, weeks=weeks, scale=scale)
    store_demo(database, demo)
    return MeccDemoLoad(True, demo.start, demo.end, len(demo.logs), seed)


def store_demo(database: Database, demo: MeccDemo) -> None:
    """Write every table of a generated demo (checked as a sync would be), marked SYNTHETIC."""
    entries = entries_from_frame(demo.logs, today=demo.end, directory=demo.directory)
    with database.unit_of_work() as session:
        save_directory(session, demo.directory, synthetic=True)
        record_contacts(session, entries)
        save_training(session, demo.training, demo.scores)
        save_staff_health(session, demo.staff_health)
        save_referrals_received(session, demo.referrals_received)


def ensure_demo_staff_login(database: Database, *, username: str, password: str) -> bool:
    """Create login ``username`` with the staff role, linked to the demo's member of staff
    :data:`DEMO_STAFF_ID`, unless it exists; True when it was created."""
    with database.unit_of_work() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            return False
        user = create_user(session, username=username, password=password, role="staff")
        link_staff_user(session, staff_id=DEMO_STAFF_ID, user_id=user.id)
    return True
