"""The pledges of a campaign as a table for analysis: no names, no emails, no free text."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from healthgap.store.pledge_tables import Pledge, PledgeSetPledge
from healthgap.store.pledges import campaign_row

__all__ = ["pledge_frame"]


def pledge_frame(session: Session, *, campaign_slug: str) -> pd.DataFrame:
    """The campaign's pledges for analysis: no names, no emails, no free text.

    Columns: ``pledge_id``, ``campaign``, ``created_at``, ``theme``, ``set_pledge_code``,
    ``own_pledge``, ``postcode_district``, ``age_band``, ``group``, ``audience``,
    ``pledger``, ``status``. Pass it to :func:`healthgap.engage.analysis_export` before it
    leaves the system.
    """
    row = campaign_row(session, campaign_slug)
    query = (
        select(
            Pledge.id.label("pledge_id"),
            Pledge.created_at,
            Pledge.theme,
            PledgeSetPledge.code.label("set_pledge_code"),
            Pledge.own_text.is_not(None).label("own_pledge"),
            Pledge.postcode_district,
            Pledge.age_band,
            Pledge.group_name.label("group"),
            Pledge.audience,
            Pledge.pledger_ref.label("pledger"),
            Pledge.status,
        )
        .outerjoin(PledgeSetPledge, PledgeSetPledge.id == Pledge.set_pledge_id)
        .where(Pledge.campaign_id == row.id)
        .order_by(Pledge.id)
    )
    frame = pd.DataFrame(session.execute(query).mappings().all())
    frame = frame.reindex(columns=[c.name for c in query.selected_columns])
    frame.insert(1, "campaign", campaign_slug)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame
