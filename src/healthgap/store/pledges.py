"""Storing campaigns and pledges: save, show, moderate, delete.

Session functions take the session of a :meth:`Database.unit_of_work` (writes) or
:meth:`Database.reader` (reads) by keyword, like the rest of :mod:`healthgap.store`.
Recording a pledge is :mod:`healthgap.store.pledge_recording`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from healthgap.engage.campaigns import Campaign, campaign_from_mapping, campaign_to_mapping
from healthgap.engage.pledge_moderation import PledgeStatus, check_transition
from healthgap.errors import InputError, Problem
from healthgap.store.models import utcnow
from healthgap.store.pledge_tables import (
    Pledge,
    PledgeCampaign,
    PledgeModerationEvent,
    PledgeSetPledge,
    as_utc,
    read_utc,
)

__all__ = [
    "PledgeView",
    "delete_pledge",
    "get_campaign",
    "list_campaigns",
    "live_count",
    "moderate",
    "moderation_queue",
    "pledge_view",
    "pledge_wall",
    "save_campaign",
]


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


def _text_of(pledge: Pledge, set_texts: dict[int, str]) -> str:
    if pledge.own_text is not None:
        return pledge.own_text
    return set_texts.get(pledge.set_pledge_id or -1, "")


def views_of(session: Session, pledges: list[Pledge], slug: str) -> list[PledgeView]:
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
    return views_of(session, [pledge], str(slug))[0]


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
    return views_of(session, pledges, campaign_slug)


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
    return views_of(session, pledges, campaign_slug)


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
    return views_of(session, [pledge], str(slug))[0]


def delete_pledge(session: Session, *, public_id: str) -> bool:
    """Delete a pledge and everything hanging off it (self-service delete). False when it
    was already gone."""
    result = session.execute(delete(Pledge).where(Pledge.public_id == public_id))
    return bool(result.rowcount)
