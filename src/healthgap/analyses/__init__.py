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
search the practice bank               :func:`search_practice`, :func:`similar_practice`
one case study, one research entry     :func:`view_case_study`, :func:`view_research_entry`
evidence behind an intervention        :func:`practice_for_intervention`
good practice for an assessment item   :func:`practice_for_item`
contribute, review, publish            :func:`submit_case_study`, :func:`move_document`,
                                       :func:`comment_on`, :func:`review_queue`
research import and export             :func:`import_research_file`, :func:`export_research`
list, show, install frameworks         :func:`list_frameworks`, :func:`show_framework`,
                                       :func:`install_content_pack`
run a self-assessment workshop         :func:`start_assessment`, :func:`rate_item`,
                                       :func:`open_consensus`, :func:`agree_item`, ...
see it, summarise and export it        :func:`rating_sheet`, :func:`consensus_view`,
                                       :func:`assessment_summary` (files:
                                       ``reports.assessment_exports``)
MECC: log conversations, sync a phone  :func:`sync_entries`, :func:`log_entry`,
                                       :func:`logging_choices`, :func:`sync_batches`
MECC dashboards                        :func:`mecc_activity`, :func:`mecc_referrals`,
                                       :func:`mecc_training`, :func:`mecc_staff_health`,
                                       :func:`mecc_directory_overview`
MECC imports and the demo              :func:`import_mecc_directory`,
                                       :func:`import_mecc_logs`,
                                       :func:`import_mecc_training`,
                                       :func:`import_mecc_staff_health`,
                                       :func:`import_referrals_received`,
                                       :func:`link_staff_account`, :func:`load_mecc_demo`
journey maps, insight notes, feedback  :mod:`~healthgap.analyses.journey_maps`, ``journey_files``,
                                       ``journey_edits``, ``journey_compare``,
                                       ``journey_notes``, ``journey_feedback``,
                                       ``journey_demo``
segment small areas                    :func:`segment_areas`, :func:`repeat_segment_run`,
                                       :func:`stored_segmentation`,
                                       :func:`lookup_segmentation`
stages of change from a survey         :func:`survey_stages`
audit a service's equity               :func:`audit_service_equity`
write a report (profile, trend, plan)  :func:`build_report` (then
                                       :func:`healthgap.reports.report_files.write_report`)
