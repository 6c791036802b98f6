"""Journey maps, insight notes and feedback sends on SQLite and on a real PostgreSQL server,
including two writers editing the same journey at once (no lost update)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import db_fixtures
import pytest
from sqlalchemy import func, inspect, select

from healthgap.errors import ConflictError, InputError, StorageError
from healthgap.journeys import (
    FeedbackSend,
    InsightNote,
    build_feedback_summary,
    load_template,
    move_touchpoint,
    update_touchpoint,
)
from healthgap.store import Database
from healthgap.store.journey_insight import (
    delete_insight_note,
    find_insight_notes,
    get_insight_note,
    list_feedback_sends,
    record_feedback_send,
    save_insight_note,
)
from healthgap.store.journey_models import StageRow, TouchpointRow
from healthgap.store.journeys import (
    create_journey,
    delete_journey,
    get_journey,
    get_journey_version,
    journey_history,
    list_journeys,
    save_journey,
)
from healthgap.store.models import Base

JOURNEY_TABLES = {
    "journeys", "journey_versions", "journey_stages", "journey_touchpoints",
    "journey_improvements", "insight_notes", "insight_links", "feedback_sends",
}  # fmt: skip


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    yield from db_fixtures.start_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from db_fixtures.open_database(request, tmp_path)


@pytest.fixture
def demo() -> object:
    return load_template("demo_health_check")


def _note(key: str = "fg-drivers", **changes: object) -> InsightNote:
    note = InsightNote(
        id=key,
        title="Drivers' focus group",
        method="focus_group",
        held_on=date(2025, 2, 1),
        consent_basis="written consent",
        themes=("Appointment times", "letters"),
        sample_size=8,
        summary="Morning-only slots and 100% jargon in letters",
        quotes=("Mornings only, no good to me",),
        segment_ids=("demo-segment-4",),
        journey_ids=(),
        touchpoints=("demo-health-check-as-is/booking-call",),
        synthetic=True,
    )
    return replace(note, **changes)


def test_migrated_journey_tables_match_the_models(database: Database) -> None:
    inspector = inspect(database.engine)
    assert set(inspector.get_table_names()) >= JOURNEY_TABLES
    for table in Base.metadata.sorted_tables:
        if table.name in JOURNEY_TABLES:
            migrated = {c["name"] for c in inspector.get_columns(table.name)}
            assert migrated == {c.name for c in table.columns}, table.name


def test_journey_round_trips_and_keeps_dated_versions(database: Database, demo) -> None:
    with database.unit_of_work() as session:
        stored = create_journey(session, demo, user_id=None)
    assert stored.version == 1
    with database.reader() as session:
        loaded = get_journey(session, demo.id)
    assert loaded is not None and loaded.journey == demo

    edited = move_touchpoint(demo, "slot-system", "up")
    with database.unit_of_work() as session:
        saved = save_journey(
            session, edited, expected_version=1, note="reordered", version_date=date(2025, 4, 1)
        )
    edited = replace(edited, version_date=date(2025, 4, 1))
    assert saved.version == 2
    with database.reader() as session:
        current = get_journey(session, demo.id)
        history = journey_history(session, demo.id)
        first = get_journey_version(session, demo.id, 1)
        listing = list_journeys(session)
    assert current.version == 2 and current.journey == replace(edited, version=2)
    assert [(v.version, v.version_date, v.note) for v in history] == [
        (1, date(2025, 3, 1), "created"),
        (2, date(2025, 4, 1), "reordered"),
    ]
    assert first == demo
    assert [(j.key, j.version, j.synthetic) for j in listing] == [(demo.id, 2, True)]


def test_stale_save_is_refused_and_the_first_edit_kept(database: Database, demo) -> None:
    with database.unit_of_work() as session:
        create_journey(session, demo)
    # Two people open version 1 in two browsers.
    with database.reader() as session:
        ann_copy = get_journey(session, demo.id)
    with database.reader() as session:
        bob_copy = get_journey(session, demo.id)
    ann_edit = update_touchpoint(ann_copy.journey, "the-check", emotion=2.0)
    bob_edit = update_touchpoint(bob_copy.journey, "lab", wait="two days")
    with database.unit_of_work() as session:
        save_journey(session, ann_edit, expected_version=ann_copy.version)
    expected = "version 1, it is now version 2"
    with pytest.raises(ConflictError, match=expected) as caught, database.unit_of_work() as s:
        save_journey(s, bob_edit, expected_version=bob_copy.version)
    assert isinstance(caught.value, StorageError) and caught.value.current_version == 2
    with database.reader() as session:
        stored = get_journey(session, demo.id)
        versions = [v.version for v in journey_history(session, demo.id)]
    assert stored.journey.touchpoint("the-check").emotion == 2.0
    assert stored.journey.touchpoint("lab").wait == demo.touchpoint("lab").wait
    assert versions == [1, 2]


def test_simultaneous_saves_never_lose_an_edit(database: Database, demo) -> None:
    """The second writer's save starts while the first is still uncommitted."""
    with database.unit_of_work() as session:
        create_journey(session, demo)
    first_wrote, outcome = threading.Event(), {}

    def second_writer() -> None:
        first_wrote.wait(10)
        edit = update_touchpoint(demo, "lab", wait="two days")
        try:
            with database.unit_of_work() as session:
                save_journey(session, edit, expected_version=1)
            outcome["result"] = "saved"
        except ConflictError as exc:
            outcome["result"] = f"conflict {exc.current_version}"

    thread = threading.Thread(target=second_writer)
    thread.start()
    with database.unit_of_work() as session:
        save_journey(session, update_touchpoint(demo, "the-check", emotion=2.0), expected_version=1)
        first_wrote.set()
        time.sleep(0.5)  # the second writer is now blocked on our row (or database) lock
    thread.join(15)
    assert outcome == {"result": "conflict 2"}
    with database.reader() as session:
        stored = get_journey(session, demo.id)
    assert stored.version == 2 and stored.journey.touchpoint("the-check").emotion == 2.0


