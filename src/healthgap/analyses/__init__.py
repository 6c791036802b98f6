"""Use cases: one function per question a user asks, shared by the CLI and the web.

Each takes a :class:`~healthgap.analyses.source.Source` (a workspace opened from disk, or the
web's prepared tables) and plain arguments, and returns one
:class:`~healthgap.reports.bundle.ResultBundle`: named tables, Vega-Lite charts, metadata
and provenance. The CLI writes bundles to files and the web renders and serves them, both
through :mod:`healthgap.reports.outputs`. See ``docs/architecture.md``.

=====================================  ==============================================
question                               function
=====================================  ==============================================
measure life expectancy, HLE, DSR      :func:`measure_life_expectancy`,
                                       :func:`measure_healthy_life_expectancy`,
                                       :func:`measure_dsr`
measure the deprivation gap            :func:`measure_deprivation_gap`
profile an area                        :func:`profile_area`
explain a gap by age and cause         :func:`explain_gap`
check a gap target                     :func:`check_gap_target`
classify areas by a rule               :func:`classify_areas`
plan a scenario, a budget              :func:`plan_scenario`, :func:`plan_budget`
plan a scenario grid                   :func:`plan_grid` (:func:`check_grid` first)
which uncertainty matters (VOI)        :func:`plan_sensitivity`
where heavy work runs                  :func:`open_executor` (from :mod:`healthgap.compute`)
check, import, describe data           :func:`validate_files`, :func:`import_data`,
                                       :func:`workspace_info`
build the SYNTHETIC demo               :func:`build_demo`
write a report (profile, trend, plan)  :func:`build_report` (then
                                       :func:`healthgap.reports.report_files.write_report`)
=====================================  ==============================================
"""

from healthgap.analyses.classify import classify_areas
from healthgap.analyses.data import import_data, validate_files, workspace_info
from healthgap.analyses.demo import build_demo
from healthgap.analyses.explain import explain_gap
from healthgap.analyses.grid import check_grid, plan_grid
from healthgap.analyses.measure import (
    measure_deprivation_gap,
    measure_dsr,
    measure_healthy_life_expectancy,
    measure_life_expectancy,
)
from healthgap.analyses.plan import plan_baseline, plan_budget, plan_model, plan_scenario
from healthgap.analyses.profile import profile_area
from healthgap.analyses.report import build_report, report_areas
from healthgap.analyses.report_source import RememberingSource
from healthgap.analyses.selection import latest_period
from healthgap.analyses.sensitivity import plan_sensitivity
from healthgap.analyses.source import Source, WorkspaceSource
from healthgap.analyses.target import check_gap_target, target_periods
from healthgap.compute import Executor, open_executor

__all__ = [
    "Executor",
    "RememberingSource",
    "Source",
    "WorkspaceSource",
    "build_demo",
    "build_report",
    "check_gap_target",
    "check_grid",
    "classify_areas",
    "explain_gap",
    "import_data",
    "latest_period",
    "measure_deprivation_gap",
    "measure_dsr",
    "measure_healthy_life_expectancy",
    "measure_life_expectancy",
    "open_executor",
    "plan_baseline",
    "plan_budget",
    "plan_grid",
    "plan_model",
    "plan_scenario",
    "plan_sensitivity",
    "profile_area",
    "report_areas",
    "target_periods",
    "validate_files",
    "workspace_info",
]
