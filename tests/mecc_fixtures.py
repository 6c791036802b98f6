"""Fixtures of the MECC use-case and CLI tests: the SYNTHETIC demo loaded once into a SQLite
file, copied for each test that writes. A plugin of tests/conftest.py (a conftest.py of its
own in tests/analyses would clash with the root one under --doctest-modules)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from healthgap.datasets.mecc import MeccDemo, generate_mecc_demo
from healthgap.store import Database
from mecc_checks import DEMO_START, MECC_TODAY


@pytest.fixture(scope="session")
def mecc_demo() -> MeccDemo:
    """The tables the demo loader stores for :data:`MECC_TODAY` (same seed, same dates)."""
    return generate_mecc_demo(start=DEMO_START)


@pytest.fixture(scope="session")
def mecc_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from healthgap.analyses import load_mecc_demo

    path = tmp_path_factory.mktemp("mecc") / "healthgap.db"
    database = Database(f"sqlite:///{path}")
    loaded = load_mecc_demo(database, today=MECC_TODAY)
    assert loaded.loaded and loaded.start == DEMO_START
    database.dispose()
    return path


@pytest.fixture
def mecc_db(mecc_db_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A database of its own holding the SYNTHETIC MECC demo."""
    path = tmp_path / "healthgap.db"
    shutil.copyfile(mecc_db_file, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()
