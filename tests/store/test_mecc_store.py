"""MECC storage on SQLite and a real PostgreSQL server: directory, exactly-once contact logs
(replays, concurrent duplicate batches), training, staff health, and the migration."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import db_fixtures
import numpy as np
import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from healthgap.datasets.mecc import MeccDemo, generate_mecc_demo
from healthgap.engage.mecc import ContactEntry, entries_from_frame
from healthgap.errors import StorageError
from healthgap.store import Database, create_user, migrate
from healthgap.store.mecc import (
    count_contacts,
    link_staff_user,
    list_contacts,
    load_directory,
    load_staff_health,
    load_training,
    record_contacts,
    save_directory,
    save_staff_health,
    save_training,
    sync_contacts,
)
from healthgap.store.models import Base

MECC_TABLES = {
    "mecc_organisations",
    "mecc_teams",
    "mecc_staff",
    "mecc_contacts",
    "mecc_training",
    "mecc_training_scores",
    "mecc_staff_health",
}


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    yield from db_fixtures.start_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from db_fixtures.open_database(request, tmp_path)


@pytest.fixture(scope="module")
def demo() -> MeccDemo:
    return generate_mecc_demo()


@pytest.fixture(scope="module")
def entries(demo: MeccDemo) -> list[ContactEntry]:
    return entries_from_frame(demo.logs, today=demo.end, directory=demo.directory)


def _with_directory(database: Database, demo: MeccDemo) -> Database:
    with database.unit_of_work() as session:
        save_directory(session, demo.directory)
    return database


def test_migration_creates_exactly_the_models(database: Database) -> None:
    inspector = inspect(database.engine)
    assert set(inspector.get_table_names()) >= MECC_TABLES
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    mecc = [d for d in differences if "mecc_" in repr(d)]
    assert mecc == []
    uniques = {u["name"] for u in inspector.get_unique_constraints("mecc_contacts")}
    assert "uq_mecc_contacts_client_id" in uniques


def test_downgrade_removes_the_mecc_tables(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from healthgap.store.database import MIGRATIONS

    database = Database(f"sqlite:///{tmp_path / 'down.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert not MECC_TABLES & set(inspect(database.engine).get_table_names())
    migrate(database.engine)
    assert set(inspect(database.engine).get_table_names()) >= MECC_TABLES
    database.dispose()


def test_directory_round_trip_and_update(database: Database, demo: MeccDemo) -> None:
    _with_directory(database, demo)
    with database.reader() as session:
        stored = load_directory(session)
    for name in ("organisations", "teams", "staff"):
        expected = getattr(demo.directory, name)
        got = getattr(stored, name).sort_values(list(expected.columns[:2])).reset_index(drop=True)
        want = expected.sort_values(list(expected.columns[:2])).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
    renamed = demo.directory.organisations.assign(name=lambda f: f["name"] + " (renamed)")
    changed = type(demo.directory)(renamed, demo.directory.teams, demo.directory.staff)
    with database.unit_of_work() as session:
        save_directory(session, changed)
    with database.reader() as session:
        assert load_directory(session).organisations["name"].str.endswith("(renamed)").all()


def test_staff_link_to_a_login(database: Database, demo: MeccDemo) -> None:
    _with_directory(database, demo)
    staff_id = demo.directory.staff["staff_id"].iloc[0]
    with database.unit_of_work() as session:
        user = create_user(session, username="nurse1", password="a long enough pass", role="viewer")
        link_staff_user(session, staff_id=staff_id, user_id=user.id)
    with pytest.raises(StorageError), database.unit_of_work() as session:
        link_staff_user(session, staff_id="nobody", user_id=None)


def test_contacts_are_stored_once_and_replays_are_counted(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    _with_directory(database, demo)
    batch = entries[:300]
    with database.unit_of_work() as session:
        first = record_contacts(session, batch)
    with database.unit_of_work() as session:
        replay = record_contacts(session, batch)
    with database.unit_of_work() as session:
        overlap = record_contacts(session, entries[200:400] + entries[250:260])
    assert (first.received, first.inserted, first.duplicates) == (300, 300, 0)
    assert (replay.inserted, replay.duplicates) == (0, 300)
    assert (overlap.received, overlap.inserted, overlap.duplicates) == (210, 100, 110)
    with database.reader() as session:
        assert count_contacts(session) == 400


def test_stored_log_reads_back_as_the_demo_log(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    _with_directory(database, demo)
    with database.unit_of_work() as session:
        record_contacts(session, entries)
    with database.reader() as session:
        stored = list_contacts(session)
        acute_april = list_contacts(
            session, organisations=["acute"], start=date(2024, 4, 1), end=date(2024, 4, 30)
        )
    key = ["client_id"]
    got = stored.sort_values(key).reset_index(drop=True)
    want = demo.logs.sort_values(key).reset_index(drop=True)
    want["destination"] = want["destination"].where(want["destination"].notna(), None)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    logs = demo.logs
    expected = (logs["organisation"] == "acute") & (logs["contact_date"].dt.month == 4)
    expected &= logs["contact_date"].dt.year == 2024
    assert len(acute_april) == int(expected.sum())


def test_a_bad_entry_rolls_back_the_whole_batch(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    _with_directory(database, demo)
    stranger = replace(
        entries[5], client_id="00000000-0000-4000-8000-000000000000", staff_id="nobody"
    )
    with pytest.raises(StorageError), database.unit_of_work() as session:
        record_contacts(session, [*entries[:5], stranger])
    with database.reader() as session:
        assert count_contacts(session) == 0


def test_concurrent_duplicate_batches_count_each_entry_once(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    """Eight threads send overlapping batches (every entry sent by three of them) at once."""
    _with_directory(database, demo)
    pool = entries[:240]
    batches = [pool[(i * 30) % 240 :][:90] for i in range(8)]  # windows that overlap

    def send(batch: list[ContactEntry]) -> int:
        with database.unit_of_work() as session:
            return record_contacts(session, batch).inserted

    with ThreadPoolExecutor(max_workers=8) as workers:
        inserted = list(workers.map(send, batches * 2))  # and every batch retried
    sent = {e.client_id for batch in batches for e in batch}
    with database.reader() as session:
        assert count_contacts(session) == len(sent)
        stored = list_contacts(session)
    assert sum(inserted) == len(sent)
    assert stored["client_id"].is_unique


def test_a_thousand_staff_syncing_a_day_at_once(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    """1,000 batches of a day's queue (5 entries each), from 8 threads, each sent twice:
    p95 write time under 500 ms, nothing lost, nothing double-counted."""
    _with_directory(database, demo)
    staff = demo.directory.staff["staff_id"].to_numpy()
    template = entries[0]
    batches = [
        [
            replace(
                template,
                client_id=f"{i:08x}-0000-4000-8000-{j:012x}",
                staff_id=str(staff[i % len(staff)]),
            )
            for j in range(5)
        ]
        for i in range(1000)
    ]

    def send(batch: list[ContactEntry]) -> float:
        began = time.perf_counter()
        sync_contacts(database, batch)
        return time.perf_counter() - began

    with ThreadPoolExecutor(max_workers=8) as workers:
        seconds = list(workers.map(send, batches + batches[:200]))
    with database.reader() as session:
        assert count_contacts(session) == 5000
    assert float(np.percentile(seconds, 95)) < 0.5


def test_training_and_staff_health_round_trip_and_replace(
    database: Database, demo: MeccDemo
) -> None:
    _with_directory(database, demo)
    with database.unit_of_work() as session:
        save_training(session, demo.training, demo.scores)
        written = save_staff_health(session, demo.staff_health)
    assert written == len(demo.staff_health)
    with database.reader() as session:
        records, scores = load_training(session)
        series = load_staff_health(session)
    key = ["staff_id", "route"]
    pd.testing.assert_frame_equal(
        records.sort_values(key).reset_index(drop=True),
        demo.training.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    assert len(scores) == len(demo.scores)
    assert scores["score"].sum() == pytest.approx(demo.scores["score"].sum())
    pd.testing.assert_frame_equal(series, demo.staff_health, check_dtype=False)
    corrected = demo.staff_health.iloc[:1].assign(numerator=1.0)
    with database.unit_of_work() as session:
        save_staff_health(session, corrected)
    with database.reader() as session:
        everything = load_staff_health(session)
        one = load_staff_health(session, organisations=[corrected["organisation"].iloc[0]])
    assert len(everything) == len(demo.staff_health)
    assert one.iloc[0]["numerator"] == 1.0


def test_synthetic_flag_links_and_referrals_received(database: Database, demo: MeccDemo) -> None:
    """Migration 1602: organisations marked SYNTHETIC, a login moved between members of
    staff, and services' referrals-received counts replaced by day, service and area."""
    from healthgap.store.mecc import is_synthetic, staff_accounts, staff_for_user
    from healthgap.store.mecc_referrals import load_referrals_received, save_referrals_received

    with database.unit_of_work() as session:
        save_directory(session, demo.directory, synthetic=True)
        user = create_user(session, username="nurse2", password="a long enough pass", role="staff")
        user_id = user.id
    first, second = demo.directory.staff["staff_id"].iloc[:2]
    with database.unit_of_work() as session:
        assert is_synthetic(session) and is_synthetic(session, ["fire"])
        link_staff_user(session, staff_id=first, user_id=user_id)
    with database.unit_of_work() as session:
        link_staff_user(session, staff_id=second, user_id=user_id)  # moves, no clash
    with database.reader() as session:
        assert staff_for_user(session, user_id).staff_id == second
        accounts = staff_accounts(session)
        assert accounts.loc[accounts["username"] == "nurse2", "staff_id"].tolist() == [second]
    received = demo.referrals_received.head(20)
    with database.unit_of_work() as session:
        assert save_referrals_received(session, received) == len(received)
        save_referrals_received(session, received.head(1).assign(referrals=99))
    with database.reader() as session:
        stored = load_referrals_received(session)
    assert len(stored) == len(received) and stored["referrals"].iloc[0] == 99


def test_a_group_with_a_faulty_batch_fails_only_that_batch(
    database: Database, demo: MeccDemo, entries: list[ContactEntry]
) -> None:
    """Batches written together: one naming an unknown member of staff breaks a foreign key;
    the others of its group are still stored, each once."""
    _with_directory(database, demo)
    good = [
        [replace(entries[0], client_id=f"{i:08x}-0000-4000-8000-{j:012x}") for j in range(3)]
        for i in range(20)
    ]
    bad = [replace(entries[0], client_id="ffffffff-0000-4000-8000-000000000000", staff_id="x")]
    failures = []

    def send(batch: list[ContactEntry]) -> None:
        try:
            sync_contacts(database, batch)
        except StorageError:
            failures.append(batch)

    with ThreadPoolExecutor(max_workers=8) as workers:
        list(workers.map(send, [*good[:10], bad, *good[10:]]))
    assert failures == [bad]
    with database.reader() as session:
        assert count_contacts(session) == 60
