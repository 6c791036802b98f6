"""SQLAlchemy tables of pledge campaigns (schema owned by migration ``1501``).

Personal data are kept in as few places as possible, so that retention and self-service
deletion are simple deletes: email addresses and consents live only in
:class:`PledgeContact`; display names and typed group names only on :class:`Pledge`.
Every child row of a pledge is deleted with it (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from healthgap.errors import InputError
from healthgap.store.models import Base, utcnow

__all__ = [
    "Pledge",
    "PledgeCampaign",
    "PledgeCheckin",
    "PledgeContact",
    "PledgeEventCount",
    "PledgeModerationEvent",
    "PledgeReminder",
    "PledgeSetPledge",
    "as_utc",
    "read_utc",
]


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC, the only zone written to the database (SQLite keeps no offset)."""
    if moment.tzinfo is None:
        raise InputError("give times with a time zone", rule="naive_datetime")
    return moment.astimezone(UTC)


def read_utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back naive UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class PledgeCampaign(Base):
    """A campaign: its checked definition (JSON) plus the columns queries need."""

    __tablename__ = "pledge_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    place_code: Mapped[str] = mapped_column(String(9))
    definition: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    contact_data_purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    public_details_purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PledgeSetPledge(Base):
    """A catalogue pledge; kept (``retired``) when it leaves the catalogue, as pledges
    refer to it."""

    __tablename__ = "pledge_set_pledges"
    __table_args__ = (UniqueConstraint("campaign_id", "code", name="uq_set_pledges_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("pledge_campaigns.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    theme: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    duration_days: Mapped[int] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Pledge(Base):
    """One pledge. ``public_id`` (random) names it in share URLs and signed links;
    ``idempotency_key`` (unique) makes a replayed form count once."""

    __tablename__ = "pledges"
    __table_args__ = (Index("ix_pledges_campaign_status", "campaign_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("pledge_campaigns.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    set_pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledge_set_pledges.id"))
    own_text: Mapped[str | None] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str | None] = mapped_column(String(200))
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    age_band: Mapped[str | None] = mapped_column(String(16))
    group_name: Mapped[str | None] = mapped_column(String(320))
    audience: Mapped[str] = mapped_column(String(16))
    pledger_ref: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    flags: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PledgeContact(Base):
    """Email and consents of a pledge whose author asked for reminders (or news).

    Reminder consent and marketing consent are separate columns with their own times.
    """

    __tablename__ = "pledge_contacts"

    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(320))
    reminders: Mapped[bool] = mapped_column(Boolean)
    reminders_consented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    marketing: Mapped[bool] = mapped_column(Boolean)
    marketing_consented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PledgeModerationEvent(Base):
    """Every change of a pledge's status: who (a username, ``filter`` or ``system``), when
    and why."""

    __tablename__ = "pledge_moderation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PledgeReminder(Base):
    """The reminder outbox: one row per pledge and reminder week."""

    __tablename__ = "pledge_reminders"
    __table_args__ = (
        UniqueConstraint("pledge_id", "week", name="uq_pledge_reminders_week"),
        Index("ix_pledge_reminders_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(200))


class PledgeCheckin(Base):
    """The answer to a week's check-in; answering again replaces it."""

    __tablename__ = "pledge_checkins"
    __table_args__ = (UniqueConstraint("pledge_id", "week", name="uq_pledge_checkins_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PledgeEventCount(Base):
    """Page views, shares and click-throughs per campaign, day and channel (no per-person
    rows: only counts)."""

    __tablename__ = "pledge_event_counts"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("pledge_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