def test_invalid_or_duplicate_journeys_write_nothing(database: Database, demo) -> None:
    broken = replace(demo, touchpoints=(replace(demo.touchpoints[0], emotion=5.0),))
    with pytest.raises(InputError, match="emotion_out_of_range"), database.unit_of_work() as s:
        create_journey(s, broken)
    with database.unit_of_work() as session:
        create_journey(session, demo)
    with pytest.raises(InputError, match="duplicate_id"), database.unit_of_work() as session:
        create_journey(session, demo)
    with pytest.raises(InputError, match="unknown_journey"), database.unit_of_work() as session:
        save_journey(session, replace(demo, id="nobody"), expected_version=1)
    with database.reader() as session:
        assert [j.key for j in list_journeys(session)] == [demo.id]


def test_delete_checks_the_version_and_removes_children(database: Database, demo) -> None:
    with database.unit_of_work() as session:
        create_journey(session, demo)
        save_journey(session, demo, expected_version=1)
    with pytest.raises(ConflictError), database.unit_of_work() as session:
        delete_journey(session, demo.id, expected_version=1)
    with database.unit_of_work() as session:
        delete_journey(session, demo.id, expected_version=2)
    with database.reader() as session:
        assert get_journey(session, demo.id) is None
        assert session.scalar(select(func.count()).select_from(StageRow)) == 0
        assert session.scalar(select(func.count()).select_from(TouchpointRow)) == 0
        assert journey_history(session, demo.id) == []


def test_insight_notes_round_trip_and_search(database: Database) -> None:
    survey = _note(
        "survey-1", method="survey", title="Online survey", themes=("letters",),
        quotes=("The letter was confusing",), summary="", segment_ids=(), touchpoints=(),
        journey_ids=("stop-smoking-as-is",), held_on=date(2025, 3, 1),
    )  # fmt: skip
    with database.unit_of_work() as session:
        save_insight_note(session, _note())
        save_insight_note(session, survey)
    with database.reader() as session:
        assert get_insight_note(session, "fg-drivers") == _note()
        assert [n.id for n in find_insight_notes(session)] == ["survey-1", "fg-drivers"]
        assert [n.id for n in find_insight_notes(session, "MORNINGS only")] == ["fg-drivers"]
        assert [n.id for n in find_insight_notes(session, "letter")] == ["survey-1", "fg-drivers"]
        assert [n.id for n in find_insight_notes(session, theme="LETTERS")] == [
            "survey-1", "fg-drivers"]  # fmt: skip
        assert [n.id for n in find_insight_notes(session, method="survey")] == ["survey-1"]
        assert [n.id for n in find_insight_notes(session, segment_id="demo-segment-4")] == [
            "fg-drivers"]  # fmt: skip
        by_journey = find_insight_notes(session, journey_id="demo-health-check-as-is")
        assert [n.id for n in by_journey] == ["fg-drivers"]
        assert [n.id for n in find_insight_notes(session, "100%")] == ["fg-drivers"]
        assert [n.id for n in find_insight_notes(session, "%")] == ["fg-drivers"]
        assert find_insight_notes(session, "_") == []
    with database.unit_of_work() as session:
        save_insight_note(session, _note(themes=("Transport",)))
    with database.reader() as session:
        assert find_insight_notes(session, theme="letters")[0].id == "survey-1"
        assert get_insight_note(session, "fg-drivers").themes == ("Transport",)
    with database.unit_of_work() as session:
        delete_insight_note(session, "fg-drivers")
    with database.reader() as session:
        assert get_insight_note(session, "fg-drivers") is None


def test_bad_note_is_refused(database: Database) -> None:
    with pytest.raises(InputError) as caught, database.unit_of_work() as session:
        save_insight_note(session, _note(method="rumour", consent_basis=" ", themes=()))
    assert {p.rule for p in caught.value.problems} == {"unknown_method", "missing_value"}
    with database.reader() as session:
        assert find_insight_notes(session) == []


def test_feedback_sends_are_recorded_with_their_content(database: Database, demo) -> None:
    summary = build_feedback_summary(journey=demo, notes=[_note()], prepared_on=date(2025, 4, 1))
    send = FeedbackSend(summary.title, date(2025, 4, 2), "email", "Focus group members", 8,
                        demo.id, ("fg-drivers",))  # fmt: skip
    with database.unit_of_work() as session:
        record_feedback_send(session, send, summary, today=date(2025, 4, 3))
    with pytest.raises(InputError, match="unknown_channel"), database.unit_of_work() as session:
        record_feedback_send(session, replace(send, channel="pigeon"), summary)
    with database.reader() as session:
        sends = list_feedback_sends(session, journey_id=demo.id)
        assert list_feedback_sends(session, journey_id="other") == []
    assert len(sends) == 1 and sends[0].send == send
    assert sends[0].content["what_we_are_doing"][0]["text"] == summary.what_we_are_doing[0].text
