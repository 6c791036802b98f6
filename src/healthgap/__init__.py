"""healthgap: measure, explain and plan to close gaps in life expectancy.

The public API is listed in ``__all__`` (checked by ``tests/test_public_api.py``);
everything else is internal and may change.

>>> import healthgap
>>> tables = healthgap.load_demo("small")
>>> sorted(tables)
['areas', 'deaths', 'population']
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import healthgap.lazy_names as _lazy

if TYPE_CHECKING:
    from healthgap.agebands import STANDARD_STARTS, esp2013
    from healthgap.data import (
        add_persons,
        aggregate,
        assign_quantiles,
        import_files,
        load,
        load_mortality_2014,
        open_workspace,
        pool_periods,
        reband,
        validate_tables,
        write_workspace,
    )
    from healthgap.datasets import build_demo_workspace, generate_demo, load_demo
    from healthgap.decomposition import (
        Comparison,
        build_comparison,
        decompose_gap,
        decompose_gap_change,
        life_expectancy_gaps,
        life_years_lost,
    )
    from healthgap.errors import (
        BandingWarning,
        HealthgapError,
        HealthgapWarning,
        InputError,
        MethodError,
        NotFittedError,
        PermissionDenied,
        Problem,
        SmallNumbersWarning,
        StorageError,
        SuppressionWarning,
        WorkspaceError,
    )
    from healthgap.frameworks import apply_rule, assess_gap_target, load_rule
    from healthgap.measures import (
        chiang_life_table,
        compare,
        crude_rate,
        deprivation_gap,
        deprivation_group_life_expectancy,
        directly_standardised_rate,
        healthy_life_expectancy,
        indirectly_standardised_rate,
        indirectly_standardised_ratio,
        life_expectancy,
        proportion,
        slope_index_of_inequality,
    )
    from healthgap.periods import Period
    from healthgap.scenarios import (
        ScenarioModel,
        allocate_budget,
        baseline_from_workspace,
        load_library,
        load_scenario,
        run_scenario,
    )

# Each public name is imported from its module when first used (PEP 562), not here: a
# command or a report in a fresh process would otherwise pay about a second importing every
# domain it never calls. The imports above say the same to type checkers.
_MODULE_OF = _lazy.names_by_module(
    {
        "healthgap.agebands": "STANDARD_STARTS esp2013",
        "healthgap.data": "add_persons aggregate assign_quantiles import_files load "
        "load_mortality_2014 open_workspace pool_periods reband validate_tables write_workspace",
        "healthgap.datasets": "build_demo_workspace generate_demo load_demo",
        "healthgap.decomposition": "Comparison build_comparison decompose_gap "
        "decompose_gap_change life_expectancy_gaps life_years_lost",
        "healthgap.errors": "BandingWarning HealthgapError HealthgapWarning InputError "
        "MethodError NotFittedError PermissionDenied Problem SmallNumbersWarning StorageError "
        "SuppressionWarning WorkspaceError",
        "healthgap.frameworks": "apply_rule assess_gap_target load_rule",
        "healthgap.measures": "chiang_life_table compare crude_rate deprivation_gap "
        "deprivation_group_life_expectancy directly_standardised_rate healthy_life_expectancy "
        "indirectly_standardised_rate indirectly_standardised_ratio life_expectancy proportion "
        "slope_index_of_inequality",
        "healthgap.periods": "Period",
        "healthgap.scenarios": "ScenarioModel allocate_budget baseline_from_workspace "
        "load_library load_scenario run_scenario",
    }
)

__getattr__, __dir__ = _lazy.lazy_names(__name__, _MODULE_OF)


try:
    __version__ = version("healthgap")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "STANDARD_STARTS",
    "BandingWarning",
    "Comparison",
    "HealthgapError",
    "HealthgapWarning",
    "InputError",
    "MethodError",
    "NotFittedError",
    "PermissionDenied",
    "Period",
    "Problem",
    "ScenarioModel",
    "SmallNumbersWarning",
    "StorageError",
    "SuppressionWarning",
    "WorkspaceError",
    "__version__",
    "add_persons",
    "aggregate",
    "allocate_budget",
    "apply_rule",
    "assess_gap_target",
    "assign_quantiles",
    "baseline_from_workspace",
    "build_comparison",
    "build_demo_workspace",
    "chiang_life_table",
    "compare",
    "crude_rate",
    "decompose_gap",
    "decompose_gap_change",
    "deprivation_gap",
    "deprivation_group_life_expectancy",
    "directly_standardised_rate",
    "esp2013",
    "generate_demo",
    "healthy_life_expectancy",
    "import_files",
    "indirectly_standardised_rate",
    "indirectly_standardised_ratio",
    "life_expectancy",
    "life_expectancy_gaps",
    "life_years_lost",
    "load",
    "load_demo",
    "load_library",
    "load_mortality_2014",
    "load_rule",
    "load_scenario",
    "open_workspace",
    "pool_periods",
    "proportion",
    "reband",
    "run_scenario",
    "slope_index_of_inequality",
    "validate_tables",
    "write_workspace",
]
