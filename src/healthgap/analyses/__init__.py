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
journey maps, insight notes, feedback  :mod:`~healthgap.analyses.journey_maps`, ``journey_files``,
                                       ``journey_edits``, ``journey_compare``,
                                       ``journey_notes``, ``journey_feedback``,
                                       ``journey_demo``
=====================================  ==============================================
"""

from healthgap.analyses.classify import classify_areas
from healthgap.analyses.data import import_data, validate_files, workspace_info
from healthgap.analyses.demo import build_demo
from healthgap.analyses.explain import explain_gap
from healthgap.analyses.grid import check_grid, plan_grid
from healthgap.analyses.journey_compare import (
    apply_service_data,
    compare_journey_maps,
    funnel_of_journey,
    service_funnel,
)
from healthgap.analyses.journey_demo import load_demo_journeys
from healthgap.analyses.journey_edits import (
    JourneyConflictError,
    JourneyEdit,
    edit_journey,
    save_journey_content,
)
from healthgap.analyses.journey_feedback import (
    feedback_sends,
    feedback_summary,
    record_feedback_sent,
)
from healthgap.analyses.journey_files import export_journey, import_journey
from healthgap.analyses.journey_maps import (
    create_journey_from_template,
    journey_history,
    list_journey_templates,
    list_journeys,
    show_journey,
    start_to_be,
)
from healthgap.analyses.journey_notes import (
    check_insight_note,
    import_insight_notes,
    link_insight_note,
    save_insight_note,
    search_notes,
    show_insight_note,
)
from healthgap.analyses.measure import (
    measure_deprivation_gap,
    measure_dsr,
    measure_healthy_life_expectancy,
    measure_life_expectancy,
)
from healthgap.analyses.plan import plan_baseline, plan_budget, plan_model, plan_scenario
from healthgap.analyses.profile import profile_area
from healthgap.analyses.selection import latest_period
from healthgap.analyses.sensitivity import plan_sensitivity
from healthgap.analyses.source import Source, WorkspaceSource
from healthgap.analyses.target import check_gap_target, target_periods
from healthgap.compute import Executor, open_executor

__all__ = [
    "Executor",
    "JourneyConflictError",
    "JourneyEdit",
    "Source",
    "WorkspaceSource",
    "apply_service_data",
    "build_demo",
    "check_gap_target",
    "check_grid",
    "check_insight_note",
    "classify_areas",
    "compare_journey_maps",
    "create_journey_from_template",
    "edit_journey",
    "explain_gap",
    "export_journey",
    "feedback_sends",
    "feedback_summary",
    "funnel_of_journey",
    "import_data",
    "import_insight_notes",
    "import_journey",
    "journey_history",
    "latest_period",
    "link_insight_note",
    "list_journey_templates",
    "list_journeys",
    "load_demo_journeys",
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
    "record_feedback_sent",
    "save_insight_note",
    "save_journey_content",
    "search_notes",
    "service_funnel",
    "show_insight_note",
    "show_journey",
    "start_to_be",
    "target_periods",
    "validate_files",
    "workspace_info",
]
