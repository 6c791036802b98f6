"""What a campaign keeps about people, for how long, and what leaves it for analysis.

Two retention limits, both counted from the campaign's end date:

- **contact data** (email addresses, reminder and marketing consents, the reminder outbox)
  go after ``contact_retention_days``; the campaign check refuses a limit too short for the
  last reminder to be sent and answered;
- **public details** (display names, group names typed by people, and the pseudonymous
  pledger reference) go after ``public_retention_days``; the pledge itself stays as an
  anonymous count with its theme, district, age band and any check-in answers.

A person can delete their own pledge at any time with their signed link; then nothing of
it is kept. Exports for analysis carry only :data:`ANALYSIS_COLUMNS`: no names, no email
addresses, no free text, and the day rather than the moment of pledging.

>>> from healthgap.engage.campaigns import campaign_from_mapping, example_campaign
>>> dates = retention_dates(campaign_from_mapping(example_campaign()))
>>> dates.contact_data_until.isoformat(), dates.public_details_until.isoformat()
('2026-07-29', '2027-03-31')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from healthgap.engage.campaigns import Campaign
from healthgap.errors import InputError

__all__ = [
    "ANALYSIS_COLUMNS",
    "CAMPAIGN_TIME_ZONE",
    "RetentionDates",
    "analysis_export",
    "local_day",
    "retention_dates",
    "retention_due",
]

CAMPAIGN_TIME_ZONE = ZoneInfo("Europe/London")
#: The only pledge columns an analysis export carries.
ANALYSIS_COLUMNS: tuple[str, ...] = (
    "pledge_id",
    "campaign",
    "day",
    "theme",
    "set_pledge_code",
    "own_pledge",
    "postcode_district",
    "age_band",
    "group",
    "audience",
    "pledger",
    "status",
)


@dataclass(frozen=True)
class RetentionDates:
    """Last days on which contact data and public details are kept (inclusive)."""

    contact_data_until: date
    public_details_until: date


def retention_dates(campaign: Campaign) -> RetentionDates:
    """When the campaign's contact data and public details are due for deletion."""
    return RetentionDates(
        contact_data_until=campaign.ends_on + timedelta(days=campaign.contact_retention_days),
        public_details_until=campaign.ends_on + timedelta(days=campaign.public_retention_days),
    )


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=CAMPAIGN_TIME_ZONE)


def retention_due(campaign: Campaign, now: datetime) -> tuple[bool, bool]:
    """``(contact data due, public details due)`` at ``now`` (aware datetime).

    >>> from healthgap.engage.campaigns import campaign_from_mapping, example_campaign
    >>> c = campaign_from_mapping(example_campaign())
    >>> retention_due(c, datetime(2026, 7, 30, 0, 30, tzinfo=CAMPAIGN_TIME_ZONE))
    (True, False)
    """
    if now.tzinfo is None:
        raise InputError("give the current time with a time zone", rule="naive_datetime")
    dates = retention_dates(campaign)
    return now >= _end_of_day(dates.contact_data_until), now >= _end_of_day(
        dates.public_details_until
    )


def local_day(moments: pd.Series) -> pd.Series:
    """Calendar day in the campaign's time zone (UK) of aware or UTC timestamps."""
    stamps = pd.to_datetime(moments, utc=True)
    return stamps.dt.tz_convert(CAMPAIGN_TIME_ZONE).dt.date


def analysis_export(pledges: pd.DataFrame) -> pd.DataFrame:
    """Pledges reduced to :data:`ANALYSIS_COLUMNS` (the day replaces the timestamp).

    ``pledges`` is the table :func:`healthgap.store.pledge_exports.pledge_frame` returns; any other
    column (names, email, text, fingerprints) is dropped, not passed on.

    >>> from datetime import UTC
    >>> frame = pd.DataFrame({"pledge_id": [1], "campaign": ["c"],
    ...     "created_at": [datetime(2026, 1, 1, 23, 30, tzinfo=UTC)], "theme": ["diet"],
    ...     "display_name": ["Sam"], "email": ["sam@example.org"]})
    >>> list(analysis_export(frame).columns), analysis_export(frame)["day"][0].isoformat()
    (['pledge_id', 'campaign', 'day', 'theme'], '2026-01-01')
    """
    out = pledges.copy()
    if "created_at" in out.columns:
        out["day"] = local_day(out["created_at"])
    return out[[c for c in ANALYSIS_COLUMNS if c in out.columns]].reset_index(drop=True)
