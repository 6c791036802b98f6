"""Taking a pledge from the public form: limits, checks, one durable commit, a receipt.

:func:`submit_pledge` is the whole path of one submission, kept lean because a launch day
sends hundreds a second:

1. the campaign, checked once every few seconds per process (:func:`open_campaign`);
2. the per-address and per-campaign rate limits, counted in the database so that every
   server process sees the same counts (:func:`healthgap.store.pledge_intake.hit_limits`,
   one short transaction; a refused attempt still counts);
3. the form's checks (:func:`healthgap.engage.validate_pledge`: plain English messages, per
   field, nothing stored);
4. :func:`healthgap.store.record_pledge`: the pledge, its contact, reminders and first
   moderation record in one transaction, committed before the receipt exists. A replayed
   form (same idempotency key and content) gets the first receipt back; nothing is stored
   twice.

Only a :class:`PledgeOutcome` with a receipt may be acknowledged to the person. Nothing here
logs what the person typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from healthgap.analyses.pledges.campaigns import open_campaign
from healthgap.analyses.pledges.config import PledgeConfig
from healthgap.engage.pledge_privacy import CAMPAIGN_TIME_ZONE
from healthgap.engage.pledge_submission import PledgeForm, pledger_reference, validate_pledge
from healthgap.errors import InputError, Problem, StorageError
from healthgap.store.database import Database
from healthgap.store.pledge_intake import hit_limits
from healthgap.store.pledge_recording import PledgeReceipt, record_pledge

__all__ = ["PledgeOutcome", "submit_pledge"]

FORM = "pledge form"


@dataclass(frozen=True)
class PledgeOutcome:
    """A receipt (the pledge is stored), or the problems to show the person; when a rate
    limit refused it, how many seconds until a retry can succeed."""

    receipt: PledgeReceipt | None = None
    problems: tuple[Problem, ...] = ()
    retry_after_seconds: int = 0

    @property
    def accepted(self) -> bool:
        return self.receipt is not None


def _wait_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def submit_pledge(
    database: Database,
    config: PledgeConfig,
    *,
    campaign_slug: str,
    form: PledgeForm,
    client: str,
    browser_id: str | None = None,
    now: datetime | None = None,
) -> PledgeOutcome:
    """Check and store one pledge for ``campaign_slug`` sent from address ``client``.

    ``browser_id`` is the random identifier kept in the person's session, used only as an
    HMAC (:func:`healthgap.engage.pledger_reference`) to count unique pledgers.

    Raises
    ------
    InputError
        ``unknown_campaign`` when there is no such campaign (the page does not exist).
    """
    moment = now or datetime.now(UTC)
    campaign = open_campaign(database, campaign_slug)
    limits = [(config.per_ip, client), (config.per_campaign, campaign_slug)]
    try:
        refused = hit_limits(database, limits, now=moment)
    except StorageError:
        refused = None  # the limits are a guard, not a gate: a busy counter never loses a pledge
    if refused is not None:
        message = (
            "We have had a lot of pledges from your connection just now. Please wait "
            f"{_wait_text(refused.retry_after_seconds)} and send the form again."
        )
        problem = Problem(FORM, None, "campaign", "rate_limited", message)
        return PledgeOutcome(problems=(problem,), retry_after_seconds=refused.retry_after_seconds)
    try:
        today = moment.astimezone(CAMPAIGN_TIME_ZONE).date()
        submission = validate_pledge(campaign, form, today=today)
        reference = pledger_reference(browser_id, config.secret) if browser_id else None
        receipt = record_pledge(
            database, campaign=campaign, submission=submission, now=moment, pledger_ref=reference
        )
    except InputError as exc:
        return PledgeOutcome(problems=tuple(exc.problems))
    except StorageError:
        message = (
            "We could not save your pledge just now, and nothing was stored. Please send the "
            "form again in a moment."
        )
        return PledgeOutcome(problems=(Problem(FORM, None, "campaign", "not_saved", message),))
    return PledgeOutcome(receipt=receipt)
