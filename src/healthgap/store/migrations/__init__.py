"""Alembic migrations of the healthgap web database (run by :func:`healthgap.store.migrate`)."""
