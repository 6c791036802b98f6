"""The signed links a person gets: check in, stop reminders, delete my pledge.

A link names the pledge by its random public id and is signed with the server's secret
(:class:`healthgap.engage.PledgeTokens`); opening one only *shows* a page. The answer, the
unsubscribe or the deletion happens on a POST from that page (mail scanners open links),
except the one-click unsubscribe a mail program posts itself (RFC 8058), which the token
alone authorises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from healthgap.analyses.pledges.campaigns import forget_answers
from healthgap.analyses.pledges.config import PledgeConfig
from healthgap.engage.pledge_followup import CheckinOutcome, parse_outcome
from healthgap.engage.pledge_mail import ReminderLinks
from healthgap.engage.pledge_tokens import TokenClaim, TokenPurpose
from healthgap.errors import InputError, Problem
from healthgap.store.database import Database
from healthgap.store.pledge_followup import record_checkin, unsubscribe
from healthgap.store.pledge_queries import checkin_answer, has_reminders
from healthgap.store.pledges import PledgeView, delete_pledge, pledge_view

__all__ = [
    "LinkedPledge",
    "answer_checkin",
    "delete_by_link",
    "delete_url",
    "linked_pledge",
    "reminder_links",
    "unsubscribe_by_link",
]

PATHS = {
    TokenPurpose.checkin: "/pledge/checkin/",
    TokenPurpose.unsubscribe: "/pledge/unsubscribe/",
    TokenPurpose.delete: "/pledge/delete/",
}


@dataclass(frozen=True)
class LinkedPledge:
    """The pledge a valid link names, with what its page shows: the week and any answer
    already given (check-in), and whether reminders are still on (unsubscribe)."""

    claim: TokenClaim
    view: PledgeView
    answer: CheckinOutcome | None = None
    reminders_on: bool = False


def _url(config: PledgeConfig, base: str | None, purpose: TokenPurpose, token: str) -> str:
    return f"{config.base_url(base)}{PATHS[purpose]}{token}"


def reminder_links(
    config: PledgeConfig, base: str | None = None
) -> Callable[[str, int], ReminderLinks]:
    """``links(public_id, week)`` for :func:`healthgap.store.send_due_reminders`."""
    tokens = config.tokens

    def links(public_id: str, week: int) -> ReminderLinks:
        def url(purpose: TokenPurpose, week: int | None = None) -> str:
            return _url(config, base, purpose, tokens.make(purpose, public_id, week=week))

        return ReminderLinks(
            checkin_url=url(TokenPurpose.checkin, week),
            unsubscribe_url=url(TokenPurpose.unsubscribe),
            delete_url=url(TokenPurpose.delete),
        )

    return links


def delete_url(config: PledgeConfig, public_id: str, base: str | None = None) -> str:
    """The delete link of a pledge, for its author's thank-you page."""
    token = config.tokens.make(TokenPurpose.delete, public_id)
    return _url(config, base, TokenPurpose.delete, token)


def _gone() -> InputError:
    message = "We no longer hold this pledge: it was deleted."
    return InputError([Problem("link", None, "token", "pledge_gone", message)])


def linked_pledge(
    database: Database, config: PledgeConfig, purpose: TokenPurpose, token: str
) -> LinkedPledge:
    """What link ``token`` (made for ``purpose``) names.

    Raises
    ------
    InputError
        ``bad_link``, ``expired_link`` or ``pledge_gone``, each with a message for the person.
    """
    claim = config.tokens.read(purpose, token)
    with database.reader() as session:
        view = pledge_view(session, public_id=claim.public_id)
        if view is None:
            raise _gone()
        answer = None
        if claim.week is not None:
            found = checkin_answer(session, public_id=claim.public_id, week=claim.week)
            answer = CheckinOutcome(found) if found else None
        reminders = has_reminders(session, public_id=claim.public_id)
    return LinkedPledge(claim, view, answer, reminders)


def answer_checkin(
    database: Database,
    config: PledgeConfig,
    token: str,
    outcome: str,
    *,
    now: datetime | None = None,
) -> CheckinOutcome:
    """Record the check-in answer ``outcome`` for the week the link names (again: replaced)."""
    claim = config.tokens.read(TokenPurpose.checkin, token)
    chosen = parse_outcome(outcome)
    with database.unit_of_work() as session:
        record_checkin(
            session,
            public_id=claim.public_id,
            week=int(claim.week or 0),
            outcome=chosen,
            now=now or datetime.now(UTC),
        )
    return chosen


def unsubscribe_by_link(database: Database, config: PledgeConfig, token: str) -> bool:
    """Stop the reminders of the pledge the link names; ``False`` when none were left."""
    claim = config.tokens.read(TokenPurpose.unsubscribe, token)
    with database.unit_of_work() as session:
        return unsubscribe(session, public_id=claim.public_id)


def delete_by_link(database: Database, config: PledgeConfig, token: str) -> bool:
    """Delete the pledge the link names and everything about it; ``False`` when it was gone."""
    claim = config.tokens.read(TokenPurpose.delete, token)
    with database.unit_of_work() as session:
        deleted = delete_pledge(session, public_id=claim.public_id)
    forget_answers(database)
    return deleted
