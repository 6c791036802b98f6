"""Outputs for people: result bundles, tables (CSV, Excel, Fingertips layout) with
disclosure control, and charts (Vega-Lite specs rendered to SVG/PNG).

Interfaces only; the core (``healthgap.measures`` and friends) never imports this package.
"""

from __future__ import annotations

from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.reports.outputs import (
    bundle_file,
    write_bundle,
    write_bundle_chart,
    write_bundle_table,
    write_bundle_workbook,
)
from healthgap.reports.tables import (
    FINGERTIPS_COLUMNS,
    SYNTHETIC_NOTE,
    DisclosurePolicy,
    to_fingertips,
    write_csv,
    write_excel,
    write_table,
    write_workbook,
)

__all__ = [
    "FINGERTIPS_COLUMNS",
    "SYNTHETIC_NOTE",
    "DisclosurePolicy",
    "Provenance",
    "ResultBundle",
    "Table",
    "bundle_file",
    "to_fingertips",
    "write_bundle",
    "write_bundle_chart",
    "write_bundle_table",
    "write_bundle_workbook",
    "write_csv",
    "write_excel",
    "write_table",
    "write_workbook",
]
