"""Atomic counters: add to a row's count, creating the row if needed, in one statement.

``INSERT ... ON CONFLICT (key) DO UPDATE SET count = count + n RETURNING count`` is atomic on
SQLite (3.35 or later, with WAL the writers queue on the database lock) and on PostgreSQL
(the row lock serialises concurrent upserts), so counters shared by several server
processes never lose an increment and never need a read-then-write.

Each statement is built once per table, key and dialect, with bound parameters, and reused:
building and compiling a statement costs far more than running it (about 1 ms against
0.1 ms on SQLite), and counters sit on the busiest paths (every pledge hits two).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from healthgap.errors import StorageError

__all__ = ["dialect_insert", "insert_for", "upsert_increment"]


def dialect_insert(session: Session, table: Table) -> Any:
    """An ``INSERT`` with ``ON CONFLICT`` support for the session's database."""
    return insert_for(session.get_bind().dialect.name)(table)


def insert_for(dialect: str) -> Any:
    """The ``insert`` construct with ``ON CONFLICT`` support of ``dialect``."""
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise StorageError(f"atomic upserts are written for SQLite and PostgreSQL, not {dialect}")


@cache
def _increment_statement(
    dialect: str, table: Table, key: tuple[str, ...], column: str, extra: tuple[str, ...]
) -> Any:
    build = insert_for(dialect)
    counter = table.c[column]
    values = {name: bindparam(name) for name in (*key, *extra)}
    statement = build(table).values(**values, **{column: bindparam("amount_")})
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={
            column: counter + statement.excluded[column],
            **{name: statement.excluded[name] for name in extra},
        },
    ).returning(counter)


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
    dialect = session.get_bind().dialect.name
    statement = _increment_statement(dialect, table, tuple(key), column, tuple(extra or ()))
    parameters = {**key, **(extra or {}), "amount_": amount}
    return int(session.execute(statement, parameters).scalar_one())
