"""Follow-up storage: the reminder outbox, check-ins, unsubscribing, and event counters.

The outbox is the ``pledge_reminders`` table. :func:`send_due_reminders` claims due rows
(status ``scheduled`` → ``sending``, with ``UPDATE ... RETURNING`` so that two workers never
claim the same row), sends each message outside any transaction, then marks it ``sent`` or,
after a failure, back to ``scheduled`` until ``max_attempts`` (then ``failed``). A worker
that dies mid-send leaves ``sending`` rows that are claimed again after ``stale_after``: a
reminder may, rarely, arrive twice; it is never silently lost. Errors are recorded by type
only, since mail-server messages can quote addresses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from healthgap.engage.pledge_analysis import EVENT_KINDS
from healthgap.engage.pledge_followup import CheckinOutcome, ReminderStatus
from healthgap.engage.pledge_mail import MailSender, ReminderLinks, reminder_message
from healthgap.engage.pledge_moderation import PledgeStatus
from healthgap.errors import InputError, Problem
from healthgap.store.counters import dialect_insert, upsert_increment
from healthgap.store.database import Database
from healthgap.store.pledge_tables import (
    Pledge,
    PledgeCampaign,
    PledgeCheckin,
    PledgeContact,
    PledgeEventCount,
    PledgeReminder,
    PledgeSetPledge,
    as_utc,
)

__all__ = [
    "DueReminder",
    "SendReport",
    "checkin_frame",
    "claim_due_reminders",
    "count_event",
    "event_frame",
    "mark_reminder_failed",
    "mark_reminder_sent",
    "record_checkin",
    "reminders_sent_frame",
    "send_due_reminders",
    "unsubscribe",
]

_CHANNEL = re.compile(r"^[a-z0-9_-]{0,32}$")


@dataclass(frozen=True)
class DueReminder:
    """A claimed reminder with what its message needs."""

    reminder_id: int
    public_id: str
    week: int
    email: str
    pledge_text: str
    campaign_title: str


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int


def claim_due_reminders(
    session: Session,
    *,
    now: datetime,
    limit: int = 100,
    stale_after: timedelta = timedelta(minutes=30),
) -> list[DueReminder]:
    """Mark up to ``limit`` due reminders as being sent by this worker and return them.
    Reminders of rejected pledges, and of contacts without reminder consent, are skipped."""
    now = as_utc(now)
    claimable = or_(
        and_(
            PledgeReminder.status == ReminderStatus.scheduled.value,
            PledgeReminder.due_at <= now,
        ),
        and_(
            PledgeReminder.status == ReminderStatus.sending.value,
            PledgeReminder.claimed_at < now - stale_after,
        ),
    )
    candidates = (
        select(PledgeReminder.id)
        .join(Pledge, Pledge.id == PledgeReminder.pledge_id)
        .join(PledgeContact, PledgeContact.pledge_id == Pledge.id)
        .where(claimable, Pledge.status != PledgeStatus.rejected.value, PledgeContact.reminders)
        .order_by(PledgeReminder.due_at)
        .limit(limit)
    )
    ids = list(session.scalars(candidates))
    if not ids:
        return []
    claimed = list(
        session.scalars(
            update(PledgeReminder)
            .where(PledgeReminder.id.in_(ids), claimable)
            .values(
                status=ReminderStatus.sending.value,
                claimed_at=now,
                attempts=PledgeReminder.attempts + 1,
            )
            .returning(PledgeReminder.id)
        )
    )
    rows = session.execute(
        select(
            PledgeReminder.id, Pledge.public_id, PledgeReminder.week, PledgeContact.email,
            Pledge.own_text, PledgeSetPledge.text, PledgeCampaign.title,
        )
        .join(Pledge, Pledge.id == PledgeReminder.pledge_id)
        .join(PledgeContact, PledgeContact.pledge_id == Pledge.id)
        .join(PledgeCampaign, PledgeCampaign.id == Pledge.campaign_id)
        .outerjoin(PledgeSetPledge, PledgeSetPledge.id == Pledge.set_pledge_id)
        .where(PledgeReminder.id.in_(claimed))
        .order_by(PledgeReminder.id)
    ).all()  # fmt: skip
    return [
        DueReminder(r[0], r[1], r[2], r[3], r[4] if r[4] is not None else (r[5] or ""), r[6])
        for r in rows
    ]


def mark_reminder_sent(session: Session, *, reminder_id: int, now: datetime) -> None:
    session.execute(
        update(PledgeReminder)
        .where(PledgeReminder.id == reminder_id)
        .values(status=ReminderStatus.sent.value, sent_at=as_utc(now), last_error=None)
    )


def mark_reminder_failed(
    session: Session, *, reminder_id: int, error: BaseException, max_attempts: int = 3
) -> None:
    """Put a reminder back in the queue, or give up after ``max_attempts``."""
    reminder = session.get(PledgeReminder, reminder_id)
    if reminder is None:  # the pledge was deleted while its reminder was out
        return
    give_up = reminder.attempts >= max_attempts
    reminder.status = (ReminderStatus.failed if give_up else ReminderStatus.scheduled).value
    reminder.last_error = type(error).__name__[:200]


def send_due_reminders(
    database: Database,
    *,
    sender: MailSender,
    links: Callable[[str, int], ReminderLinks],
    from_address: str,
    now: datetime,
    limit: int = 100,
    max_attempts: int = 3,
) -> SendReport:
    """Claim due reminders, send them through ``sender`` and record the outcome of each.

    ``links(public_id, week)`` builds the absolute check-in, unsubscribe and delete URLs
    (the web layer signs them with :class:`~healthgap.engage.PledgeTokens`).
    """
    with database.unit_of_work() as session:
        due = claim_due_reminders(session, now=now, limit=limit)
    sent = failed = 0
    for reminder in due:
        message = reminder_message(
            campaign_title=reminder.campaign_title,
            pledge_text=reminder.pledge_text,
            week=reminder.week,
            links=links(reminder.public_id, reminder.week),
            to=reminder.email,
            sender=from_address,
        )
        try:
            sender.send(message)
        except Exception as exc:  # noqa: BLE001 - any sender failure is recorded and retried
            with database.unit_of_work() as session:
                mark_reminder_failed(
                    session, reminder_id=reminder.reminder_id, error=exc, max_attempts=max_attempts
                )
            failed += 1
            continue
        with database.unit_of_work() as session:
            mark_reminder_sent(session, reminder_id=reminder.reminder_id, now=now)
        sent += 1
    return SendReport(sent=sent, failed=failed)


def _pledge(session: Session, public_id: str) -> Pledge:
    pledge = session.scalar(select(Pledge).where(Pledge.public_id == public_id))
    if pledge is None:
        raise InputError(
            [
                Problem(
                    "link", None, "token", "pledge_gone",
                    "We no longer hold this pledge: it was deleted.",
                )
            ]
        )  # fmt: skip
    return pledge


def record_checkin(
    session: Session, *, public_id: str, week: int, outcome: CheckinOutcome, now: datetime
) -> None:
    """Store (or replace) the answer for ``week``."""
    pledge = _pledge(session, public_id)
    table = PledgeCheckin.__table__
    statement = dialect_insert(session, table).values(
        pledge_id=pledge.id, week=int(week), outcome=outcome.value, answered_at=as_utc(now)
    )
    statement = statement.on_conflict_do_update(
        index_elements=["pledge_id", "week"],
        set_={"outcome": outcome.value, "answered_at": as_utc(now)},
    )
    session.execute(statement)


def unsubscribe(session: Session, *, public_id: str) -> bool:
    """Stop reminders for a pledge (one click). The email address is deleted too unless the
    person separately agreed to news. False when there was nothing to stop."""
    pledge = _pledge(session, public_id)
    contact = session.get(PledgeContact, pledge.id)
    cancelled = session.execute(
        update(PledgeReminder)
        .where(
            PledgeReminder.pledge_id == pledge.id,
            PledgeReminder.status.in_(
                [ReminderStatus.scheduled.value, ReminderStatus.sending.value]
            ),
        )
        .values(status=ReminderStatus.cancelled.value)
    ).rowcount
    if contact is None or not contact.reminders:
        return bool(cancelled)
    if contact.marketing:
        contact.reminders, contact.reminders_consented_at = False, None
    else:
        session.delete(contact)
    return True


def _campaign_id(session: Session, slug: str) -> int:
    found = session.scalar(select(PledgeCampaign.id).where(PledgeCampaign.slug == slug))
    if found is None:
        raise InputError(
            [Problem("campaign", None, "slug", "unknown_campaign", f"no campaign {slug!r}")]
        )
    return int(found)


def count_event(
    session: Session, *, campaign_slug: str, kind: str, day: date, channel: str = ""
) -> int:
    """Add one page view, share or click-through; returns the day's new count."""
    if kind not in EVENT_KINDS or not _CHANNEL.match(channel):
        raise InputError(
            f"event kind must be one of {', '.join(EVENT_KINDS)} and the channel up to 32 "
            "lower-case letters, digits, - or _",
            rule="bad_event",
        )
    key = {"campaign_id": _campaign_id(session, campaign_slug), "day": day, "kind": kind,
           "channel": channel}  # fmt: skip
    return upsert_increment(session, PledgeEventCount.__table__, key)


