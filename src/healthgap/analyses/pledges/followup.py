"""The scheduled jobs of pledge campaigns: send due reminders, apply retention limits.

Both are safe to run as often as you like and from several machines at once: reminders are
claimed row by row before they are sent (no reminder goes twice unless a sender died mid-
send), and retention deletes only what its dates say is due. ``healthgap pledges
send-reminders`` and ``healthgap pledges retention`` call these (see ``docs/pledges.md`` for
a cron or systemd-timer example).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from healthgap.analyses.pledges.config import PledgeConfig
from healthgap.analyses.pledges.links import reminder_links
from healthgap.store.database import Database
from healthgap.store.pledge_followup import SendReport, send_due_reminders
from healthgap.store.pledge_retention import RetentionReport, apply_retention
from healthgap.store.rate_limits import purge_expired

__all__ = ["RetentionRun", "run_retention", "send_reminders"]


@dataclass(frozen=True)
class RetentionRun:
    """What one retention run removed: per campaign, and expired rate-limit counters."""

    campaigns: tuple[RetentionReport, ...]
    rate_limit_windows_purged: int


def send_reminders(
    database: Database, config: PledgeConfig, *, now: datetime | None = None, limit: int = 500
) -> SendReport:
    """Send up to ``limit`` due reminders through the configured mail sender.

    Links point at ``config.public_url`` (set it to the site's public address).
    """
    return send_due_reminders(
        database,
        sender=config.mail_sender(),
        links=reminder_links(config),
        from_address=config.mail_from,
        now=now or datetime.now(UTC),
        limit=limit,
    )


def run_retention(database: Database, *, now: datetime | None = None) -> RetentionRun:
    """Apply every campaign's retention limits and purge rate-limit windows past use."""
    moment = now or datetime.now(UTC)
    reports = apply_retention(database, now=moment)
    with database.unit_of_work() as session:
        purged = purge_expired(session, now=moment)
    return RetentionRun(tuple(reports), purged)
