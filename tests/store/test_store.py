"""Users, roles, invites and saved scenarios on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import db_fixtures
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import inspect

from healthgap.errors import InputError
from healthgap.store import (
    Database,
    Role,
    accept_invite,
    authenticate,
    create_user,
    invite_user,
    list_scenarios,
    list_users,
    register_workspace,
    save_scenario,
    set_role,
)
from healthgap.store.accounts import use_password_hasher
from healthgap.store.models import Base

PASSWORD = "correct horse battery staple"


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


def test_migrated_schema_matches_the_models(database: Database) -> None:
    inspector = inspect(database.engine)
    for table in Base.metadata.sorted_tables:
        migrated = {c["name"] for c in inspector.get_columns(table.name)}
        assert migrated == {c.name for c in table.columns}, table.name
    assert "alembic_version" in inspector.get_table_names()


def test_create_and_authenticate(database: Database) -> None:
    with database.unit_of_work() as session:
        create_user(session, username="ann", password=PASSWORD, role="admin")
    with database.reader() as session:
        assert authenticate(session, username="ann", password=PASSWORD).role == "admin"
        assert authenticate(session, username="ann", password="wrong password") is None
        assert authenticate(session, username="nobody", password=PASSWORD) is None
        stored = list_users(session)[0].password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_duplicate_username_rolls_back_the_whole_unit(database: Database) -> None:
    with database.unit_of_work() as session:
        create_user(session, username="ann", password=PASSWORD, role="viewer")
    with pytest.raises(InputError, match="username_taken"), database.unit_of_work() as session:
        create_user(session, username="bob", password=PASSWORD, role="viewer")
        create_user(session, username="ann", password=PASSWORD, role="viewer")
    with database.reader() as session:
        assert [u.username for u in list_users(session)] == ["ann"]


def test_bad_new_user_reports_every_problem(database: Database) -> None:
    with pytest.raises(InputError) as caught, database.unit_of_work() as session:
        create_user(session, username="a", password="short", role="boss")
    assert {p.rule for p in caught.value.problems} == {
        "invalid_username",
        "unknown_role",
        "password_too_short",
    }


def test_invite_is_single_use(database: Database) -> None:
    with database.unit_of_work() as session:
        token = invite_user(session, username="cat", role="analyst")
    with database.reader() as session:
        assert authenticate(session, username="cat", password=PASSWORD) is None
    with database.unit_of_work() as session:
        accept_invite(session, token=token, password=PASSWORD)
    with pytest.raises(InputError), database.unit_of_work() as session:
        accept_invite(session, token=token, password=PASSWORD)
    with database.reader() as session:
        assert authenticate(session, username="cat", password=PASSWORD).role == "analyst"


def test_set_role(database: Database) -> None:
    with database.unit_of_work() as session:
        user_id = create_user(session, username="dan", password=PASSWORD, role="viewer").id
    with database.unit_of_work() as session:
        set_role(session, user_id=user_id, role="admin")
    with database.reader() as session:
        assert list_users(session)[0].role == Role.admin.value


def test_scenarios_round_trip_and_unique_names(database: Database) -> None:
    choices = {"statins": {"volume": 100.0, "target": "q1", "horizon": 5}}
    with database.unit_of_work() as session:
        owner = create_user(session, username="eve", password=PASSWORD, role="analyst")
        workspace = register_workspace(session, name="demo", path="/tmp/demo", is_synthetic=True)
        save_scenario(
            session,
            workspace_id=workspace.id,
            owner_id=owner.id,
            name="More statins",
            area_code="E06000001",
            choices=choices,
        )
        ids = (workspace.id, owner.id)
    with pytest.raises(InputError), database.unit_of_work() as session:
        save_scenario(
            session,
            workspace_id=ids[0],
            owner_id=ids[1],
            name=" More statins ",
            area_code="E06000001",
            choices={},
        )
    with database.reader() as session:
        saved = list_scenarios(session, workspace_id=ids[0])
    assert [(s.name, s.choices) for s in saved] == [("More statins", choices)]


def test_role_order() -> None:
    assert Role.admin.allows(Role.viewer)
    assert Role.analyst.allows(Role.analyst)
    assert not Role.viewer.allows(Role.analyst)


def test_sqlite_file_is_created_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "hg.db"
    Database(f"sqlite:///{path}").dispose()
    assert path.exists()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_opening_twice_is_a_no_op_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hg.db'}"
    first = Database(url)
    with first.unit_of_work() as session:
        create_user(session, username="fay", password=PASSWORD, role="viewer")
    first.dispose()
    second = Database(url)
    with second.reader() as session:
        assert [u.username for u in list_users(session)] == ["fay"]
    second.dispose()
