"""Logging MECC conversations through the use cases: only linked logins log, batches are taken
in part with problems by position, and a replayed or concurrent batch never counts twice."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from healthgap.analyses import (
    link_staff_account,
    log_entry,
    logging_choices,
    logging_staff,
    sync_entries,
)
from healthgap.errors import InputError, PermissionDenied
from healthgap.store import Database, create_user
from healthgap.store.mecc import count_contacts
from mecc_checks import MECC_TODAY

TODAY = MECC_TODAY


def _login(database: Database, name: str, staff_id: str | None, role: str = "staff") -> int:
    with database.unit_of_work() as session:
        user_id = create_user(
            session, username=name, password="a long enough password", role=role
        ).id
    if staff_id:
        link_staff_account(database, staff_id=staff_id, username=name)
    return user_id


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "client_id": str(uuid.uuid4()),
        "contact_date": TODAY.isoformat(),
        "setting": "acute",
        "organisation": "acute",
        "team": "ed",
        "topics": ["tobacco"],
        "action": "referral",
        "destination": "stop_smoking",
    }
    return {**entry, **changes}


def _stored(database: Database) -> int:
    with database.reader() as session:
        return count_contacts(session)


def test_a_login_that_is_not_linked_cannot_log(mecc_db: Database) -> None:
    user = _login(mecc_db, "analyst1", None, role="analyst")
    for call in (
        lambda: logging_choices(mecc_db, user_id=user),
        lambda: sync_entries(mecc_db, user_id=user, payloads=[_entry()], today=TODAY),
        lambda: log_entry(mecc_db, user_id=user, payload=_entry(), today=TODAY),
    ):
        with pytest.raises(PermissionDenied, match="not linked"):
            call()


def test_choices_offer_codes_with_labels_and_the_staff_defaults(mecc_db: Database) -> None:
    user = _login(mecc_db, "nurse", "acute-0002")
    choices = logging_choices(mecc_db, user_id=user, today=TODAY)
    assert (choices.staff.organisation, choices.staff.staff_id) == ("acute", "acute-0002")
    assert choices.synthetic and choices.today == TODAY
    assert [t["code"] for t in choices.topics][:2] == ["diet_weight", "physical_activity"]
    assert {a["code"]: a["needs_destination"] for a in choices.actions} == {
        "advice": False,
        "signpost": True,
        "referral": True,
    }
    assert {"organisation": "acute", "code": "ed", "label": "Emergency department"} in choices.teams


def test_a_batch_is_taken_in_part_and_a_replay_counts_nothing_twice(mecc_db: Database) -> None:
    user = _login(mecc_db, "nurse", "acute-0002")
    before = _stored(mecc_db)
    future = (TODAY + timedelta(days=1)).isoformat()
    batch = [
        _entry(),
        _entry(topics=["smoking"]),  # not a topic code
        _entry(action="advice", destination=None),
        _entry(contact_date=future),
        _entry(notes="spoke to Mrs Jones"),  # free text is refused
        _entry(action="signpost", destination=None),
    ]
    first = sync_entries(mecc_db, user_id=user, payloads=batch, today=TODAY)
    assert first.stored == (batch[0]["client_id"], batch[2]["client_id"])
    assert (first.inserted, first.duplicates) == (2, 0)
    assert {(p.row, p.rule) for p in first.problems} == {
        (2, "unknown_topic"),
        (4, "future_date"),
        (5, "free_text_refused"),
        (6, "missing_destination"),
    }
    answer = first.as_json()
    assert answer["problems"][0]["position"] == 2 and "Mrs Jones" not in str(answer)

    again = sync_entries(mecc_db, user_id=user, payloads=batch, today=TODAY)
    assert (again.inserted, again.duplicates) == (0, 2)
    assert again.stored == first.stored
    assert _stored(mecc_db) == before + 2


def test_the_member_of_staff_comes_from_the_login_not_the_payload(mecc_db: Database) -> None:
    user = _login(mecc_db, "nurse", "acute-0002")
    outcome = sync_entries(
        mecc_db, user_id=user, payloads=[_entry(staff_id="fire-0001")], today=TODAY
    )
    assert outcome.problems[0].rule == "free_text_refused"
    sync_entries(mecc_db, user_id=user, payloads=[_entry(client_id=str(uuid.uuid4()))], today=TODAY)
    from healthgap.store.mecc import list_contacts

    with mecc_db.reader() as session:
        logs = list_contacts(session, start=TODAY, end=TODAY)
    assert set(logs["staff_id"]) == {"acute-0002"}


def test_a_repeat_inside_a_batch_and_a_conflicting_id(mecc_db: Database) -> None:
    user = _login(mecc_db, "nurse", "acute-0002")
    entry = _entry()
    outcome = sync_entries(
        mecc_db,
        user_id=user,
        payloads=[entry, dict(entry), {**entry, "topics": ["alcohol"]}],
        today=TODAY,
    )
    assert outcome.repeated == 1 and outcome.inserted == 0
    assert [p.rule for p in outcome.problems] == ["conflicting_client_id"]
    big = sync_entries(mecc_db, user_id=user, payloads=[_entry()] * 501, today=TODAY)
    assert big.problems[0].rule == "batch_too_large" and big.stored == ()


def test_concurrent_replays_store_each_entry_once(mecc_db: Database) -> None:
    user = _login(mecc_db, "nurse", "acute-0002")
    before = _stored(mecc_db)
    batch = [_entry() for _ in range(20)]
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(
            pool.map(
                lambda _: sync_entries(mecc_db, user_id=user, payloads=batch, today=TODAY),
                range(8),
            )
        )
    assert sum(o.inserted for o in outcomes) == 20
    assert sum(o.duplicates for o in outcomes) == 7 * 20
    assert _stored(mecc_db) == before + 20


def test_one_entry_from_the_form(mecc_db: Database) -> None:
    user = _login(mecc_db, "nurse", "acute-0002")
    entry = _entry(action="advice", destination="")
    first = log_entry(mecc_db, user_id=user, payload=entry, today=TODAY)
    again = log_entry(mecc_db, user_id=user, payload=entry, today=TODAY)
    assert (first.inserted, again.inserted, again.duplicates) == (1, 0, 1)
    with pytest.raises(InputError) as caught:
        log_entry(mecc_db, user_id=user, payload=_entry(team="icu"), today=TODAY)
    assert caught.value.problems[0].rule == "unknown_team"
    with pytest.raises(InputError) as caught:
        log_entry(mecc_db, user_id=user, payload=_entry(contact_date="2023-01-01"), today=TODAY)
    assert caught.value.problems[0].rule == "too_old"


def test_linking_moves_a_login_and_checks_names(mecc_db: Database) -> None:
    _login(mecc_db, "nurse", "acute-0002")
    link_staff_account(mecc_db, staff_id="fire-0001", username="nurse")
    with mecc_db.reader() as session:
        from healthgap.store.mecc import staff_accounts

        linked = staff_accounts(session).query("username == 'nurse'")["staff_id"].tolist()
    assert linked == ["fire-0001"]
    with pytest.raises(InputError) as caught:
        link_staff_account(mecc_db, staff_id="nobody", username="no-such-login")
    assert {p.rule for p in caught.value.problems} == {"unknown_staff", "unknown_user"}
    link_staff_account(mecc_db, staff_id="fire-0001", username=None)
    user_id = _login(mecc_db, "other", None)
    with pytest.raises(PermissionDenied):
        logging_staff(mecc_db, user_id=user_id)


def test_a_new_member_of_staff_can_log_at_once(mecc_db: Database, tmp_path) -> None:  # noqa: ANN001
    """The cached directory is reloaded when the staff list grows."""
    from healthgap.analyses import import_mecc_directory

    user = _login(mecc_db, "nurse", "acute-0002")
    sync_entries(mecc_db, user_id=user, payloads=[_entry()], today=TODAY)  # caches the directory
    (tmp_path / "o.csv").write_text(
        "organisation,name,org_type,setting,area_code\n"
        "pharm,Synthetic Pharmacy,pharmacy,pharmacy,E06999002\n"
    )
    (tmp_path / "t.csv").write_text("organisation,team,name\npharm,counter,Counter\n")
    (tmp_path / "s.csv").write_text("staff_id,organisation,team,frontline\nph-1,pharm,counter,y\n")
    files = {"organisations": tmp_path / "o.csv", "teams": tmp_path / "t.csv"}
    import_mecc_directory(mecc_db, **files, staff=tmp_path / "s.csv")
    newcomer = _login(mecc_db, "pharmacist", "ph-1")
    outcome = sync_entries(
        mecc_db,
        user_id=newcomer,
        payloads=[_entry(organisation="pharm", team="counter", setting="pharmacy")],
        today=TODAY,
    )
    assert outcome.inserted == 1 and not outcome.problems
