"""Alembic environment: runs on the connection handed over by :func:`healthgap.store.migrate`."""

from __future__ import annotations

from alembic import context

from healthgap.store.models import Base


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


try:
    _config = context.config
except (NameError, AttributeError):  # imported outside Alembic, e.g. by pytest's doctest collection
    _config = None
if _config is not None:
    run_migrations_online()
