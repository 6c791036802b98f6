"""Data commands: demo, validate, import, info (owned by the Foundation work)."""

from __future__ import annotations

from healthgap.cli import app  # noqa: F401
