"""Several MECC sync batches written together (the web app's grouped syncs), on SQLite and a
real PostgreSQL server: each client id stored once, each batch told what was new for it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from healthgap.datasets.mecc import MeccDemo, generate_mecc_demo
from healthgap.engage.mecc import ContactEntry, entries_from_frame
from healthgap.errors import StorageError
from healthgap.store import Database
from healthgap.store.mecc import (
    count_contacts,
    list_contacts,
    record_contact_batches,
    record_contacts,
    save_directory,
)


@pytest.fixture(scope="module")
def demo() -> MeccDemo:
    return generate_mecc_demo(scale=0.2, weeks=2)


@pytest.fixture(scope="module")
def entries(demo: MeccDemo) -> list[ContactEntry]:
    return entries_from_frame(demo.logs, today=demo.end, directory=demo.directory)


def _ready(database: Database, demo: MeccDemo) -> Database:
    with database.unit_of_work() as session:
        save_directory(session, demo.directory)
    return database


def _counts(results: list) -> list[tuple[int, int, int]]:  # type: ignore[type-arg]
    return [(r.received, r.inserted, r.duplicates) for r in results]


def test_an_entry_is_new_for_the_first_batch_that_carries_it(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    _ready(database, demo)
    with database.unit_of_work() as session:
        record_contacts(session, entries[:2])  # sent before, by an earlier sync
    a, b, c, d, e = entries[:5]
    with database.unit_of_work() as session:
        results = record_contact_batches(session, [[a, c, d], [c, d, e], [], [a, c, d, e]])
    # a: stored before; c, d: new for the first batch; e: new for the second
    assert _counts(results) == [(3, 2, 1), (3, 1, 2), (0, 0, 0), (4, 0, 4)]
    with database.reader() as session:
        assert count_contacts(session) == 5


def test_a_thousand_batches_in_one_transaction_store_every_entry_once(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    """More rows than one statement takes (1,000): written in several, all in one go."""
    _ready(database, demo)
    template = entries[0]
    batches = [
        [replace(template, client_id=f"{i:08x}-0000-4000-8000-{j:012x}") for j in range(3)]
        for i in range(1000)
    ]
    with database.unit_of_work() as session:
        results = record_contact_batches(session, [*batches, *batches[:10]])
    assert sum(r.inserted for r in results) == 3000
    assert sum(r.duplicates for r in results) == 30
    assert all(r.inserted == 3 for r in results[:1000])
    with database.reader() as session:
        stored = list_contacts(session)
    assert len(stored) == 3000 and stored["client_id"].is_unique
    assert set(stored["topics"]) == {"|".join(template.topics)}


def test_a_faulty_batch_rolls_back_the_whole_group(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    """One transaction: an entry breaking a foreign key leaves nothing of the group (the use
    case then writes each batch alone, see tests/analyses)."""
    _ready(database, demo)
    stranger = replace(entries[9], staff_id="nobody")
    with pytest.raises(StorageError), database.unit_of_work() as session:
        record_contact_batches(session, [entries[:3], [stranger], entries[3:6]])
    with database.reader() as session:
        assert count_contacts(session) == 0