def event_frame(session: Session, *, campaign_slug: str) -> pd.DataFrame:
    """``day``, ``kind``, ``channel``, ``count`` of the campaign's counted events."""
    rows = session.execute(
        select(PledgeEventCount.day, PledgeEventCount.kind, PledgeEventCount.channel,
               PledgeEventCount.count)
        .where(PledgeEventCount.campaign_id == _campaign_id(session, campaign_slug))
        .order_by(PledgeEventCount.day, PledgeEventCount.kind, PledgeEventCount.channel)
    ).all()  # fmt: skip
    return pd.DataFrame(rows, columns=["day", "kind", "channel", "count"])


def checkin_frame(session: Session, *, campaign_slug: str) -> pd.DataFrame:
    """``pledge_id``, ``week``, ``outcome``, ``theme`` of every check-in answer."""
    rows = session.execute(
        select(PledgeCheckin.pledge_id, PledgeCheckin.week, PledgeCheckin.outcome, Pledge.theme)
        .join(Pledge, Pledge.id == PledgeCheckin.pledge_id)
        .where(Pledge.campaign_id == _campaign_id(session, campaign_slug))
        .order_by(PledgeCheckin.pledge_id, PledgeCheckin.week)
    ).all()
    return pd.DataFrame(rows, columns=["pledge_id", "week", "outcome", "theme"])


def reminders_sent_frame(session: Session, *, campaign_slug: str) -> pd.DataFrame:
    """``pledge_id``, ``week`` of every reminder sent (kept until contact data retention)."""
    rows = session.execute(
        select(PledgeReminder.pledge_id, PledgeReminder.week)
        .join(Pledge, Pledge.id == PledgeReminder.pledge_id)
        .where(
            Pledge.campaign_id == _campaign_id(session, campaign_slug),
            PledgeReminder.status == ReminderStatus.sent.value,
        )
        .order_by(PledgeReminder.pledge_id, PledgeReminder.week)
    ).all()
    return pd.DataFrame(rows, columns=["pledge_id", "week"])