the reports of many areas, resumable   :func:`build_reports` (on an executor)
=====================================  ==============================================
"""

from healthgap.analyses.assessment_evidence import AreaEvidence, gather_evidence, no_evidence
from healthgap.analyses.assessment_frameworks import (
    export_content_pack,
    install_content_pack,
    list_frameworks,
    packs_folder,
    show_framework,
)
from healthgap.analyses.assessment_rating import rating_sheet
from healthgap.analyses.assessment_summary import assessment_summary
from healthgap.analyses.assessment_tracking import (
    add_action,
    change_action_status,
    link_plan_scenario,
)
from healthgap.analyses.assessment_views import (
    action_plan,
    assessment_overview,
    consensus_view,
    my_assessments,
)
from healthgap.analyses.assessment_workshop import (
    agree_item,
    close_workshop,
    invite_participants,
    open_consensus,
    rate_item,
    rate_items_from_file,
    start_assessment,
)
from healthgap.analyses.classify import classify_areas
from healthgap.analyses.data import (
    import_data,
    problems_left_out,
    validate_files,
    workspace_info,
)
from healthgap.analyses.data_templates import TABLE_PURPOSES, data_templates, template_csv
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
from healthgap.analyses.mecc_dashboards import mecc_activity, mecc_referrals
from healthgap.analyses.mecc_demo import ensure_demo_staff_login, load_mecc_demo
from healthgap.analyses.mecc_directory import link_staff_account, mecc_directory_overview
from healthgap.analyses.mecc_imports import (
    MeccImport,
    import_mecc_directory,
    import_mecc_logs,
    import_mecc_staff_health,
    import_mecc_training,
    import_referrals_received,
)
from healthgap.analyses.mecc_logging import (
    LoggingChoices,
    SyncOutcome,
    log_entry,
    logging_choices,
    logging_staff,
    sync_batches,
    sync_entries,
)
from healthgap.analyses.mecc_source import data_version as mecc_data_version
from healthgap.analyses.mecc_source import organisation_names as mecc_organisations
from healthgap.analyses.mecc_staff import mecc_staff_health, mecc_training
from healthgap.analyses.plan import (
    plan_baseline,
    plan_budget,
    plan_model,
    plan_scenario,
    plan_volumes,
)
from healthgap.analyses.practice_files import StoredFile, attach_file, attached_file, attached_files
from healthgap.analyses.practice_library import (
    Export,
    export_case_studies,
    export_research,
    import_research_file,
)
from healthgap.analyses.practice_pages import (
    CaseStudyPage,
    InterventionEvidence,
    ResearchPage,
    glossary_terms,
    linked_text,
    practice_for_intervention,
    practice_for_item,
    view_case_study,
    view_research_entry,
)
from healthgap.analyses.practice_search import ensure_bank, search_practice, similar_practice
from healthgap.analyses.practice_views import PracticeExample, ResearchSummary
from healthgap.analyses.practice_workflow import (
    ReviewQueue,
    comment_on,
    contribution_choices,
    contribution_template,
    form_to_case_study,
    move_document,
    practice_actor,
    review_queue,
    set_practice_role,
    submit_case_study,
    submit_template_file,
)
from healthgap.analyses.prepared_source import PreparedSource
from healthgap.analyses.profile import profile_area, profile_periods
from healthgap.analyses.report import build_report, report_areas
from healthgap.analyses.report_batch import build_reports
from healthgap.analyses.report_source import RememberingSource
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
    "MAX_FUNNEL_POINTS",
    "STAGE_FIELDS",
    "TABLE_PURPOSES",
    "AreaEvidence",
    "CaseStudyPage",
    "Executor",
    "Export",
    "IndicatorSource",
    "InterventionEvidence",
    "JourneyConflictError",
    "JourneyEdit",
    "LoggingChoices",
    "MeccImport",
    "PracticeExample",
    "PreparedSource",
    "RememberingSource",
    "ResearchPage",
    "ResearchSummary",
    "ReviewQueue",
    "Source",
    "StoredFile",
    "SyncOutcome",
    "WorkspaceSource",
    "action_plan",
    "add_action",
    "agree_item",
    "apply_service_data",
    "assessment_overview",
    "assessment_summary",
    "attach_file",
    "attached_file",
    "attached_files",
    "audit_service_equity",
    "build_demo",
    "build_report",
    "build_reports",
    "change_action_status",
    "check_gap_target",
    "check_grid",
    "check_insight_note",
    "check_segment_names",
    "check_stage_suggestion",
    "classify_areas",
    "close_workshop",
    "comment_on",
    "compare_journey_maps",
    "consensus_view",
    "contribution_choices",
    "contribution_template",
    "create_journey_from_template",
    "data_templates",
    "edit_journey",
    "ensure_bank",
    "ensure_demo_staff_login",
    "explain_gap",
    "export_case_studies",
    "export_content_pack",
    "export_journey",
    "export_research",
    "feedback_sends",
    "feedback_summary",
    "form_to_case_study",
    "funnel_of_journey",
    "gather_evidence",
    "glossary_terms",
    "import_data",
    "import_insight_notes",
    "import_journey",
    "import_mecc_directory",
    "import_mecc_logs",
    "import_mecc_staff_health",
    "import_mecc_training",
    "import_referrals_received",
    "import_research_file",
    "import_segment_lookup",
    "install_content_pack",
    "invite_participants",
    "journey_history",
    "latest_period",
    "link_insight_note",
    "link_plan_scenario",
    "link_staff_account",
    "linked_text",
    "list_frameworks",
    "list_journey_templates",
    "list_journeys",
    "load_demo_journeys",
    "load_mecc_demo",
    "log_entry",
    "logging_choices",
    "logging_staff",
    "lookup_segmentation",
    "measure_deprivation_gap",
    "measure_dsr",
    "measure_healthy_life_expectancy",
    "measure_life_expectancy",
    "mecc_activity",
    "mecc_data_version",
    "mecc_directory_overview",
    "mecc_organisations",
    "mecc_referrals",
    "mecc_staff_health",
    "mecc_training",
    "move_document",
    "my_assessments",
    "no_evidence",
    "open_consensus",
    "open_executor",
    "packs_folder",
    "plan_baseline",
    "plan_budget",
    "plan_grid",
    "plan_model",
    "plan_scenario",
    "plan_sensitivity",
    "plan_volumes",
    "practice_actor",
    "practice_for_intervention",
    "practice_for_item",
    "problems_left_out",
    "profile_area",
    "profile_periods",
    "rate_item",
    "rate_items_from_file",
    "rating_sheet",
    "read_parent_lookup",
    "read_segment_file",
    "record_feedback_sent",
    "repeat_segment_run",
    "report_areas",
    "review_queue",
    "save_insight_note",
    "save_journey_content",
    "search_notes",
    "search_practice",
    "segment_areas",
    "service_choices",
    "service_funnel",
    "set_practice_role",
    "show_framework",
    "show_insight_note",
    "show_journey",
    "similar_practice",
    "start_assessment",
    "start_to_be",
    "stored_segmentation",
    "submit_case_study",
    "submit_template_file",
    "survey_stages",
    "sync_batches",
    "sync_entries",
    "target_periods",
    "template_csv",
    "validate_files",
    "view_case_study",
    "view_research_entry",
    "workspace_info",
]
