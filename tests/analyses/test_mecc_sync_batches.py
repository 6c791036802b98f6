"""The batches of several phones stored together (the web app's grouped syncs): each gets the
outcome it would have had alone, a login not linked is refused on its own, and a batch the
database refuses fails alone."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pandas as pd

from healthgap.analyses import link_staff_account, mecc_logging, sync_batches, sync_entries
from healthgap.errors import PermissionDenied, StorageError
from healthgap.store import Database, create_user
from healthgap.store.mecc import count_contacts, list_contacts
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


def test_each_batch_of_a_group_gets_its_own_outcome(mecc_db: Database) -> None:
    nurse = _login(mecc_db, "nurse", "acute-0002")
    porter = _login(mecc_db, "porter", "acute-0003")
    analyst = _login(mecc_db, "analyst1", None, role="analyst")
    before = _stored(mecc_db)
    mixed = [_entry(), _entry(topics=["smoking"]), _entry(action="advice", destination=None)]
    other = [_entry(), _entry()]
    outcomes = sync_batches(
        mecc_db,
        [
            (nurse, mixed),
            (analyst, [_entry()]),  # not linked: refused, the others go on
            (porter, other),
            (nurse, mixed),  # the same batch again, in the same group: counted once
            (porter, "all of them"),  # not a list
        ],
        today=TODAY,
    )
    first, refused, second, replay, not_list = outcomes
    assert first.stored == (mixed[0]["client_id"], mixed[2]["client_id"])  # type: ignore[union-attr]
    assert (first.inserted, first.duplicates) == (2, 0)  # type: ignore[union-attr]
    assert [(p.row, p.rule) for p in first.problems] == [(2, "unknown_topic")]  # type: ignore[union-attr]
    assert isinstance(refused, PermissionDenied) and "not linked" in str(refused)
    assert (second.inserted, second.duplicates) == (2, 0)  # type: ignore[union-attr]
    assert (replay.inserted, replay.duplicates) == (0, 2)  # type: ignore[union-attr]
    assert replay.problems == first.problems  # type: ignore[union-attr]
    assert not_list.problems[0].rule == "not_a_list" and not_list.stored == ()  # type: ignore[union-attr]
    assert _stored(mecc_db) == before + 4
    with mecc_db.reader() as session:
        logs = list_contacts(session, start=TODAY, end=TODAY)
    stored_by = dict(zip(logs["client_id"], logs["staff_id"], strict=True))
    assert stored_by[other[0]["client_id"]] == "acute-0003"  # under the login's own staff id
    assert stored_by[mixed[0]["client_id"]] == "acute-0002"
    # A batch sent alone afterwards: the same answer as from the one-phone use case.
    again = sync_entries(mecc_db, user_id=nurse, payloads=mixed, today=TODAY)
    assert (again.inserted, again.duplicates, again.stored) == (0, 2, first.stored)  # type: ignore[union-attr]


def test_a_batch_the_database_refuses_fails_alone(mecc_db: Database) -> None:
    """A team removed after the entries were checked (here: a cached directory that still
    lists a team the database does not hold) breaks a foreign key: the group's transaction
    fails, each batch is written again on its own, and only that one gets the error."""
    nurse = _login(mecc_db, "nurse", "acute-0002")
    porter = _login(mecc_db, "porter", "acute-0003")
    sync_entries(mecc_db, user_id=nurse, payloads=[_entry()], today=TODAY)  # caches it
    cached = mecc_logging._DIRECTORIES[mecc_db]
    gone = pd.DataFrame([{"organisation": "acute", "team": "gone", "name": "Closed ward"}])
    teams = pd.concat([cached.directory.teams, gone], ignore_index=True)
    stale = replace(cached.directory, teams=teams)
    mecc_logging._DIRECTORIES[mecc_db] = replace(cached, directory=stale)
    before = _stored(mecc_db)
    good, faulty = [_entry(), _entry()], [_entry(team="gone")]
    outcomes = sync_batches(mecc_db, [(porter, good), (nurse, faulty), (porter, good)], today=TODAY)
    assert isinstance(outcomes[1], StorageError)
    assert (outcomes[0].inserted, outcomes[2].duplicates) == (2, 2)  # type: ignore[union-attr]
    assert _stored(mecc_db) == before + 2
