"""What the public campaign pages show: the counter, the wall, the district table, a shared
pledge and its share image, and the counts of visits and shares.

The campaign page's figures are kept :data:`PAGE_CACHE_SECONDS` per process (one query set
per process every few seconds however many people look), so the counter is "live" to within
those seconds. District counts are controlled before anyone sees them: districts with no
position on the map are summed into "Other or unknown district" first, then districts with
1-7 pledges are left out (a note says how many) and the others rounded to 5. The map drawn
from that table is :func:`healthgap.analyses.pledges.district_map.district_map`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import quote, urlencode

import pandas as pd

from healthgap.analyses.pledges.cache import RecentAnswers
from healthgap.analyses.pledges.campaigns import DEPENDENT_CACHES, campaign_state, open_campaign
from healthgap.engage.campaigns import Campaign
from healthgap.engage.pledge_moderation import PledgeStatus
from healthgap.engage.pledge_postcodes import OTHER_DISTRICT, place_districts
from healthgap.engage.pledge_privacy import CAMPAIGN_TIME_ZONE, RetentionDates, retention_dates
from healthgap.errors import InputError
from healthgap.reports.engage_tables import controlled_district_counts
from healthgap.reports.pledge_share_card import render_share_image, share_card_spec
from healthgap.store.database import Database
from healthgap.store.pledge_intake import count_event_quickly
from healthgap.store.pledge_queries import district_pledge_counts, wall_page
from healthgap.store.pledges import PledgeView, live_count, pledge_view

__all__ = [
    "PAGE_CACHE_SECONDS",
    "SHARE_CHANNELS",
    "CampaignPage",
    "campaign_image",
    "campaign_page",
    "count_visit",
    "pledge_image",
    "share_target",
    "shared_pledge",
    "wall",
]

PAGE_CACHE_SECONDS = 3.0
WALL_SIZE = 20
_PAGES = RecentAnswers(max_age=PAGE_CACHE_SECONDS)
DEPENDENT_CACHES.append(_PAGES)
#: Networks the share buttons go to (channel -> label), in the order shown.
SHARE_CHANNELS: dict[str, str] = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X (Twitter)",
    "bluesky": "Bluesky",
    "linkedin": "LinkedIn",
    "email": "Email",
}


@dataclass(frozen=True)
class CampaignPage:
    """The figures of a campaign page at one moment."""

    campaign: Campaign
    state: str
    count: int
    wall: tuple[PledgeView, ...]
    districts: pd.DataFrame
    district_notes: tuple[str, ...]
    #: Districts (and "Other or unknown district") left out for having 1-7 pledges.
    hidden_districts: int
    retention: RetentionDates


def _today(now: datetime | None) -> date:
    return (now or datetime.now(CAMPAIGN_TIME_ZONE)).astimezone(CAMPAIGN_TIME_ZONE).date()


def campaign_page(database: Database, slug: str, *, now: datetime | None = None) -> CampaignPage:
    """The counter, the newest published pledges and the controlled district table."""
    campaign = open_campaign(database, slug)

    def figures() -> tuple[int, tuple[PledgeView, ...], pd.DataFrame, tuple[str, ...], int]:
        with database.reader() as session:
            count = live_count(session, campaign_slug=slug)
            newest = tuple(wall_page(session, campaign_slug=slug, limit=WALL_SIZE))
            exact = district_pledge_counts(session, campaign_slug=slug)
        placed = place_districts(exact)
        shown, notes = controlled_district_counts(placed)
        shown = shown.assign(other=shown["postcode_district"] == OTHER_DISTRICT)
        shown = shown.sort_values(
            ["other", "count", "postcode_district"], ascending=[True, False, True]
        )  # largest first, "Other or unknown district" last
        hidden = tuple(notes[1:])  # the first is the policy itself
        columns = ["postcode_district", "count", "latitude", "longitude"]
        table = shown[columns].reset_index(drop=True)
        return count, newest, table, hidden, len(placed) - len(shown)

    count, newest, districts, notes, hidden = _PAGES.get(database, ("page", slug), figures)
    return CampaignPage(
        campaign=campaign,
        state=campaign_state(campaign, _today(now)),
        count=count,
        wall=newest,
        districts=districts,
        district_notes=notes,
        hidden_districts=hidden,
        retention=retention_dates(campaign),
    )


def wall(database: Database, slug: str, *, page: int = 1, per_page: int = 30) -> list[PledgeView]:
    """Published pledges, newest first, page ``page`` (from 1)."""
    open_campaign(database, slug)
    with database.reader() as session:
        return wall_page(
            session, campaign_slug=slug, limit=per_page, offset=(max(page, 1) - 1) * per_page
        )


def shared_pledge(database: Database, slug: str, public_id: str) -> PledgeView | None:
    """The pledge ``public_id`` of campaign ``slug`` in any status (pages show others only
    published ones), or ``None``."""
    with database.reader() as session:
        view = pledge_view(session, public_id=public_id)
    return view if view is not None and view.campaign_slug == slug else None


@lru_cache(maxsize=512)
def _card(title: str, text: str, name: str | None, colour: str, heading: str, footer: str) -> bytes:
    spec = share_card_spec(
        campaign_title=title,
        pledge_text=text,
        display_name=name,
        colour=colour,
        heading=heading,
        footer=footer or None,
    )
    return render_share_image(spec)


def pledge_image(campaign: Campaign, view: PledgeView) -> bytes | None:
    """The PNG share card of a published pledge (``None`` for any other status). Cards are
    kept by their content, so an edited or anonymised pledge gets a new one."""
    if view.status is not PledgeStatus.published:
        return None
    colour = campaign.branding.colour
    return _card(campaign.title, view.text, view.display_name, colour, "I pledge to:", "")


def campaign_image(database: Database, slug: str) -> bytes:
    """The PNG share card of the campaign page."""
    campaign = open_campaign(database, slug)
    text = campaign.summary or "Pick one small change and tell us how it goes."
    footer = f"Pledge at {campaign.place_name}'s campaign"
    return _card(campaign.title, text, None, campaign.branding.colour, "Make a pledge:", footer)


def count_visit(
    database: Database, slug: str, *, kind: str, channel: str = "", now: datetime | None = None
) -> None:
    """Count a page view, a share or a click-through (an arrival from a shared link) for
    today; unknown channels are counted without one."""
    channel = channel if channel in SHARE_CHANNELS else ""
    count_event_quickly(database, campaign_slug=slug, kind=kind, day=_today(now), channel=channel)


def share_target(channel: str, url: str, text: str, title: str) -> str:
    """The address that shares ``url`` (with ``text``) on ``channel``.

    >>> share_target("x", "https://p.example/a?via=x", "I pledged", "T")
    'https://x.com/intent/post?text=I+pledged&url=https%3A%2F%2Fp.example%2Fa%3Fvia%3Dx'
    """
    if channel == "facebook":
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})
    if channel == "x":
        return "https://x.com/intent/post?" + urlencode({"text": text, "url": url})
    if channel == "whatsapp":
        return "https://wa.me/?" + urlencode({"text": f"{text} {url}"})
    if channel == "bluesky":
        return "https://bsky.app/intent/compose?" + urlencode({"text": f"{text} {url}"})
    if channel == "linkedin":
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})
    if channel == "email":
        return f"mailto:?subject={quote(title)}&body={quote(f'{text} {url}')}"
    raise InputError(f"{channel!r} is not a place to share to", rule="unknown_channel")
