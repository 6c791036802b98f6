"""Pledge storage on SQLite (WAL) and on a real PostgreSQL server: idempotent recording
under concurrency, nothing half-stored, moderation, the reminder outbox, check-ins,
unsubscribe, self-service delete, counters and retention."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from healthgap.engage import (
    CheckinOutcome,
    FileMailSender,
    PledgeForm,
    PledgeStatus,
    ReminderLinks,
    campaign_from_mapping,
    example_campaign,
    validate_pledge,
)
from healthgap.errors import InputError, StorageError
from healthgap.store import (
    Database,
    apply_retention,
    count_event,
    delete_pledge,
    get_campaign,
    live_count,
    moderate,
    moderation_queue,
    pledge_frame,
    pledge_recording,
    pledge_view,
    pledge_wall,
    record_checkin,
    record_pledge,
    save_campaign,
    send_due_reminders,
    unsubscribe,
)
from healthgap.store import pledges as pledge_store
from healthgap.store.models import Base
from healthgap.store.pledge_followup import (
    checkin_frame,
    claim_due_reminders,
    event_frame,
    reminders_sent_frame,
)
from healthgap.store.pledge_tables import (
    Pledge,
    PledgeCheckin,
    PledgeContact,
    PledgeModerationEvent,
    PledgeReminder,
)

SLUG = "small-changes-2026"
NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
CAMPAIGN = campaign_from_mapping(example_campaign())
FORM = PledgeForm(
    idempotency_key="k" * 24, set_pledge="walk-at-lunch", consent=True, audience="staff",
    display_name="Sam", reminders=True, email="sam@example.org", postcode_district="TS24",
)  # fmt: skip
WORKER = Path(__file__).with_name("pledge_worker.py")


def _submission(form: PledgeForm = FORM, campaign=CAMPAIGN):
    return validate_pledge(campaign, form, today=NOW.date())


def _setup(database: Database, campaign=CAMPAIGN) -> None:
    with database.unit_of_work() as session:
        save_campaign(session, campaign=campaign)


def _count(database: Database, table) -> int:
    with database.reader() as session:
        return int(session.scalar(select(func.count()).select_from(table)))


def _pledge(database: Database, key: str, campaign=CAMPAIGN, **changes) -> str:
    form = replace(FORM, idempotency_key=key, **changes)
    return record_pledge(
        database, campaign=campaign, submission=_submission(form, campaign), now=NOW
    ).public_id


def test_pledge_tables_match_the_migration(database: Database) -> None:
    mine = {t for t in Base.metadata.tables if t.startswith(("pledge", "rate_limit"))}
    assert len(mine) == 9
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = [d for d in diff if any(name in repr(d) for name in mine)]
    assert ours == []


def test_campaigns_save_update_and_retire_set_pledges(database: Database) -> None:
    _setup(database)
    changed = campaign_from_mapping(
        example_campaign(title="New title", set_pledges=example_campaign()["set_pledges"][1:])
    )
    _setup(database, changed)
    with database.reader() as session:
        assert get_campaign(session, slug=SLUG) == changed
        codes = {p.code: p.retired for p in session.scalars(select(pledge_store.PledgeSetPledge))}
    assert codes == {"water-not-fizzy": True, "walk-at-lunch": False, "two-dry-days": False}


def test_a_pledge_is_stored_whole_and_a_replay_counts_once(database: Database) -> None:
    _setup(database)
    first = record_pledge(database, campaign=CAMPAIGN, submission=_submission(), now=NOW)
    assert not first.replayed and first.status is PledgeStatus.published
    assert first.reminders_scheduled == 3
    again = record_pledge(database, campaign=CAMPAIGN, submission=_submission(), now=NOW)
    assert again.replayed and again.public_id == first.public_id and again.reminders_scheduled == 3
    assert [_count(database, t) for t in (Pledge, PledgeContact, PledgeReminder,
                                          PledgeModerationEvent)] == [1, 1, 3, 1]  # fmt: skip
    other_content = _submission(replace(FORM, display_name="Someone else"))
    with pytest.raises(InputError, match="form_already_used"):
        record_pledge(database, campaign=CAMPAIGN, submission=other_content, now=NOW)
    with database.reader() as session:
        view = pledge_view(session, public_id=first.public_id)
        assert view.text.startswith("Walk for 15") and view.display_name == "Sam"
        assert view.created_at == NOW and view.postcode_district == "TS24"
        assert "email" not in view.__dataclass_fields__


def test_concurrent_replays_from_threads_store_exactly_one(database: Database) -> None:
    _setup(database)
    submission = _submission()
    receipts, errors = [], []
    barrier = threading.Barrier(8)

    def submit() -> None:
        barrier.wait()
        try:
            receipts.append(
                record_pledge(database, campaign=CAMPAIGN, submission=submission, now=NOW)
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(receipts) == 8 and sum(not r.replayed for r in receipts) == 1
    assert len({r.public_id for r in receipts}) == 1
    assert [_count(database, t) for t in (Pledge, PledgeContact, PledgeReminder)] == [1, 1, 3]


def test_concurrent_replays_from_processes_store_exactly_one(database: Database) -> None:
    _setup(database)
    url = database.url.render_as_string(hide_password=False)
    start_at = time.time() + 6.0  # all four are running and connected by then
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), url, SLUG, str(start_at), "p" * 30],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(4)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(not r["replayed"] for r in results) == 1
    assert len({r["public_id"] for r in results}) == 1
    assert [_count(database, t) for t in (Pledge, PledgeContact, PledgeReminder)] == [1, 1, 3]


def test_a_failure_mid_transaction_leaves_nothing(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(database)

    def broken(*_args: object) -> list:
        raise StorageError("disk full")

    monkeypatch.setattr(pledge_recording, "reminder_schedule", broken)
    with pytest.raises(StorageError):
        record_pledge(database, campaign=CAMPAIGN, submission=_submission(), now=NOW)
    assert [_count(database, t) for t in (Pledge, PledgeContact, PledgeModerationEvent)] == [0] * 3


def test_pre_moderation_queue_and_the_wall(database: Database) -> None:
    campaign = campaign_from_mapping(example_campaign(moderation="pre"))
    _setup(database, campaign)
    held = _pledge(database, "a" * 24, campaign)
    flagged = record_pledge(
        database, campaign=campaign, now=NOW,
        submission=_submission(replace(FORM, idempotency_key="b" * 24, display_name="shit"),
                               campaign),
    )  # fmt: skip
    assert flagged.status is PledgeStatus.pending
    with database.reader() as session:
        assert [v.public_id for v in moderation_queue(session, campaign_slug=SLUG)] == [
            held,
            flagged.public_id,
        ]
        assert pledge_wall(session, campaign_slug=SLUG) == []
        assert live_count(session, campaign_slug=SLUG) == 2
    with database.unit_of_work() as session:
        moderate(session, public_id=held, status=PledgeStatus.published, actor="ann")
        moderate(session, public_id=flagged.public_id, status=PledgeStatus.rejected,
                 actor="ann", reason="abusive name")  # fmt: skip
    with pytest.raises(InputError, match="bad_transition"), database.unit_of_work() as session:
        moderate(session, public_id=held, status=PledgeStatus.pending, actor="ann")
    with database.reader() as session:
        assert [v.public_id for v in pledge_wall(session, campaign_slug=SLUG)] == [held]
        assert live_count(session, campaign_slug=SLUG) == 1
        events = session.execute(
            select(PledgeModerationEvent.actor, PledgeModerationEvent.to_status)
            .order_by(PledgeModerationEvent.id)
        ).all()  # fmt: skip
    assert [tuple(e) for e in events] == [
        ("system", "pending"), ("filter", "pending"), ("ann", "published"), ("ann", "rejected"),
    ]  # fmt: skip


def _links(public_id: str, week: int) -> ReminderLinks:
    base = "https://hg.example/pledge"
    return ReminderLinks(f"{base}/checkin/{public_id}/{week}", f"{base}/unsubscribe/{public_id}",
                         f"{base}/delete/{public_id}")  # fmt: skip


class FailingSender:
    def send(self, message: object) -> None:  # noqa: ARG002
        raise ConnectionRefusedError("smtp down for sam@example.org")


def test_reminders_are_sent_when_due_and_retried_on_failure(
    database: Database, tmp_path: Path
) -> None:
    _setup(database)
    public_id = _pledge(database, "a" * 24)
    sender = FileMailSender(tmp_path / "outbox")
    kwargs = {"links": _links, "from_address": "pledges@hg.example"}
    early = send_due_reminders(database, sender=sender, now=NOW + timedelta(days=6), **kwargs)
    assert early.sent == 0
    week1 = NOW + timedelta(days=7, minutes=1)
    assert send_due_reminders(database, sender=FailingSender(), now=week1, **kwargs).failed == 1
    with database.reader() as session:
        reminder = session.scalar(select(PledgeReminder).where(PledgeReminder.week == 1))
        assert reminder.status == "scheduled" and reminder.last_error == "ConnectionRefusedError"
    assert send_due_reminders(database, sender=sender, now=week1, **kwargs).sent == 1
    (mail,) = (tmp_path / "outbox").iterdir()
    body = mail.read_text()
    assert f"checkin/{public_id}/1" in body and "List-Unsubscribe-Post" in body
    with database.reader() as session:
        assert reminders_sent_frame(session, campaign_slug=SLUG).values.tolist() == [[1, 1]]
    for _ in range(3):
        send_due_reminders(database, sender=FailingSender(), now=NOW + timedelta(weeks=5), **kwargs)
    with database.reader() as session:
        statuses = dict(session.execute(select(PledgeReminder.week, PledgeReminder.status)).all())
    assert statuses == {1: "sent", 4: "failed", 12: "scheduled"}


def test_a_stale_claim_is_taken_over_and_rejected_pledges_get_no_mail(database: Database) -> None:
    _setup(database)
    _pledge(database, "a" * 24)
    spam = _pledge(database, "b" * 24, email="other@example.org")
    with database.unit_of_work() as session:
        moderate(session, public_id=spam, status=PledgeStatus.rejected, actor="ann")
    due = NOW + timedelta(days=8)
    with database.unit_of_work() as session:
        (claimed,) = claim_due_reminders(session, now=due)
        assert claimed.email == "sam@example.org"
    with database.unit_of_work() as session:  # the first worker died mid-send
        assert claim_due_reminders(session, now=due + timedelta(minutes=5)) == []
        (again,) = claim_due_reminders(session, now=due + timedelta(minutes=31))
    assert again.reminder_id == claimed.reminder_id


def test_checkins_replace_earlier_answers(database: Database) -> None:
    _setup(database)
    public_id = _pledge(database, "a" * 24)
    for outcome in (CheckinOutcome.not_yet, CheckinOutcome.kept):
        with database.unit_of_work() as session:
            record_checkin(session, public_id=public_id, week=1, outcome=outcome, now=NOW)
    with database.unit_of_work() as session:
        record_checkin(session, public_id=public_id, week=4, outcome=CheckinOutcome.partly,
                       now=NOW)  # fmt: skip
    with database.reader() as session:
        frame = checkin_frame(session, campaign_slug=SLUG)
    assert frame[["week", "outcome", "theme"]].values.tolist() == [
        [1, "kept", "activity"],
        [4, "partly", "activity"],
    ]


def test_unsubscribe_stops_reminders_and_forgets_the_email(database: Database) -> None:
    news = campaign_from_mapping(example_campaign(marketing_sender="Example Council"))
    _setup(database, news)
    reminders_only = _pledge(database, "a" * 24, news)
    form = replace(FORM, idempotency_key="b" * 24, marketing=True)
    both = record_pledge(
        database, campaign=news, submission=_submission(form, news), now=NOW
    ).public_id
    with database.unit_of_work() as session:
        assert unsubscribe(session, public_id=reminders_only)
        assert unsubscribe(session, public_id=both)
    with database.unit_of_work() as session:
        assert not unsubscribe(session, public_id=reminders_only)  # nothing left to stop
    with database.reader() as session:
        contacts = session.execute(select(PledgeContact.reminders, PledgeContact.marketing)).all()
        statuses = set(session.scalars(select(PledgeReminder.status)))
    assert [tuple(c) for c in contacts] == [(False, True)]  # the news consent stays
    assert statuses == {"cancelled"}


def test_self_service_delete_removes_everything(database: Database) -> None:
    _setup(database)
    public_id = _pledge(database, "a" * 24)
    with database.unit_of_work() as session:
        record_checkin(session, public_id=public_id, week=1, outcome=CheckinOutcome.kept, now=NOW)
    with database.unit_of_work() as session:
        assert delete_pledge(session, public_id=public_id)
    with database.unit_of_work() as session:
        assert not delete_pledge(session, public_id=public_id)
    for table in (Pledge, PledgeContact, PledgeReminder, PledgeCheckin, PledgeModerationEvent):
        assert _count(database, table) == 0, table
    with pytest.raises(InputError, match="pledge_gone"), database.unit_of_work() as session:
        record_checkin(session, public_id=public_id, week=4, outcome=CheckinOutcome.kept, now=NOW)


def test_event_counters_lose_nothing_under_concurrency(database: Database) -> None:
    _setup(database)
    day = date(2026, 1, 10)

    def view(n: int) -> None:
        for _ in range(n):
            with database.unit_of_work() as session:
                count_event(session, campaign_slug=SLUG, kind="page_view", day=day)

    threads = [threading.Thread(target=view, args=(25,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.unit_of_work() as session:
        count_event(session, campaign_slug=SLUG, kind="share", day=day, channel="whatsapp")
        with pytest.raises(InputError, match="bad_event"):
            count_event(session, campaign_slug=SLUG, kind="like", day=day)
    with database.reader() as session:
        frame = event_frame(session, campaign_slug=SLUG)
    assert frame.values.tolist() == [[day, "page_view", "", 150], [day, "share", "whatsapp", 1]]


def test_retention_deletes_contacts_then_public_details(database: Database) -> None:
    _setup(database)
    kept_id = _pledge(database, "a" * 24, group="Night shift")
    own = replace(FORM, idempotency_key="b" * 24, set_pledge="", own_text="I, Sam Smith, will run",
                  own_theme="activity")  # fmt: skip
    record_pledge(database, campaign=CAMPAIGN, submission=_submission(own), now=NOW)
    with database.unit_of_work() as session:
        record_checkin(session, public_id=kept_id, week=1, outcome=CheckinOutcome.kept, now=NOW)
    ends = CAMPAIGN.ends_on  # 31 March 2026; contact data kept 120 days, details 365
    assert apply_retention(database, now=datetime(2026, 7, 29, 22, tzinfo=UTC)) == []
    first = apply_retention(database, now=datetime(2026, 7, 30, 0, 30, tzinfo=UTC))
    assert [(r.contacts_deleted, r.reminders_deleted, r.pledges_anonymised) for r in first] == [
        (2, 6, 0)
    ]
    with database.reader() as session:
        assert pledge_view(session, public_id=kept_id).display_name == "Sam"
    later = datetime.combine(ends + timedelta(days=366), datetime.min.time(), tzinfo=UTC)
    second = apply_retention(database, now=later)
    assert [r.pledges_anonymised for r in second] == [2]
    assert apply_retention(database, now=later)[0].pledges_anonymised == 0
    with database.reader() as session:
        rows = session.execute(
            select(Pledge.display_name, Pledge.pledger_ref, Pledge.group_name, Pledge.own_text)
            .order_by(Pledge.id)
        ).all()  # fmt: skip
        frame = pledge_frame(session, campaign_slug=SLUG)
        answers = checkin_frame(session, campaign_slug=SLUG)
    assert [tuple(r) for r in rows] == [(None, None, None, None), (None, None, None, "")]
    assert frame["own_pledge"].tolist() == [False, True] and len(answers) == 1
    assert _count(database, PledgeContact) == 0 and _count(database, PledgeReminder) == 0


def test_pledge_frame_is_for_analysis_only(database: Database) -> None:
    _setup(database)
    _pledge(database, "a" * 24)
    _pledge(database, "b" * 24, anonymous=True, postcode_district="")
    with database.reader() as session:
        frame = pledge_frame(session, campaign_slug=SLUG)
    assert list(frame.columns) == [
        "pledge_id", "campaign", "created_at", "theme", "set_pledge_code", "own_pledge",
        "postcode_district", "age_band", "group", "audience", "pledger", "status",
    ]  # fmt: skip
    assert frame["created_at"].dt.tz is not None
    assert frame["postcode_district"].iloc[0] == "TS24" and frame["postcode_district"].isna()[1]
    assert frame["set_pledge_code"].tolist() == ["walk-at-lunch"] * 2
