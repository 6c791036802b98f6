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
segment small areas                    :func:`segment_areas`, :func:`repeat_segment_run`,
                                       :func:`stored_segmentation`,
                                       :func:`lookup_segmentation`
stages of change from a survey         :func:`survey_stages`
audit a service's equity               :func:`audit_service_equity`
=====================================  ==============================================
"""

from healthgap.analyses.classify import classify_areas
from healthgap.analyses.data import import_data, validate_files, workspace_info
from healthgap.analyses.demo import build_demo
from healthgap.analyses.equity import (
    MAX_FUNNEL_POINTS,
    audit_service_equity,
    service_choices,
)
from healthgap.analyses.explain import explain_gap
from healthgap.analyses.grid import check_grid, plan_grid
from healthgap.analyses.insight_inputs import (
    IndicatorSource,
    read_parent_lookup,
    read_segment_file,
)
from healthgap.analyses.measure import (
    measure_deprivation_gap,
    measure_dsr,
    measure_healthy_life_expectancy,
    measure_life_expectancy,
)
from healthgap.analyses.plan import plan_baseline, plan_budget, plan_model, plan_scenario
from healthgap.analyses.profile import profile_area
from healthgap.analyses.segment import (
    check_segment_names,
    import_segment_lookup,
    lookup_segmentation,
    repeat_segment_run,
    segment_areas,
    stored_segmentation,
)
from healthgap.analyses.selection import latest_period
from healthgap.analyses.sensitivity import plan_sensitivity
from healthgap.analyses.source import Source, WorkspaceSource
from healthgap.analyses.survey import STAGE_FIELDS, check_stage_suggestion, survey_stages
from healthgap.analyses.target import check_gap_target, target_periods
from healthgap.compute import Executor, open_executor

__all__ = [
    "Executor",
    "IndicatorSource",
    "MAX_FUNNEL_POINTS",
    "STAGE_FIELDS",
    "Source",
    "WorkspaceSource",
    "audit_service_equity",
    "build_demo",
    "check_gap_target",
    "check_grid",
    "check_segment_names",
    "check_stage_suggestion",
    "classify_areas",
    "explain_gap",
    "import_data",
    "import_segment_lookup",
    "latest_period",
    "lookup_segmentation",
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
    "read_parent_lookup",
    "read_segment_file",
    "repeat_segment_run",
    "segment_areas",
    "service_choices",
    "stored_segmentation",
    "survey_stages",
    "target_periods",
    "validate_files",
    "workspace_info",
]
