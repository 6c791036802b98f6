"""Reads for the campaign pages: pledges by moderation status with their history, counts by
status, and pledges per postcode district.

Like :mod:`healthgap.store.pledges`, nothing here returns an email address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from healthgap.engage.pledge_moderation import PledgeStatus
from healthgap.store.pledge_tables import (
    Pledge,
    PledgeCheckin,
    PledgeContact,
    PledgeModerationEvent,
    PledgeSetPledge,
    read_utc,
)
from healthgap.store.pledges import PledgeView, campaign_row, views_of

__all__ = [
    "ModerationItem",
    "checkin_answer",
    "has_reminders",
    "district_pledge_counts",
    "pledges_for_moderation",
    "status_counts",
    "wall_page",
]


@dataclass(frozen=True)
class ModerationItem:
    """A pledge as a moderator sees it: what shows on the wall, why the filter held it (if it
    did), whether it has a contact address (never the address), and the last decision."""

    public_id: str
    text: str
    theme: str
    own_pledge: bool
    display_name: str | None
    group: str | None
    postcode_district: str | None
    status: PledgeStatus
    flags: tuple[str, ...]
    created_at: datetime
    has_contact: bool
    last_actor: str
    last_reason: str


def pledges_for_moderation(
    session: Session,
    *,
    campaign_slug: str,
    status: PledgeStatus,
    limit: int = 100,
    offset: int = 0,
) -> list[ModerationItem]:
    """Pledges of ``status``: pending ones oldest first (a queue), the others newest first."""
    row = campaign_row(session, campaign_slug)
    last_event = (
        select(PledgeModerationEvent.pledge_id, func.max(PledgeModerationEvent.id).label("id"))
        .group_by(PledgeModerationEvent.pledge_id)
        .subquery()
    )
    order = Pledge.id if status is PledgeStatus.pending else Pledge.id.desc()
    query = (
        select(
            Pledge,
            PledgeSetPledge.text,
            PledgeContact.pledge_id.is_not(None),
            PledgeModerationEvent.actor,
            PledgeModerationEvent.reason,
        )
        .outerjoin(PledgeSetPledge, PledgeSetPledge.id == Pledge.set_pledge_id)
        .outerjoin(PledgeContact, PledgeContact.pledge_id == Pledge.id)
        .outerjoin(last_event, last_event.c.pledge_id == Pledge.id)
        .outerjoin(PledgeModerationEvent, PledgeModerationEvent.id == last_event.c.id)
        .where(Pledge.campaign_id == row.id, Pledge.status == status.value)
        .order_by(order)
        .limit(limit)
        .offset(offset)
    )
    items = []
    for pledge, set_text, has_contact, actor, reason in session.execute(query):
        own = pledge.own_text is not None
        items.append(
            ModerationItem(
                public_id=pledge.public_id,
                text=pledge.own_text if own else (set_text or ""),
                theme=pledge.theme,
                own_pledge=own,
                display_name=pledge.display_name,
                group=pledge.group_name,
                postcode_district=pledge.postcode_district,
                status=PledgeStatus(pledge.status),
                flags=tuple(f for f in (pledge.flags or "").split(",") if f),
                created_at=read_utc(pledge.created_at) or pledge.created_at,
                has_contact=bool(has_contact),
                last_actor=actor or "",
                last_reason=reason or "",
            )
        )
    return items


def status_counts(session: Session, *, campaign_slug: str) -> dict[PledgeStatus, int]:
    """How many pledges of the campaign are in each moderation status."""
    row = campaign_row(session, campaign_slug)
    found = dict(
        session.execute(
            select(Pledge.status, func.count())
            .where(Pledge.campaign_id == row.id)
            .group_by(Pledge.status)
        ).all()
    )
    return {status: int(found.get(status.value, 0)) for status in PledgeStatus}


def district_pledge_counts(session: Session, *, campaign_slug: str) -> pd.DataFrame:
    """``postcode_district``, ``statistic`` ("pledges"), ``count`` of pledges not rejected,
    counted in the database (the table behind the public map, before disclosure control;
    the same numbers as :func:`healthgap.engage.district_counts` of the pledge export)."""
    row = campaign_row(session, campaign_slug)
    rows = session.execute(
        select(Pledge.postcode_district, func.count())
        .where(
            Pledge.campaign_id == row.id,
            Pledge.status != PledgeStatus.rejected.value,
            Pledge.postcode_district.is_not(None),
        )
        .group_by(Pledge.postcode_district)
        .order_by(Pledge.postcode_district)
    ).all()
    frame = pd.DataFrame(rows, columns=["postcode_district", "count"])
    frame.insert(1, "statistic", "pledges")
    frame["count"] = frame["count"].astype("int64")
    return frame


def wall_page(
    session: Session, *, campaign_slug: str, limit: int = 30, offset: int = 0
) -> list[PledgeView]:
    """Published pledges, newest first, ``limit`` of them after the first ``offset``."""
    row = campaign_row(session, campaign_slug)
    pledges = list(
        session.scalars(
            select(Pledge)
            .where(Pledge.campaign_id == row.id, Pledge.status == PledgeStatus.published.value)
            .order_by(Pledge.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    return views_of(session, pledges, campaign_slug)


def checkin_answer(session: Session, *, public_id: str, week: int) -> str | None:
    """The outcome already given for ``week`` (``kept``, ``partly``, ``not_yet``), if any."""
    return session.scalar(
        select(PledgeCheckin.outcome)
        .join(Pledge, Pledge.id == PledgeCheckin.pledge_id)
        .where(Pledge.public_id == public_id, PledgeCheckin.week == int(week))
    )


def has_reminders(session: Session, *, public_id: str) -> bool:
    """Whether the pledge still has an address that gets reminders (never the address)."""
    found = session.scalar(
        select(PledgeContact.reminders)
        .join(Pledge, Pledge.id == PledgeContact.pledge_id)
        .where(Pledge.public_id == public_id)
    )
    return bool(found)
