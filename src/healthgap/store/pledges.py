"""Storing campaigns and pledges: save, record (idempotently), show, moderate, delete, export.

Session functions take the session of a :meth:`Database.unit_of_work` (writes) or
:meth:`Database.reader` (reads) by keyword, like the rest of :mod:`healthgap.store`.
:func:`record_pledge` is the exception: it takes the :class:`Database` and opens its own
transaction, because its receipt must exist only once the pledge is committed; a caller
acknowledges a pledge to the person only after it returns.

A replayed form (same idempotency key, same content) returns the first pledge's receipt
with ``replayed=True`` and stores nothing; the same key with different content is refused.
The key is unique in the table, and the insert is ``ON CONFLICT DO NOTHING``, so concurrent
replays from several threads or processes still store exactly one pledge.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from healthgap.engage.campaigns import Campaign, campaign_from_mapping, campaign_to_mapping
from healthgap.engage.pledge_followup import ReminderStatus, reminder_schedule
from healthgap.engage.pledge_moderation import PledgeStatus, check_transition, initial_status
from healthgap.engage.pledge_submission import PledgeSubmission
from healthgap.errors import InputError, Problem
from healthgap.store.counters import dialect_insert
from healthgap.store.database import Database
from healthgap.store.models import utcnow
from healthgap.store.pledge_tables import (
    Pledge,
    PledgeCampaign,
    PledgeContact,
    PledgeModerationEvent,
    PledgeReminder,
    PledgeSetPledge,
    as_utc,
    read_utc,
)

__all__ = [
    "PledgeReceipt",
    "PledgeView",
    "delete_pledge",
    "get_campaign",
    "list_campaigns",
    "live_count",
    "moderate",
    "moderation_queue",
    "pledge_view",
    "pledge_wall",
    "record_pledge",
    "save_campaign",
]


@dataclass(frozen=True)
class PledgeReceipt:
    """What the person is told after pledging. Exists only after the commit."""

    public_id: str
    status: PledgeStatus
    replayed: bool
    reminders_scheduled: int


@dataclass(frozen=True)
class PledgeView:
    """A pledge as pages show it: never the email address."""

    public_id: str
    campaign_slug: str
    text: str
    theme: str
    display_name: str | None
    group: str | None
    postcode_district: str | None
    status: PledgeStatus
    created_at: datetime


def campaign_row(session: Session, slug: str) -> PledgeCampaign:
    row = session.scalar(select(PledgeCampaign).where(PledgeCampaign.slug == slug))
    if row is None:
        raise InputError(
            [Problem("campaign", None, "slug", "unknown_campaign", f"no campaign {slug!r}")]
        )
    return row


def save_campaign(session: Session, *, campaign: Campaign) -> PledgeCampaign:
    """Create the campaign or update the one with the same slug, syncing its catalogue:
    set pledges are matched by code, and those no longer listed are retired, not deleted."""
    row = session.scalar(select(PledgeCampaign).where(PledgeCampaign.slug == campaign.slug))
    if row is None:
        row = PledgeCampaign(slug=campaign.slug)
        session.add(row)
    row.title, row.place_code = campaign.title, campaign.place_code
    row.starts_on, row.ends_on = campaign.starts_on, campaign.ends_on
    row.definition = campaign_to_mapping(campaign)
    row.updated_at = utcnow()
    session.flush()
    existing = {
        p.code: p
        for p in session.scalars(
            select(PledgeSetPledge).where(PledgeSetPledge.campaign_id == row.id)
        )
    }
    for item in campaign.set_pledges:
        stored = existing.pop(item.code, None) or PledgeSetPledge(
            campaign_id=row.id, code=item.code
        )
        stored.theme, stored.text = item.theme.value, item.text
        stored.duration_days, stored.retired = item.duration_days, False
        session.add(stored)
    for retired in existing.values():
        retired.retired = True
    session.flush()
    return row


def get_campaign(session: Session, *, slug: str) -> Campaign:
    """The checked campaign definition stored under ``slug``."""
    return campaign_from_mapping(campaign_row(session, slug).definition, source=slug)


def list_campaigns(session: Session) -> list[PledgeCampaign]:
    return list(session.scalars(select(PledgeCampaign).order_by(PledgeCampaign.starts_on)))


def _campaign_and_set_pledge_ids(
    session: Session, slug: str, code: str | None
) -> tuple[int, int | None]:
    """The campaign's row id and the catalogue pledge's row id, in one query."""
    query = select(PledgeCampaign.id, PledgeSetPledge.id).outerjoin(
        PledgeSetPledge,
        (PledgeSetPledge.campaign_id == PledgeCampaign.id) & (PledgeSetPledge.code == code),
    )
    found = session.execute(query.where(PledgeCampaign.slug == slug)).first()
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
    table = Pledge.__table__
    statement = (
        dialect_insert(session, table)
        .values(
            public_id=public_id,
            campaign_id=ids[0],
            idempotency_key=submission.idempotency_key,
            fingerprint=submission.fingerprint,
            set_pledge_id=ids[1],
            own_text=submission.text if submission.is_own_pledge else None,
            theme=submission.theme.value,
            display_name=submission.display_name,
            postcode_district=submission.postcode_district,
            age_band=submission.age_band,
            group_name=submission.group,
            audience=submission.audience.value,
            pledger_ref=pledger_ref,
            status=status.value,
            flags=",".join(sorted(f.value for f in submission.flags)),
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )
    return session.execute(statement).scalar_one_or_none()


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
    with database.unit_of_work() as session:
        ids = _campaign_and_set_pledge_ids(session, campaign.slug, submission.set_pledge_code)
        pledge_id = _insert_pledge(session, ids, public_id, submission, status, now, pledger_ref)
        if pledge_id is None:
            return _replay(session, submission)
        reason = ", ".join(sorted(f.value for f in submission.flags)) or "new pledge"
        session.execute(
            insert(PledgeModerationEvent).values(
                pledge_id=pledge_id, from_status=None, to_status=status.value,
                actor="filter" if submission.flags else "system", reason=reason, at=now,
            )
        )  # fmt: skip
        reminders = []
        if submission.email:
            session.execute(
                insert(PledgeContact).values(
                    pledge_id=pledge_id,
                    email=submission.email,
                    reminders=submission.reminders,
                    reminders_consented_at=now if submission.reminders else None,
                    marketing=submission.marketing,
                    marketing_consented_at=now if submission.marketing else None,
                )
            )
            if submission.reminders:
                reminders = [
                    {"pledge_id": pledge_id, "week": week, "due_at": due, "attempts": 0,
                     "status": ReminderStatus.scheduled.value}
                    for week, due in reminder_schedule(now, campaign.reminder_weeks)
                ]  # fmt: skip
                session.execute(insert(PledgeReminder), reminders)
    return PledgeReceipt(public_id, status, False, len(reminders))


def _text_of(pledge: Pledge, set_texts: dict[int, str]) -> str:
    if pledge.own_text is not None:
        return pledge.own_text
    return set_texts.get(pledge.set_pledge_id or -1, "")


def _views(session: Session, pledges: list[Pledge], slug: str) -> list[PledgeView]:
    ids = {p.set_pledge_id for p in pledges if p.set_pledge_id is not None}
    set_texts = dict(
        session.execute(select(PledgeSetPledge.id, PledgeSetPledge.text).where(
            PledgeSetPledge.id.in_(ids)
        )).all()
    ) if ids else {}  # fmt: skip
    return [
        PledgeView(
            public_id=p.public_id,
            campaign_slug=slug,
            text=_text_of(p, set_texts),
            theme=p.theme,
            display_name=p.display_name,
            group=p.group_name,
            postcode_district=p.postcode_district,
            status=PledgeStatus(p.status),
            created_at=read_utc(p.created_at) or p.created_at,
        )
        for p in pledges
    ]


def pledge_view(session: Session, *, public_id: str) -> PledgeView | None:
    """One pledge by its public id (any status; pages show only published ones)."""
    pledge = session.scalar(select(Pledge).where(Pledge.public_id == public_id))
    if pledge is None:
        return None
    slug = session.scalar(
        select(PledgeCampaign.slug).where(PledgeCampaign.id == pledge.campaign_id)
    )
    return _views(session, [pledge], str(slug))[0]


def pledge_wall(
    session: Session, *, campaign_slug: str, limit: int = 50, before_id: int | None = None
) -> list[PledgeView]:
    """Published pledges, newest first (``before_id`` pages back)."""
    row = campaign_row(session, campaign_slug)
    query = select(Pledge).where(
        Pledge.campaign_id == row.id, Pledge.status == PledgeStatus.published.value
    )
    if before_id is not None:
        query = query.where(Pledge.id < before_id)
    pledges = list(session.scalars(query.order_by(Pledge.id.desc()).limit(limit)))
    return _views(session, pledges, campaign_slug)


def live_count(session: Session, *, campaign_slug: str) -> int:
    """Pledges made so far and not rejected (the public counter)."""
    row = campaign_row(session, campaign_slug)
    return int(
        session.scalar(
            select(func.count()).where(
                Pledge.campaign_id == row.id, Pledge.status != PledgeStatus.rejected.value
            )
        )
        or 0
    )


def moderation_queue(session: Session, *, campaign_slug: str) -> list[PledgeView]:
    """Pending pledges, oldest first."""
    row = campaign_row(session, campaign_slug)
    pledges = list(
        session.scalars(
            select(Pledge)
            .where(Pledge.campaign_id == row.id, Pledge.status == PledgeStatus.pending.value)
            .order_by(Pledge.id)
        )
    )
    return _views(session, pledges, campaign_slug)


def moderate(
    session: Session,
    *,
    public_id: str,
    status: PledgeStatus,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> PledgeView:
    """Move a pledge to ``status`` (see :func:`~healthgap.engage.check_transition`) and
    record who did it and why."""
    pledge = session.scalar(select(Pledge).where(Pledge.public_id == public_id))
    if pledge is None:
        raise InputError(
            [Problem("moderation", None, "pledge", "unknown_pledge", "no such pledge")]
        )
    current = PledgeStatus(pledge.status)
    check_transition(current, status)
    pledge.status = status.value
    session.add(
        PledgeModerationEvent(
            pledge_id=pledge.id, from_status=current.value, to_status=status.value,
            actor=actor[:64], reason=reason[:300], at=as_utc(now) if now else utcnow(),
        )
    )  # fmt: skip
    session.flush()
    slug = session.scalar(
        select(PledgeCampaign.slug).where(PledgeCampaign.id == pledge.campaign_id)
    )
    return _views(session, [pledge], str(slug))[0]


def delete_pledge(session: Session, *, public_id: str) -> bool:
    """Delete a pledge and everything hanging off it (self-service delete). False when it
    was already gone."""
    result = session.execute(delete(Pledge).where(Pledge.public_id == public_id))
    return bool(result.rowcount)
