"""Storage of the referrals lifestyle services received: counts by day, service and area,
never a person, so that attribution to MECC can be recomputed whenever logs change.

>>> import pandas as pd
>>> from healthgap.store import Database
>>> db = Database("sqlite://")
>>> received = pd.DataFrame({"received_date": pd.to_datetime(["2024-04-05"]),
...     "service": ["stop_smoking"], "area_code": ["E06000001"], "referrals": [3]})
>>> with db.unit_of_work() as session:
...     save_referrals_received(session, received)
1
>>> with db.reader() as session:
...     load_referrals_received(session)["referrals"].tolist()
[3]
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from healthgap.store.mecc import upsert_rows
from healthgap.store.mecc_models import ReferralReceivedRecord

__all__ = [
    "RECEIVED_COLUMNS",
    "count_referrals_received",
    "load_referrals_received",
    "save_referrals_received",
]

RECEIVED_COLUMNS = ("received_date", "service", "area_code", "referrals")


def save_referrals_received(session: Session, received: pd.DataFrame) -> int:
    """Add or replace counts (by day, service and area), e.g. from
    :func:`healthgap.engage.mecc_attribution.read_referrals_received`; returns the rows
    written. Rows repeating a day, service and area in one file are summed first."""
    summed = (
        received.assign(received_date=pd.to_datetime(received["received_date"]).dt.date)
        .groupby(["received_date", "service", "area_code"], as_index=False)["referrals"]
        .sum()
    )
    rows = [
        {**row, "referrals": int(row["referrals"])}
        for row in summed[list(RECEIVED_COLUMNS)].to_dict("records")
    ]
    upsert_rows(session, ReferralReceivedRecord.__table__, rows)
    return len(rows)


def load_referrals_received(session: Session) -> pd.DataFrame:
    """Every stored count, oldest first, as attribution reads it."""
    table = ReferralReceivedRecord.__table__
    query = select(*[table.c[c] for c in RECEIVED_COLUMNS]).order_by(
        table.c.received_date, table.c.service, table.c.area_code
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=list(RECEIVED_COLUMNS))
    frame["received_date"] = pd.to_datetime(frame["received_date"])
    return frame.astype({"referrals": int})


def count_referrals_received(session: Session) -> int:
    """Number of stored rows (days x services x areas)."""
    return int(session.scalar(select(func.count()).select_from(ReferralReceivedRecord)) or 0)
