"""Retention: delete contact data and strip public details when a campaign's limits pass.

:func:`apply_retention` is what the scheduled command runs (daily is plenty). For each
campaign whose limits have passed (see :func:`healthgap.engage.retention_due`), it deletes, in
one transaction per campaign:

- at the contact-data limit: every email address and consent (``pledge_contacts``) and the
  whole reminder outbox (``pledge_reminders``);
- at the public-details limit: display names, pledger references, free-text group names and
  the text of own pledges (emptied, so the pledge still counts as an own pledge).

Pledges stay as anonymous counts with their theme, set pledge, district, age band, audience
and check-in answers. Running it again does nothing new; the times it ran are kept on the
campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, select, update

from healthgap.engage.campaigns import campaign_from_mapping
from healthgap.engage.pledge_privacy import retention_due
from healthgap.store.database import Database
from healthgap.store.pledge_tables import (
    Pledge,
    PledgeCampaign,
    PledgeContact,
    PledgeReminder,
    as_utc,
)

__all__ = ["RetentionReport", "apply_retention"]


@dataclass(frozen=True)
class RetentionReport:
    """What one run removed from one campaign (counts of rows)."""

    campaign_slug: str
    contacts_deleted: int
    reminders_deleted: int
    pledges_anonymised: int


def apply_retention(database: Database, *, now: datetime) -> list[RetentionReport]:
    """Apply every campaign's retention limits as of ``now``; one report per campaign that
    had something due."""
    now = as_utc(now)
    with database.reader() as session:
        slugs = list(session.scalars(select(PledgeCampaign.slug).order_by(PledgeCampaign.id)))
    reports = []
    for slug in slugs:
        with database.unit_of_work() as session:
            row = session.scalar(select(PledgeCampaign).where(PledgeCampaign.slug == slug))
            if row is None:
                continue
            campaign = campaign_from_mapping(row.definition, source=slug)
            contact_due, public_due = retention_due(campaign, now)
            if not contact_due and not public_due:
                continue
            pledge_ids = select(Pledge.id).where(Pledge.campaign_id == row.id)
            contacts = reminders = anonymised = 0
            if contact_due:
                contacts = session.execute(
                    delete(PledgeContact).where(PledgeContact.pledge_id.in_(pledge_ids))
                ).rowcount
                reminders = session.execute(
                    delete(PledgeReminder).where(PledgeReminder.pledge_id.in_(pledge_ids))
                ).rowcount
                row.contact_data_purged_at = row.contact_data_purged_at or now
            if public_due:
                details = {
                    "display_name": None,
                    "pledger_ref": None,
                    "own_text": case((Pledge.own_text.is_not(None), ""), else_=None),
                }
                identifying = (
                    Pledge.display_name.is_not(None)
                    | Pledge.pledger_ref.is_not(None)
                    | (Pledge.own_text != "")
                )
                if not campaign.groups:  # typed by people, so it may identify them
                    details["group_name"] = None
                    identifying = identifying | Pledge.group_name.is_not(None)
                anonymised = session.execute(
                    update(Pledge)
                    .where(Pledge.campaign_id == row.id, identifying)
                    .values(**details)
                ).rowcount
                row.public_details_purged_at = row.public_details_purged_at or now
            reports.append(RetentionReport(slug, contacts or 0, reminders or 0, anonymised or 0))
    return reports
