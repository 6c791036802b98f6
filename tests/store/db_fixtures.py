"""Database fixtures of the storage tests: SQLite and a real PostgreSQL server started here
from Debian's packages (initdb + pg_ctl as a non-root user, in a temp folder, on a free port)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="needs the web extra: pip install -e '.[web]'")

from healthgap.store import Database  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _run_as(user: str | None, args: list[str]) -> None:
    command = args if user is None else ["runuser", "-u", user, "--", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def start_postgres() -> Iterator[str]:
    """URL of a throwaway PostgreSQL server for this test session."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server not installed (/usr/lib/postgresql/*/bin); "
            "run scripts/setup-system.sh"
        )
    # initdb refuses to run as root, so run it as the 'postgres' system user when we are root.
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run initdb as")
        user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="healthgap-pg-"))
    if user:
        shutil.chown(folder, user=user)
    data, port = folder / "data", _free_port()
    _run_as(
        user,
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "healthgap",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
    )
    _run_as(
        user,
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(folder / "log"),
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ],
    )
    try:
        _run_as(
            user,
            [
                str(bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "healthgap",
                "healthgap_test",
            ],
        )
        yield f"postgresql://healthgap@127.0.0.1:{port}/healthgap_test"
    finally:
        _run_as(user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


def open_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'store.db'}")
        yield db
        db.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    db = Database(url)
    yield db
    # Fresh schema per test: drop everything, including Alembic's version table.
    from sqlalchemy import text

    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.dispose()
