"""Outputs for people: tables (CSV, Excel, Fingertips layout) with disclosure control.

Interfaces only; the core (``healthgap.measures`` and friends) never imports this package.
"""

from __future__ import annotations

from healthgap.reports.tables import (
    FINGERTIPS_COLUMNS,
    SYNTHETIC_NOTE,
    DisclosurePolicy,
    to_fingertips,
    write_csv,
    write_excel,
    write_table,
)

__all__ = [
    "FINGERTIPS_COLUMNS",
    "SYNTHETIC_NOTE",
    "DisclosurePolicy",
    "to_fingertips",
    "write_csv",
    "write_excel",
    "write_table",
]
