"""The moderation queue: pledges by status, and a moderator's decision on one.

Under pre-moderation every pledge waits as ``pending``; under post-moderation only those the
content filter held (swear words, links, markup) do. A moderator approves or rejects what
waits, hides a published pledge, or reinstates a rejected one; each decision is recorded with
who made it and why (:func:`healthgap.store.moderate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from healthgap.analyses.pledges.campaigns import forget_answers, open_campaign
from healthgap.engage.campaigns import Campaign
from healthgap.engage.pledge_moderation import PledgeStatus
from healthgap.errors import InputError, Problem
from healthgap.store.database import Database
from healthgap.store.pledge_queries import ModerationItem, pledges_for_moderation, status_counts
from healthgap.store.pledges import PledgeView, moderate, pledge_view

__all__ = ["ACTIONS", "FLAG_LABELS", "ModerationPage", "moderate_pledge", "moderation_page"]

#: What a moderator can do (action -> status it moves the pledge to).
ACTIONS: dict[str, PledgeStatus] = {
    "approve": PledgeStatus.published,
    "reject": PledgeStatus.rejected,
    "hide": PledgeStatus.rejected,
    "reinstate": PledgeStatus.published,
}
#: Why the content filter held a pledge, in words.
FLAG_LABELS = {
    "profanity": "may contain a swear word",
    "link": "contains a link or an email address",
    "markup": "contains something that looks like HTML",
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class ModerationPage:
    """One status's list of a campaign, and how many pledges each status has."""

    campaign: Campaign
    status: PledgeStatus
    items: tuple[ModerationItem, ...]
    counts: dict[PledgeStatus, int]
    page: int
    pages: int


def moderation_page(
    database: Database, slug: str, *, status: str = "pending", page: int = 1
) -> ModerationPage:
    """The pledges of ``status`` (``pending`` oldest first; others newest first)."""
    try:
        chosen = PledgeStatus(status)
    except ValueError:
        raise InputError(
            f"{status!r} is not one of pending, published, rejected", rule="unknown_status"
        ) from None
    campaign = open_campaign(database, slug)
    page = max(page, 1)
    with database.reader() as session:
        counts = status_counts(session, campaign_slug=slug)
        items = pledges_for_moderation(
            session,
            campaign_slug=slug,
            status=chosen,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
    pages = max(1, -(-counts[chosen] // PAGE_SIZE))
    return ModerationPage(campaign, chosen, tuple(items), counts, page, pages)


def moderate_pledge(
    database: Database,
    *,
    slug: str,
    public_id: str,
    action: str,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> PledgeView:
    """Apply ``action`` (:data:`ACTIONS`) to a pledge of campaign ``slug``, recording ``actor``
    and ``reason``."""
    if action not in ACTIONS:
        message = f"{action!r} is not one of {', '.join(ACTIONS)}"
        raise InputError([Problem("moderation", None, "action", "unknown_action", message)])
    with database.unit_of_work() as session:
        view = pledge_view(session, public_id=public_id)
        if view is None or view.campaign_slug != slug:
            message = "There is no such pledge in this campaign (it may have been deleted)."
            raise InputError([Problem("moderation", None, "pledge", "unknown_pledge", message)])
        moved = moderate(
            session,
            public_id=public_id,
            status=ACTIONS[action],
            actor=actor,
            reason=reason.strip(),
            now=now or datetime.now(UTC),
        )
    forget_answers(database)
    return moved
