"""Plan: model how scaling up interventions changes deaths, life expectancy and the gap.

The public API: load the intervention library and a scenario, build a baseline from a
workspace, fit a :class:`ScenarioModel` once and evaluate scenarios fast, or run one end to
end with intervals, costs and a budget allocation. See ``docs/planning.md``.

>>> sorted(load_library())[-2:]
['smoking_cessation', 'statins']
"""

from healthgap.scenarios.allocate import Resolved, resolve
from healthgap.scenarios.baseline import (
    Baseline,
    ComparisonGroups,
    baseline_from_tables,
    baseline_from_workspace,
    exact_level,
)
from healthgap.scenarios.budget import BudgetResult, allocate_budget, rank_objectives
from healthgap.scenarios.engine import Evaluation, ScenarioModel, combine
from healthgap.scenarios.grid_file import GridSpec, grid_from_text, load_grid
from healthgap.scenarios.library import Intervention, load_intervention, load_library
from healthgap.scenarios.lifetime import lifetime_view
from healthgap.scenarios.parameters import Distribution, Parameter, parameter_table
from healthgap.scenarios.results import ScenarioResult, run_scenario
from healthgap.scenarios.scenario import (
    MAX_UNITS,
    InterventionSpec,
    ScenarioSpec,
    Target,
    load_scenario,
    scenario_from_dict,
)
from healthgap.scenarios.small_area import check_pooling, shrink_to_parent, suppression_flags
from healthgap.scenarios.uncertainty import (
    compare_scenarios,
    monte_carlo,
    probability_better,
    summarise,
)

__all__ = [
    "MAX_UNITS",
    "Baseline",
    "BudgetResult",
    "ComparisonGroups",
    "Distribution",
    "Evaluation",
    "GridSpec",
    "Intervention",
    "InterventionSpec",
    "Parameter",
    "Resolved",
    "ScenarioModel",
    "ScenarioResult",
    "ScenarioSpec",
    "Target",
    "allocate_budget",
    "baseline_from_tables",
    "baseline_from_workspace",
    "check_pooling",
    "combine",
    "compare_scenarios",
    "exact_level",
    "grid_from_text",
    "lifetime_view",
    "load_grid",
    "load_intervention",
    "load_library",
    "load_scenario",
    "monte_carlo",
    "parameter_table",
    "probability_better",
    "rank_objectives",
    "resolve",
    "run_scenario",
    "scenario_from_dict",
    "shrink_to_parent",
    "summarise",
    "suppression_flags",
]
