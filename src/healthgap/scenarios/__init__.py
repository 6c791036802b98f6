"""Plan: model how scaling up interventions changes deaths, life expectancy and the gap."""

from healthgap.scenarios.allocate import Resolved, resolve
from healthgap.scenarios.baseline import Baseline, Comparison, baseline_from_tables
from healthgap.scenarios.engine import Evaluation, ScenarioModel, combine
from healthgap.scenarios.library import Intervention, load_intervention, load_library
from healthgap.scenarios.parameters import Distribution, Parameter, parameter_table
from healthgap.scenarios.scenario import (
    InterventionSpec,
    ScenarioSpec,
    Target,
    load_scenario,
    scenario_from_dict,
)

__all__ = [
    "Baseline",
    "Comparison",
    "Distribution",
    "Evaluation",
    "Intervention",
    "InterventionSpec",
    "Parameter",
    "Resolved",
    "ScenarioModel",
    "ScenarioSpec",
    "Target",
    "baseline_from_tables",
    "combine",
    "load_intervention",
    "load_library",
    "load_scenario",
    "parameter_table",
    "resolve",
    "scenario_from_dict",
]
