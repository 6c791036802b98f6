"""The data layer: load user files in declarative layouts, validate, re-band, aggregate,
assign deprivation quantiles, and import all-or-nothing into a workspace.

See ``docs/data-model.md`` for the tables, vocabularies, layouts and validation rules.

>>> sorted(BUILTIN_LAYOUTS)[:3]
['areas', 'deaths', 'fingertips']
"""

from __future__ import annotations

from healthgap.data.aggregate import add_persons, aggregate, pool_periods, select_period
from healthgap.data.bands import parse_age_labels, reband
from healthgap.data.deprivation import assign_quantiles
from healthgap.data.importer import import_files, load_files
from healthgap.data.layouts import BUILTIN_LAYOUTS, detect_layout, resolve_layout
from healthgap.data.limits import Limits
from healthgap.data.load import load
from healthgap.data.real import CORNWALL_SCILLY, load_mortality_2014
from healthgap.data.validate import RULES, validate_tables
from healthgap.data.workspace import Workspace, open_workspace, write_workspace

__all__ = [
    "BUILTIN_LAYOUTS",
    "CORNWALL_SCILLY",
    "Limits",
    "RULES",
    "Workspace",
    "add_persons",
    "aggregate",
    "assign_quantiles",
    "detect_layout",
    "import_files",
    "load",
    "load_files",
    "load_mortality_2014",
    "open_workspace",
    "parse_age_labels",
    "pool_periods",
    "reband",
    "resolve_layout",
    "select_period",
    "validate_tables",
    "write_workspace",
]
