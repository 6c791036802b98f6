"""Campaigns: create, edit, list and open them (the definition is checked by
:func:`healthgap.engage.campaign_from_mapping`; every problem names its field).

:func:`open_campaign` is what every public request calls: it keeps each checked campaign for
a few seconds per process (:data:`CAMPAIGN_CACHE_SECONDS`), so a rush of pledges does not
re-check the definition each time; an edit shows everywhere within those seconds, and at
once in the process that saved it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from healthgap.analyses.pledges.cache import RecentAnswers
from healthgap.engage.campaigns import Campaign, campaign_from_mapping
from healthgap.engage.pledge_moderation import PledgeStatus
from healthgap.errors import InputError, Problem
from healthgap.store.database import Database
from healthgap.store.pledge_queries import status_counts
from healthgap.store.pledges import get_campaign, list_campaigns, save_campaign

__all__ = [
    "CAMPAIGN_CACHE_SECONDS",
    "CampaignSummary",
    "campaign_state",
    "campaign_summaries",
    "create_campaign",
    "forget_answers",
    "open_campaign",
    "read_campaign_file",
    "update_campaign",
]

CAMPAIGN_CACHE_SECONDS = 5.0
#: Address names the pages use themselves (``/pledge/checkin/...``, ``/pledges/new``).
RESERVED_SLUGS = frozenset({"checkin", "unsubscribe", "delete", "new"})
_CAMPAIGNS = RecentAnswers(max_age=CAMPAIGN_CACHE_SECONDS)
#: Caches of answers that depend on a campaign's definition, emptied when one is saved.
DEPENDENT_CACHES: list[RecentAnswers] = [_CAMPAIGNS]


@dataclass(frozen=True)
class CampaignSummary:
    """One line of the campaigns list."""

    slug: str
    title: str
    place_name: str
    starts_on: date
    ends_on: date
    state: str
    moderation: str
    counts: Mapping[PledgeStatus, int]


def campaign_state(campaign: Campaign, today: date) -> str:
    """``upcoming``, ``open`` or ``closed`` on ``today``."""
    if today < campaign.starts_on:
        return "upcoming"
    return "open" if today <= campaign.ends_on else "closed"


def open_campaign(database: Database, slug: str) -> Campaign:
    """The checked campaign ``slug`` (kept a few seconds per process).

    Raises
    ------
    InputError
        ``unknown_campaign`` when there is none.
    """

    def load() -> Campaign:
        with database.reader() as session:
            return get_campaign(session, slug=slug)

    return _CAMPAIGNS.get(database, slug, load)


def forget_answers(database: Database) -> None:
    """Drop this process's kept campaigns and page figures (after an edit, a moderation
    decision or a deletion), so they show at once here and within seconds elsewhere."""
    for answers in DEPENDENT_CACHES:
        answers.forget(database)


def _exists(database: Database, slug: str) -> bool:
    with database.reader() as session:
        return any(row.slug == slug for row in list_campaigns(session))


def create_campaign(database: Database, data: Mapping[str, Any]) -> Campaign:
    """Check ``data`` and store it as a new campaign (its slug must be free)."""
    campaign = campaign_from_mapping(data)
    if campaign.slug in RESERVED_SLUGS:
        message = f"{campaign.slug!r} is used by the site's own pages; choose another name"
        raise InputError([Problem("campaign", None, "slug", "reserved_slug", message)])
    if _exists(database, campaign.slug):
        message = f"a campaign with the address name {campaign.slug!r} exists already"
        raise InputError([Problem("campaign", None, "slug", "slug_taken", message)])
    with database.unit_of_work() as session:
        save_campaign(session, campaign=campaign)
    forget_answers(database)
    return campaign


def update_campaign(database: Database, slug: str, data: Mapping[str, Any]) -> Campaign:
    """Check ``data`` and replace campaign ``slug`` with it (the slug cannot change: pledges,
    share links and reminders use it). Set pledges no longer listed are retired, not lost."""
    if not _exists(database, slug):
        message = f"there is no campaign {slug!r}"
        raise InputError([Problem("campaign", None, "slug", "unknown_campaign", message)])
    campaign = campaign_from_mapping({**data, "slug": slug})
    with database.unit_of_work() as session:
        save_campaign(session, campaign=campaign)
    forget_answers(database)
    return campaign


def read_campaign_file(path: str | Path) -> dict[str, Any]:
    """A campaign definition from a YAML (or JSON) file, not yet checked."""
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
        data = json.loads(text) if target.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
        message = f"cannot read the campaign file: {exc}"
        raise InputError([Problem(str(target), None, None, "unreadable_file", message)]) from exc
    if not isinstance(data, dict):
        message = "the file must hold one campaign: a mapping of fields such as slug and title"
        raise InputError([Problem(str(target), None, None, "not_a_mapping", message)])
    return data


def campaign_summaries(database: Database, *, today: date) -> list[CampaignSummary]:
    """Every campaign, newest first, with its state and pledges by moderation status."""
    out = []
    with database.reader() as session:
        for row in reversed(list_campaigns(session)):
            campaign = campaign_from_mapping(row.definition, source=row.slug)
            out.append(
                CampaignSummary(
                    slug=campaign.slug,
                    title=campaign.title,
                    place_name=campaign.place_name,
                    starts_on=campaign.starts_on,
                    ends_on=campaign.ends_on,
                    state=campaign_state(campaign, today),
                    moderation=campaign.moderation.value,
                    counts=status_counts(session, campaign_slug=campaign.slug),
                )
            )
    return out
