"""After the pledge: reminders by the configured sender with signed links, check-in,
one-click unsubscribe, self-service delete, moderation decisions, retention."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="needs the web extra: pip install -e '.[web]'")

from pledge_fixtures import SLUG, config, form, fresh_database  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from healthgap.analyses.pledges import (  # noqa: E402
    CheckinOutcome,
    PledgeStatus,
    TokenPurpose,
    answer_checkin,
    campaign_page,
    delete_by_link,
    linked_pledge,
    moderate_pledge,
    moderation_page,
    run_retention,
    send_reminders,
    submit_pledge,
    unsubscribe_by_link,
)
from healthgap.errors import InputError  # noqa: E402
from healthgap.store.pledge_tables import Pledge, PledgeContact, PledgeReminder  # noqa: E402


def _pledge(database, settings, **changes) -> str:  # noqa: ANN001, ANN003
    sent = form(reminders=True, email="sam@example.org", **changes)
    outcome = submit_pledge(database, settings, campaign_slug=SLUG, form=sent, client="10.0.0.1")
    assert outcome.accepted, outcome.problems
    return outcome.receipt.public_id


def _links(message: email.message.Message) -> dict[str, str]:
    body = message.get_payload(decode=True).decode()
    found = {}
    for line in body.splitlines():
        for purpose in ("checkin", "unsubscribe", "delete"):
            if f"/pledge/{purpose}/" in line:
                found[purpose] = line.strip().rsplit("/", 1)[1]
    return found


def test_reminders_go_through_the_file_sender_with_signed_links(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path)
    public_id = _pledge(database, settings)
    assert send_reminders(database, settings).sent == 0  # nothing due yet
    report = send_reminders(database, settings, now=datetime.now(UTC) + timedelta(days=8))
    assert (report.sent, report.failed) == (1, 0)
    (path,) = (tmp_path / "outbox").glob("*.eml")
    raw = path.read_bytes()
    assert b"\nList-Unsubscribe: <https://pledge.example.org/pledge/unsubscribe/" in raw
    message = email.message_from_bytes(raw)
    assert message["To"] == "sam@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<https://pledge.example.org/pledge/unsub")
    tokens = _links(message)
    linked = linked_pledge(database, settings, TokenPurpose.checkin, tokens["checkin"])
    assert linked.view.public_id == public_id and linked.claim.week == 1
    assert linked.answer is None and linked.reminders_on
    # a second run sends nothing more: the reminder was claimed and marked sent
    assert send_reminders(database, settings, now=datetime.now(UTC) + timedelta(days=8)).sent == 0


def test_check_in_answers_and_can_change_its_answer(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path)
    public_id = _pledge(database, settings)
    token = settings.tokens.make(TokenPurpose.checkin, public_id, week=4)
    assert answer_checkin(database, settings, token, "partly") is CheckinOutcome.partly
    assert answer_checkin(database, settings, token, "kept") is CheckinOutcome.kept
    assert linked_pledge(database, settings, TokenPurpose.checkin, token).answer.value == "kept"
    with pytest.raises(InputError) as raised:
        answer_checkin(database, settings, token, "maybe")
    assert raised.value.problems[0].rule == "unknown_outcome"
    # a token made for another purpose, or tampered with, is refused
    for bad in (settings.tokens.make(TokenPurpose.delete, public_id), token[:-2] + "xx"):
        with pytest.raises(InputError) as raised:
            answer_checkin(database, settings, bad, "kept")
        assert raised.value.problems[0].rule == "bad_link"


def test_unsubscribe_stops_reminders_and_forgets_the_address(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path)
    public_id = _pledge(database, settings)
    token = settings.tokens.make(TokenPurpose.unsubscribe, public_id)
    assert unsubscribe_by_link(database, settings, token) is True
    assert unsubscribe_by_link(database, settings, token) is False  # nothing left to stop
    with database.reader() as session:
        assert session.scalar(select(func.count()).select_from(PledgeContact)) == 0
        statuses = set(session.scalars(select(PledgeReminder.status)))
    assert statuses == {"cancelled"}
    later = datetime.now(UTC) + timedelta(days=100)
    assert send_reminders(database, settings, now=later).sent == 0


def test_delete_removes_the_pledge_and_its_links_stop_working(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path)
    public_id = _pledge(database, settings)
    token = settings.tokens.make(TokenPurpose.delete, public_id)
    assert delete_by_link(database, settings, token) is True
    assert delete_by_link(database, settings, token) is False
    with database.reader() as session:
        assert session.scalar(select(func.count()).select_from(Pledge)) == 0
        assert session.scalar(select(func.count()).select_from(PledgeReminder)) == 0
    checkin = settings.tokens.make(TokenPurpose.checkin, public_id, week=1)
    with pytest.raises(InputError) as raised:
        linked_pledge(database, settings, TokenPurpose.checkin, checkin)
    assert raised.value.problems[0].rule == "pledge_gone"
    assert campaign_page(database, SLUG).count == 0


def test_moderation_moves_pledges_and_records_who(tmp_path: Path) -> None:
    database = fresh_database(tmp_path, moderation="pre")
    settings = config(tmp_path)
    public_id = _pledge(
        database, settings, set_pledge="", own_text="Visit pills.example.com", own_theme="diet"
    )
    queue = moderation_page(database, SLUG)
    assert [item.public_id for item in queue.items] == [public_id]
    assert queue.items[0].flags == ("link",) and queue.items[0].has_contact
    assert queue.counts[PledgeStatus.pending] == 1
    moved = moderate_pledge(
        database, slug=SLUG, public_id=public_id, action="approve", actor="mod1", reason="fine"
    )
    assert moved.status is PledgeStatus.published
    assert [v.public_id for v in campaign_page(database, SLUG).wall] == [public_id]
    moderate_pledge(database, slug=SLUG, public_id=public_id, action="hide", actor="mod2")
    rejected = moderation_page(database, SLUG, status="rejected")
    assert rejected.items[0].last_actor == "mod2"
    assert campaign_page(database, SLUG).wall == ()
    with pytest.raises(InputError) as raised:  # not this campaign's pledge
        moderate_pledge(database, slug="other", public_id=public_id, action="reinstate", actor="x")
    assert raised.value.problems[0].rule == "unknown_pledge"
    with pytest.raises(InputError):
        moderation_page(database, SLUG, status="spam")


def test_retention_deletes_contacts_after_the_campaign(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path)
    _pledge(database, settings)
    assert run_retention(database).campaigns == ()
    long_after = datetime.now(UTC) + timedelta(days=30 + 121)
    run = run_retention(database, now=long_after)
    assert run.campaigns[0].contacts_deleted == 1
    with database.reader() as session:
        assert session.scalar(select(func.count()).select_from(PledgeContact)) == 0
        assert session.scalar(select(func.count()).select_from(Pledge)) == 1  # still counted
