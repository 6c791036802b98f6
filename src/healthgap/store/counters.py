"""Atomic counters: add to a row's count, creating the row if needed, in one statement.

``INSERT ... ON CONFLICT (key) DO UPDATE SET count = count + n RETURNING count`` is atomic on
SQLite (3.35 or later, with WAL the writers queue on the database lock) and on PostgreSQL
(the row lock serialises concurrent upserts), so counters shared by several server
processes never lose an increment and never need a read-then-write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from healthgap.errors import StorageError

__all__ = ["dialect_insert", "upsert_increment"]


def dialect_insert(session: Session, table: Table) -> Any:
    """An ``INSERT`` with ``ON CONFLICT`` support for the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise StorageError(f"atomic upserts are written for SQLite and PostgreSQL, not {name}")


def upsert_increment(
    session: Session,
    table: Table,
    key: Mapping[str, Any],
    *,
    amount: int = 1,
    column: str = "count",
    extra: Mapping[str, Any] | None = None,
) -> int:
    """Add ``amount`` to ``column`` of the row whose primary key is ``key``; return the new
    value. ``extra`` columns are written on insert and refreshed on update."""
    counter = table.c[column]
    statement = dialect_insert(session, table).values(**key, **{column: amount}, **(extra or {}))
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={column: counter + amount, **(extra or {})},
    ).returning(counter)
    return int(session.execute(statement).scalar_one())
