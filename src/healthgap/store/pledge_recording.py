"""Recording a pledge: once, durably, before anyone is told it is recorded.

:func:`record_pledge` takes the :class:`~healthgap.store.Database` and opens its own
transaction (``unit_of_work(immediate=True)``), because its receipt must exist only once the
pledge is committed; a caller acknowledges a pledge to the person only after it returns.

A replayed form (same idempotency key, same content) returns the first pledge's receipt
with ``replayed=True`` and stores nothing; the same key with different content is refused.
The key is unique in the table, and the insert is ``ON CONFLICT DO NOTHING``, so concurrent
replays from several threads or processes still store exactly one pledge.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from healthgap.engage.campaigns import Campaign
from healthgap.engage.pledge_followup import ReminderStatus, reminder_schedule
from healthgap.engage.pledge_moderation import PledgeStatus, initial_status
from healthgap.engage.pledge_submission import PledgeSubmission
from healthgap.errors import InputError, Problem
from healthgap.store.counters import insert_for
from healthgap.store.database import Database
from healthgap.store.pledge_tables import (
    Pledge,
    PledgeCampaign,
    PledgeContact,
    PledgeModerationEvent,
    PledgeReminder,
    PledgeSetPledge,
    as_utc,
)
from healthgap.store.pledges import campaign_row

__all__ = ["PledgeReceipt", "record_pledge"]


@dataclass(frozen=True)
class PledgeReceipt:
    """What the person is told after pledging. Exists only after the commit."""

    public_id: str
    status: PledgeStatus
    replayed: bool
    reminders_scheduled: int


_PLEDGE_COLUMNS = (
    "public_id",
    "campaign_id",
    "idempotency_key",
    "fingerprint",
    "set_pledge_id",
    "own_text",
    "theme",
    "display_name",
    "postcode_district",
    "age_band",
    "group_name",
    "audience",
    "pledger_ref",
    "status",
    "flags",
    "created_at",
)
# The statements of record_pledge, built once with bound parameters: building and compiling
# a statement costs several times more than running it, on the busiest path of a campaign.
_IDS = (
    select(PledgeCampaign.id, PledgeSetPledge.id)
    .outerjoin(
        PledgeSetPledge,
        (PledgeSetPledge.campaign_id == PledgeCampaign.id)
        & (PledgeSetPledge.code == bindparam("code")),
    )
    .where(PledgeCampaign.slug == bindparam("slug"))
)
_EVENT = insert(PledgeModerationEvent.__table__)
_CONTACT = insert(PledgeContact.__table__)
_REMINDERS = insert(PledgeReminder.__table__)


@cache
def _pledge_insert(dialect: str) -> Any:
    table = Pledge.__table__
    return (
        insert_for(dialect)(table)
        .values({name: bindparam(name) for name in _PLEDGE_COLUMNS})
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )


def _campaign_and_set_pledge_ids(
    session: Session, slug: str, code: str | None
) -> tuple[int, int | None]:
    """The campaign's row id and the catalogue pledge's row id, in one query."""
    found = session.execute(_IDS, {"slug": slug, "code": code}).first()
    if found is None:
        campaign_row(session, slug)  # raises the unknown-campaign problem
    if code is not None and found[1] is None:
        message = f"the pledge {code!r} is not in the saved catalogue of {slug!r}"
        raise InputError([Problem("campaign", None, "set_pledge", "unknown_pledge", message)])
    return int(found[0]), found[1]


def _insert_pledge(
    session: Session,
    ids: tuple[int, int | None],
    public_id: str,
    submission: PledgeSubmission,
    status: PledgeStatus,
    now: datetime,
    pledger_ref: str | None,
) -> int | None:
    values = {
        "public_id": public_id,
        "campaign_id": ids[0],
        "idempotency_key": submission.idempotency_key,
        "fingerprint": submission.fingerprint,
        "set_pledge_id": ids[1],
        "own_text": submission.text if submission.is_own_pledge else None,
        "theme": submission.theme.value,
        "display_name": submission.display_name,
        "postcode_district": submission.postcode_district,
        "age_band": submission.age_band,
        "group_name": submission.group,
        "audience": submission.audience.value,
        "pledger_ref": pledger_ref,
        "status": status.value,
        "flags": ",".join(sorted(f.value for f in submission.flags)),
        "created_at": now,
    }
    statement = _pledge_insert(session.get_bind().dialect.name)
    return session.execute(statement, values).scalar_one_or_none()


def _replay(session: Session, submission: PledgeSubmission) -> PledgeReceipt:
    first = session.scalar(
        select(Pledge).where(Pledge.idempotency_key == submission.idempotency_key)
    )
    if first is None or first.fingerprint != submission.fingerprint:
        raise InputError(
            [
                Problem(
                    "pledge form",
                    None,
                    "idempotency_key",
                    "form_already_used",
                    "This form was already sent with a different pledge. Please reload the "
                    "page to make another pledge.",
                )
            ]
        )
    reminders = session.scalar(select(func.count()).where(PledgeReminder.pledge_id == first.id))
    return PledgeReceipt(first.public_id, PledgeStatus(first.status), True, int(reminders or 0))


def record_pledge(
    database: Database,
    *,
    campaign: Campaign,
    submission: PledgeSubmission,
    now: datetime,
    pledger_ref: str | None = None,
) -> PledgeReceipt:
    """Store a pledge checked against ``campaign`` (saved under its slug) with its contact,
    reminders and first moderation event, in one transaction; return the receipt after the
    commit. A replay stores nothing and returns the first receipt."""
    now = as_utc(now)
    status = initial_status(campaign.moderation, submission.flags)
    public_id = secrets.token_urlsafe(16)
    with database.unit_of_work(immediate=True) as session:
        ids = _campaign_and_set_pledge_ids(session, campaign.slug, submission.set_pledge_code)
        pledge_id = _insert_pledge(session, ids, public_id, submission, status, now, pledger_ref)
        if pledge_id is None:
            return _replay(session, submission)
        reason = ", ".join(sorted(f.value for f in submission.flags)) or "new pledge"
        event = {
            "pledge_id": pledge_id,
            "from_status": None,
            "to_status": status.value,
            "actor": "filter" if submission.flags else "system",
            "reason": reason,
            "at": now,
        }
        session.execute(_EVENT, event)
        reminders = []
        if submission.email:
            contact = {
                "pledge_id": pledge_id,
                "email": submission.email,
                "reminders": submission.reminders,
                "reminders_consented_at": now if submission.reminders else None,
                "marketing": submission.marketing,
                "marketing_consented_at": now if submission.marketing else None,
            }
            session.execute(_CONTACT, contact)
            if submission.reminders:
                reminders = [
                    {
                        "pledge_id": pledge_id,
                        "week": week,
                        "due_at": due,
                        "attempts": 0,
                        "status": ReminderStatus.scheduled.value,
                    }
                    for week, due in reminder_schedule(now, campaign.reminder_weeks)
                ]
                session.execute(_REMINDERS, reminders)
    return PledgeReceipt(public_id, status, False, len(reminders))
