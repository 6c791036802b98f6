"""Database fixtures shared by the storage tests: ``database`` runs a test on SQLite and on a
real PostgreSQL server (started once per session, see ``db_fixtures.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import db_fixtures
import pytest

from healthgap.store import Database


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    yield from db_fixtures.start_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from db_fixtures.open_database(request, tmp_path)
