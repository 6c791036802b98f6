"""Engine, migrations and the one transaction helper through which every write goes.

SQLite is the embedded default: the file is created on first use, in WAL mode so that readers
never block the writer, with foreign keys on. ``unit_of_work(immediate=True)`` on SQLite
starts with ``BEGIN IMMEDIATE``: it takes the write lock at once (waiting up to the busy
timeout), so a transaction that reads before it writes never fails half-way with "database is
locked", and the threads of one process queue for it on a lock rather than in SQLite's
sleeping retries. The hot write paths (recording a pledge) use it.

``PRAGMA synchronous=NORMAL``: in WAL mode a commit survives a crash of the process (once
``COMMIT`` returns, the WAL is in the operating system's hands); only an operating-system crash
or a power cut can lose the last commits, in exchange for commits without an fsync each (see
``docs/pledges.md``, "Durability"). PostgreSQL works by URL
(``postgresql://user@host:port/db``; the psycopg 3 driver is chosen for you). The schema is
brought up to date by Alembic when a :class:`Database` is opened, so a first run needs no
separate step.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from healthgap.errors import StorageError

__all__ = ["Database", "make_engine", "migrate", "normalise_url"]

MIGRATIONS = Path(__file__).with_name("migrations")


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL, choosing the psycopg 3 driver for plain ``postgresql://``.

    >>> normalise_url("postgresql://me@localhost:5432/hg").drivername
    'postgresql+psycopg'
    >>> normalise_url("sqlite:///x.db").drivername
    'sqlite'
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Wait for a competing writer instead of failing at once with "database is locked".
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str | URL) -> Engine:
    """Create an engine; for a SQLite file, create its folder and switch on WAL mode."""
    parsed = normalise_url(url)
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` with Alembic, programmatically."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


class Database:
    """One database: an engine, a session factory and :meth:`unit_of_work`.

    Opening it migrates the schema to the latest revision (``migrate=False`` skips that).
    """

    def __init__(self, url: str | URL, *, run_migrations: bool = True) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._sqlite = sqlite = self.url.drivername.startswith("sqlite")
        # SQLite has one writer at a time: this process's threads queue here, in order,
        # rather than in SQLite's busy handler, whose sleeps grow to 100 ms per retry.
        self._write_lock: AbstractContextManager[Any] = (
            threading.RLock() if sqlite else nullcontext()
        )
        if run_migrations:
            migrate(self.engine)

    @contextmanager
    def unit_of_work(self, *, immediate: bool = False) -> Iterator[Session]:
        """One transaction: commit when the block ends, roll back everything if it raises.

        Every write in healthgap goes through here. A constraint violation (e.g. a duplicate
        username) or a refused connection becomes :class:`~healthgap.errors.StorageError`, so
        callers show a message instead of a traceback and nothing is half-written.

        ``immediate=True`` takes SQLite's write lock as the transaction begins (``BEGIN
        IMMEDIATE``, behind this process's other immediate units of work); on PostgreSQL
        it changes nothing.
        """
        lock = self._write_lock if immediate else nullcontext()
        with lock:
            session = self._sessions()
            try:
                if immediate and self._sqlite:
                    # The driver begins transactions itself only before a data change, so
                    # this explicit BEGIN is the transaction's first statement.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session
                session.commit()
            except (IntegrityError, OperationalError) as exc:
                session.rollback()
                raise StorageError(f"the database refused the change: {exc.orig}") from exc
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reads only, never committed.

        Closing (not rolling back) ends its transaction while leaving loaded objects readable
        after the block, detached.
        """
        session = self._sessions()
        try:
            yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
