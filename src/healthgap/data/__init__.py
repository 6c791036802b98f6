"""The data layer: load user files in declarative layouts, validate, re-band, aggregate,
assign deprivation quantiles, and import all-or-nothing into a workspace.

See ``docs/data-model.md`` for the tables, vocabularies, layouts and validation rules.

>>> sorted(BUILTIN_LAYOUTS)[:3]
['areas', 'deaths', 'fingertips']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import healthgap.lazy_names as _lazy

# `aggregate` and `load` share their module's name: bound here, after their module, as the
# import system would otherwise leave the module under that name.
from healthgap.data.aggregate import add_persons, aggregate, pool_periods, select_period
from healthgap.data.load import load

if TYPE_CHECKING:
    from healthgap.data.bands import parse_age_labels, reband
    from healthgap.data.deprivation import assign_quantiles
    from healthgap.data.importer import import_files, load_files
    from healthgap.data.layouts import BUILTIN_LAYOUTS, detect_layout, resolve_layout
    from healthgap.data.limits import Limits
    from healthgap.data.real import CORNWALL_SCILLY, load_mortality_2014
    from healthgap.data.validate import RULES, validate_tables
    from healthgap.data.workspace import Workspace, open_workspace, write_workspace

# The other names are imported from their module when first used (PEP 562), not here: reading
# a workspace (a report, the web) has no use for the validation rules and pandera behind them.
_MODULE_OF = _lazy.names_by_module(
    {
        "healthgap.data.bands": "parse_age_labels reband",
        "healthgap.data.deprivation": "assign_quantiles",
        "healthgap.data.importer": "import_files load_files",
        "healthgap.data.layouts": "BUILTIN_LAYOUTS detect_layout resolve_layout",
        "healthgap.data.limits": "Limits",
        "healthgap.data.real": "CORNWALL_SCILLY load_mortality_2014",
        "healthgap.data.validate": "RULES validate_tables",
        "healthgap.data.workspace": "Workspace open_workspace write_workspace",
    }
)

__getattr__, __dir__ = _lazy.lazy_names(__name__, _MODULE_OF)


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
