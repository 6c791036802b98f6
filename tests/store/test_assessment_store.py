"""Stored self-assessments on SQLite and a real PostgreSQL server: a whole workshop, the rules
of each round, the saved framework version, actions with history, and two facilitators
closing the same consensus item at once."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import db_fixtures
import pandas as pd
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import func, select

import healthgap.store.assessment as stored
from healthgap.assessment import (
    Scope,
    assessment_report,
    parse_pack_text,
    report_json,
    report_xlsx,
    shipped_catalogue,
    weakest_link,
)
from healthgap.errors import HealthgapError, InputError, PermissionDenied
from healthgap.store import (
    Database,
    action_history,
    add_participant,
    close_consensus_item,
    create_action,
    create_assessment,
    create_user,
    delete_action,
    get_assessment,
    list_actions,
    list_assessments,
    open_consensus_round,
    record_rating,
    round_progress,
    set_action_status,
    update_action,
)
from healthgap.store.accounts import use_password_hasher
from healthgap.store.assessment_models import ConsensusRecord, RatingRecord

PASSWORD = "correct horse battery staple"
HINST = shipped_catalogue().get("hinst_cbo")
AREAS = [item.id for item in HINST.top_items()]
SCOPE = Scope("E07900034", "CVD", "2022-24", place_name="Synthetic District 034")


@pytest.fixture(scope="module", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    yield
    use_password_hasher(PasswordHasher())


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    yield from db_fixtures.start_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from db_fixtures.open_database(request, tmp_path)


def _workshop(database: Database, *, facilitators: int = 1) -> dict[str, object]:
    """An assessment with ``facilitators`` analysts and three viewers taking part."""
    with database.unit_of_work() as session:
        leads = [create_user(session, username=f"lead{i}", password=PASSWORD, role="analyst")
                 for i in range(facilitators)]  # fmt: skip
        people = [create_user(session, username=f"person{i}", password=PASSWORD, role="viewer")
                  for i in range(3)]  # fmt: skip
        record = create_assessment(session, version=HINST, scope=SCOPE, mode="quick",
                                   title="CVD diagnostic", created_by=leads[0].id)  # fmt: skip
        lead_ids = [add_participant(session, assessment_id=record.id, user_id=u.id,
                                    role="facilitator").id for u in leads]  # fmt: skip
        person_ids = [add_participant(session, assessment_id=record.id, user_id=u.id).id
                      for u in people]  # fmt: skip
        return {"id": record.id, "leads": lead_ids, "people": person_ids}


def test_a_whole_workshop(database: Database) -> None:
    ids = _workshop(database)
    aid, lead = ids["id"], ids["leads"][0]
    with database.unit_of_work() as session:
        for k, person in enumerate(ids["people"]):
            for j, item in enumerate(AREAS):
                record_rating(
                    session,
                    assessment_id=aid,
                    participant_id=person,
                    item_id=item,
                    level=str((j + k) % 5),
                    rationale="from the JSNA",
                    evidence=["JSNA 2024"] if k == 0 else [],
                    confidence="medium",
                )
    with database.reader() as session:
        progress = round_progress(session, assessment_id=aid)
    assert [(p["role"], p["rated"], p["items"]) for p in progress] == [
        ("facilitator", 0, 12), *[("participant", 12, 12)] * 3]  # fmt: skip
    with database.unit_of_work() as session:
        open_consensus_round(session, assessment_id=aid, by_participant_id=lead)
        for j, item in enumerate(AREAS):
            close_consensus_item(
                session,
                assessment_id=aid,
                item_id=item,
                level=str(j % 4 + 1),
                reason="after discussion",
                decided_by=lead,
                target="3",
            )
        action = create_action(
            session,
            assessment_id=aid,
            item_id="service_volumes",
            text="Invite 2,000 more people a year to NHS Health Checks",
            owner_role="Director of public health",
            due=date(2026, 3, 31),
            indicator="intervention_volumes",
            changed_by="lead0",
        )
        set_action_status(session, action_id=action.id, status="in_progress", note="funded",
                          changed_by="lead0")  # fmt: skip
    with database.reader() as session:
        loaded = get_assessment(session, assessment_id=aid)
        listed = list_assessments(session, place_code="E07900034")
    assert [a.id for a in listed] == [aid]
    done = loaded.assessment
    assert (done.round, len(done.ratings), len(done.consensus)) == ("consensus", 36, 12)
    assert [h.status for h in done.history] == ["not_started", "in_progress"]
    weakest = weakest_link(loaded.version, done)
    assert list(weakest["item_id"]) == [AREAS[0], AREAS[4], AREAS[8]]  # agreed "Early"
    report = assessment_report(loaded.version, done)
    body = report_json(report)
    assert '"weakest_link"' in body and "Invite 2,000 more people" in body
    sheets = pd.read_excel(io.BytesIO(report_xlsx(report)), sheet_name=None)
    assert len(sheets["ratings"]) == 36 and len(sheets["action_history"]) == 2


def test_a_rating_off_the_scale_is_refused_and_nothing_is_written(database: Database) -> None:
    ids = _workshop(database)
    with pytest.raises(InputError) as caught, database.unit_of_work() as session:
        record_rating(session, assessment_id=ids["id"], participant_id=ids["people"][0],
                      item_id="known_needs", level="2")  # fmt: skip
        record_rating(session, assessment_id=ids["id"], participant_id=ids["people"][0],
                      item_id="expressed_demand", level="Excellent")  # fmt: skip
    assert caught.value.problems[0].rule == "level_not_on_scale"
    assert "0 (Not in place)" in caught.value.problems[0].message
    with database.reader() as session:
        assert session.scalar(select(func.count()).select_from(RatingRecord)) == 0


def test_who_may_do_what_and_when(database: Database) -> None:
    ids = _workshop(database)
    aid, lead, person = ids["id"], ids["leads"][0], ids["people"][0]
    with database.unit_of_work() as session:
        viewer = create_user(session, username="viewer9", password=PASSWORD, role="viewer").id
    with pytest.raises(PermissionDenied), database.unit_of_work() as session:
        add_participant(session, assessment_id=aid, user_id=viewer, role="facilitator")
    with pytest.raises(InputError) as caught, database.unit_of_work() as session:
        close_consensus_item(session, assessment_id=aid, item_id="known_needs", level="2",
                             reason="x", decided_by=lead)  # fmt: skip
    assert caught.value.problems[0].rule == "wrong_round"
    with pytest.raises(PermissionDenied), database.unit_of_work() as session:
        open_consensus_round(session, assessment_id=aid, by_participant_id=person)
    with database.unit_of_work() as session:
        open_consensus_round(session, assessment_id=aid, by_participant_id=lead)
    with pytest.raises(InputError) as caught, database.unit_of_work() as session:
        record_rating(session, assessment_id=aid, participant_id=person, item_id="known_needs",
                      level="2")  # fmt: skip
    assert caught.value.problems[0].rule == "wrong_round"
    with pytest.raises(PermissionDenied), database.unit_of_work() as session:
        close_consensus_item(session, assessment_id=aid, item_id="known_needs", level="2",
                             reason="x", decided_by=person)  # fmt: skip


def test_an_assessment_keeps_the_wording_it_was_made_with(database: Database) -> None:
    text = (Path(__file__).parents[2] / "src/healthgap/assessment/content/nsmc_benchmarks.yaml"
            ).read_text(encoding="utf-8")  # fmt: skip
    old = parse_pack_text(text.replace('version: "1.0"', 'version: "0.9-local"'), "old.yaml")
    with database.unit_of_work() as session:
        user = create_user(session, username="lead", password=PASSWORD, role="admin")
        aid = create_assessment(session, version=old, scope=SCOPE, created_by=user.id).id
    with database.reader() as session:
        loaded = get_assessment(session, assessment_id=aid)
    assert loaded.version.key == ("nsmc_benchmarks", "0.9-local")  # not installed anywhere
    assert loaded.version.item("exchange").prompt == old.item("exchange").prompt
    assert loaded.assessment.mode == "all"


def test_actions_crud_with_history(database: Database) -> None:
    aid = _workshop(database)["id"]
    with pytest.raises(InputError) as caught, database.unit_of_work() as session:
        create_action(
            session,
            assessment_id=aid,
            item_id="known_needs",
            text="More",
            owner_role="",
            due=date(2024, 1, 1),
            today=date(2025, 1, 1),
        )
    assert {p.rule for p in caught.value.problems} == {
        "action_too_vague", "missing_owner_role", "due_date_past"}  # fmt: skip
    with database.unit_of_work() as session:
        first = create_action(
            session,
            assessment_id=aid,
            item_id="known_needs",
            text="Publish expected against recorded CVD prevalence",
            owner_role="Public health analyst",
            due=date(2026, 1, 31),
        ).id
        second = create_action(
            session,
            assessment_id=aid,
            item_id="accessibility",
            text="Open two evening clinics in the most deprived wards",
            owner_role="ICB place lead",
            due=date(2026, 6, 30),
        ).id
    with database.unit_of_work() as session:
        row = update_action(session, action_id=first, owner_role="Consultant in public health",
                            indicator="life_expectancy", expected_revision=1)  # fmt: skip
        assert (row.revision, row.indicator) == (2, "life_expectancy")
        set_action_status(session, action_id=first, status="done", note="published")
    with pytest.raises(InputError) as caught, database.unit_of_work() as session:
        update_action(
            session,
            action_id=first,
            text="Publish it again, properly this time",
            expected_revision=2,
        )  # the status change moved it on
    assert caught.value.problems[0].rule == "action_conflict"
    with pytest.raises(InputError), database.unit_of_work() as session:
        set_action_status(session, action_id=first, status="finished")
    with database.unit_of_work() as session:
        delete_action(session, action_id=second)
    with database.reader() as session:
        actions = list_actions(session, assessment_id=aid)
        history = action_history(session, action_id=first)
    assert [(a.id, a.status, a.owner_role) for a in actions] == [
        (first, "done", "Consultant in public health")]  # fmt: skip
    assert [(h.status, h.note) for h in history] == [("not_started", "created"),
                                                     ("done", "published")]  # fmt: skip


def _race(database: Database, monkeypatch: pytest.MonkeyPatch, calls: list[dict[str, object]]
          ) -> list[object]:  # fmt: skip
    """Run the ``close_consensus_item`` calls in two threads that both finish reading the
    item before either writes (a barrier inside the call, after its read)."""
    barrier = threading.Barrier(len(calls), timeout=20)
    real = stored.utcnow

    def after_reading() -> object:  # called once the existing decision has been read
        barrier.wait()
        return real()

    monkeypatch.setattr(stored, "utcnow", after_reading)
    outcomes: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            with database.unit_of_work() as session:
                outcomes[i] = close_consensus_item(session, **calls[i]).level
        except HealthgapError as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.setattr(stored, "utcnow", real)
    return outcomes


def _stored_decisions(database: Database, aid: int) -> list[tuple[str, int, int]]:
    with database.reader() as session:
        rows = session.scalars(
            select(ConsensusRecord).where(
                ConsensusRecord.assessment_id == aid, ConsensusRecord.item_id == "known_needs"
            )
        )
        return [(r.level, r.revision, r.decided_by) for r in rows]  # fmt: skip


def test_two_facilitators_closing_one_item_at_once_leave_one_record(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _workshop(database, facilitators=2)
    aid, leads = ids["id"], ids["leads"]
    with database.unit_of_work() as session:
        open_consensus_round(session, assessment_id=aid, by_participant_id=leads[0])
    first = [{"assessment_id": aid, "item_id": "known_needs", "level": level,
              "reason": f"view of {who}", "decided_by": who}
             for who, level in zip(leads, ["1", "3"], strict=True)]  # fmt: skip
    outcomes = _race(database, monkeypatch, first)
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if isinstance(o, HealthgapError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], InputError)
    assert losers[0].problems[0].rule == "consensus_conflict"
    assert "at the same time" in losers[0].problems[0].message  # the unique constraint caught it
    winner = leads[outcomes.index(winners[0])]
    assert _stored_decisions(database, aid) == [(winners[0], 1, winner)]
    # both now change it from revision 1: one change wins, the other is refused
    second = [{**call, "level": level, "expected_revision": 1}
              for call, level in zip(first, ["2", "4"], strict=True)]  # fmt: skip
    outcomes = _race(database, monkeypatch, second)
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1, outcomes
    loser = next(o for o in outcomes if not isinstance(o, str))
    assert isinstance(loser, HealthgapError)
    winner = leads[outcomes.index(winners[0])]
    assert _stored_decisions(database, aid) == [(winners[0], 2, winner)]
