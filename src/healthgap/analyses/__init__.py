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

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

import healthgap.lazy_names as _lazy

if TYPE_CHECKING:
    # `name as name`: re-exported, for type checkers (`__all__` is built below).
    from healthgap.analyses.assessment_evidence import AreaEvidence as AreaEvidence
    from healthgap.analyses.assessment_evidence import gather_evidence as gather_evidence
    from healthgap.analyses.assessment_evidence import no_evidence as no_evidence
    from healthgap.analyses.assessment_frameworks import export_content_pack as export_content_pack
    from healthgap.analyses.assessment_frameworks import (
        install_content_pack as install_content_pack,
    )
    from healthgap.analyses.assessment_frameworks import list_frameworks as list_frameworks
    from healthgap.analyses.assessment_frameworks import packs_folder as packs_folder
    from healthgap.analyses.assessment_frameworks import show_framework as show_framework
    from healthgap.analyses.assessment_rating import rating_sheet as rating_sheet
    from healthgap.analyses.assessment_summary import assessment_summary as assessment_summary
    from healthgap.analyses.assessment_tracking import add_action as add_action
    from healthgap.analyses.assessment_tracking import change_action_status as change_action_status
    from healthgap.analyses.assessment_tracking import link_plan_scenario as link_plan_scenario
    from healthgap.analyses.assessment_views import action_plan as action_plan
    from healthgap.analyses.assessment_views import assessment_overview as assessment_overview
    from healthgap.analyses.assessment_views import consensus_view as consensus_view
    from healthgap.analyses.assessment_views import my_assessments as my_assessments
    from healthgap.analyses.assessment_workshop import agree_item as agree_item
    from healthgap.analyses.assessment_workshop import close_workshop as close_workshop
    from healthgap.analyses.assessment_workshop import invite_participants as invite_participants
    from healthgap.analyses.assessment_workshop import open_consensus as open_consensus
    from healthgap.analyses.assessment_workshop import rate_item as rate_item
    from healthgap.analyses.assessment_workshop import rate_items_from_file as rate_items_from_file
    from healthgap.analyses.assessment_workshop import start_assessment as start_assessment
    from healthgap.analyses.classify import classify_areas as classify_areas
    from healthgap.analyses.data import import_data as import_data
    from healthgap.analyses.data import problems_left_out as problems_left_out
    from healthgap.analyses.data import validate_files as validate_files
    from healthgap.analyses.data import workspace_info as workspace_info
    from healthgap.analyses.data_templates import TABLE_PURPOSES as TABLE_PURPOSES
    from healthgap.analyses.data_templates import data_templates as data_templates
    from healthgap.analyses.data_templates import template_csv as template_csv
    from healthgap.analyses.demo import build_demo as build_demo
    from healthgap.analyses.equity import MAX_FUNNEL_POINTS as MAX_FUNNEL_POINTS
    from healthgap.analyses.equity import audit_service_equity as audit_service_equity
    from healthgap.analyses.equity import service_choices as service_choices
    from healthgap.analyses.explain import explain_gap as explain_gap
    from healthgap.analyses.grid import check_grid as check_grid
    from healthgap.analyses.grid import plan_grid as plan_grid
    from healthgap.analyses.insight_inputs import IndicatorSource as IndicatorSource
    from healthgap.analyses.insight_inputs import read_parent_lookup as read_parent_lookup
    from healthgap.analyses.insight_inputs import read_segment_file as read_segment_file
    from healthgap.analyses.journey_compare import apply_service_data as apply_service_data
    from healthgap.analyses.journey_compare import compare_journey_maps as compare_journey_maps
    from healthgap.analyses.journey_compare import funnel_of_journey as funnel_of_journey
    from healthgap.analyses.journey_compare import service_funnel as service_funnel
    from healthgap.analyses.journey_demo import load_demo_journeys as load_demo_journeys
    from healthgap.analyses.journey_edits import JourneyConflictError as JourneyConflictError
    from healthgap.analyses.journey_edits import JourneyEdit as JourneyEdit
    from healthgap.analyses.journey_edits import edit_journey as edit_journey
    from healthgap.analyses.journey_edits import save_journey_content as save_journey_content
    from healthgap.analyses.journey_feedback import feedback_sends as feedback_sends
    from healthgap.analyses.journey_feedback import feedback_summary as feedback_summary
    from healthgap.analyses.journey_feedback import record_feedback_sent as record_feedback_sent
    from healthgap.analyses.journey_files import export_journey as export_journey
    from healthgap.analyses.journey_files import import_journey as import_journey
    from healthgap.analyses.journey_maps import (
        create_journey_from_template as create_journey_from_template,
    )
    from healthgap.analyses.journey_maps import journey_history as journey_history
    from healthgap.analyses.journey_maps import list_journey_templates as list_journey_templates
    from healthgap.analyses.journey_maps import list_journeys as list_journeys
    from healthgap.analyses.journey_maps import show_journey as show_journey
    from healthgap.analyses.journey_maps import start_to_be as start_to_be
    from healthgap.analyses.journey_notes import check_insight_note as check_insight_note
    from healthgap.analyses.journey_notes import import_insight_notes as import_insight_notes
    from healthgap.analyses.journey_notes import link_insight_note as link_insight_note
    from healthgap.analyses.journey_notes import save_insight_note as save_insight_note
    from healthgap.analyses.journey_notes import search_notes as search_notes
    from healthgap.analyses.journey_notes import show_insight_note as show_insight_note
    from healthgap.analyses.measure import measure_deprivation_gap as measure_deprivation_gap
    from healthgap.analyses.measure import measure_dsr as measure_dsr
    from healthgap.analyses.measure import (
        measure_healthy_life_expectancy as measure_healthy_life_expectancy,
    )
    from healthgap.analyses.measure import measure_life_expectancy as measure_life_expectancy
    from healthgap.analyses.mecc_dashboards import mecc_activity as mecc_activity
    from healthgap.analyses.mecc_dashboards import mecc_referrals as mecc_referrals
    from healthgap.analyses.mecc_demo import ensure_demo_staff_login as ensure_demo_staff_login
    from healthgap.analyses.mecc_demo import load_mecc_demo as load_mecc_demo
    from healthgap.analyses.mecc_directory import link_staff_account as link_staff_account
    from healthgap.analyses.mecc_directory import mecc_directory_overview as mecc_directory_overview
    from healthgap.analyses.mecc_imports import MeccImport as MeccImport
    from healthgap.analyses.mecc_imports import import_mecc_directory as import_mecc_directory
    from healthgap.analyses.mecc_imports import import_mecc_logs as import_mecc_logs
    from healthgap.analyses.mecc_imports import import_mecc_staff_health as import_mecc_staff_health
    from healthgap.analyses.mecc_imports import import_mecc_training as import_mecc_training
    from healthgap.analyses.mecc_imports import (
        import_referrals_received as import_referrals_received,
    )
    from healthgap.analyses.mecc_logging import LoggingChoices as LoggingChoices
    from healthgap.analyses.mecc_logging import SyncOutcome as SyncOutcome
    from healthgap.analyses.mecc_logging import log_entry as log_entry
    from healthgap.analyses.mecc_logging import logging_choices as logging_choices
    from healthgap.analyses.mecc_logging import logging_staff as logging_staff
    from healthgap.analyses.mecc_logging import sync_batches as sync_batches
    from healthgap.analyses.mecc_logging import sync_entries as sync_entries
    from healthgap.analyses.mecc_source import data_version, organisation_names
    from healthgap.analyses.mecc_staff import mecc_staff_health as mecc_staff_health
    from healthgap.analyses.mecc_staff import mecc_training as mecc_training
    from healthgap.analyses.plan import plan_baseline as plan_baseline
    from healthgap.analyses.plan import plan_budget as plan_budget
    from healthgap.analyses.plan import plan_model as plan_model
    from healthgap.analyses.plan import plan_scenario as plan_scenario
    from healthgap.analyses.plan import plan_volumes as plan_volumes
    from healthgap.analyses.practice_files import StoredFile as StoredFile
    from healthgap.analyses.practice_files import attach_file as attach_file
    from healthgap.analyses.practice_files import attached_file as attached_file
    from healthgap.analyses.practice_files import attached_files as attached_files
    from healthgap.analyses.practice_library import Export as Export
    from healthgap.analyses.practice_library import export_case_studies as export_case_studies
    from healthgap.analyses.practice_library import export_research as export_research
    from healthgap.analyses.practice_library import import_research_file as import_research_file
    from healthgap.analyses.practice_pages import CaseStudyPage as CaseStudyPage
    from healthgap.analyses.practice_pages import InterventionEvidence as InterventionEvidence
    from healthgap.analyses.practice_pages import ResearchPage as ResearchPage
    from healthgap.analyses.practice_pages import glossary_terms as glossary_terms
    from healthgap.analyses.practice_pages import linked_text as linked_text
    from healthgap.analyses.practice_pages import (
        practice_for_intervention as practice_for_intervention,
    )
    from healthgap.analyses.practice_pages import practice_for_item as practice_for_item
    from healthgap.analyses.practice_pages import view_case_study as view_case_study
    from healthgap.analyses.practice_pages import view_research_entry as view_research_entry
    from healthgap.analyses.practice_search import ensure_bank as ensure_bank
    from healthgap.analyses.practice_search import search_practice as search_practice
    from healthgap.analyses.practice_search import similar_practice as similar_practice
    from healthgap.analyses.practice_views import PracticeExample as PracticeExample
    from healthgap.analyses.practice_views import ResearchSummary as ResearchSummary
    from healthgap.analyses.practice_workflow import ReviewQueue as ReviewQueue
    from healthgap.analyses.practice_workflow import comment_on as comment_on
    from healthgap.analyses.practice_workflow import contribution_choices as contribution_choices
    from healthgap.analyses.practice_workflow import contribution_template as contribution_template
    from healthgap.analyses.practice_workflow import form_to_case_study as form_to_case_study
    from healthgap.analyses.practice_workflow import move_document as move_document
    from healthgap.analyses.practice_workflow import practice_actor as practice_actor
    from healthgap.analyses.practice_workflow import review_queue as review_queue
    from healthgap.analyses.practice_workflow import set_practice_role as set_practice_role
    from healthgap.analyses.practice_workflow import submit_case_study as submit_case_study
    from healthgap.analyses.practice_workflow import submit_template_file as submit_template_file
    from healthgap.analyses.prepared_source import PreparedSource as PreparedSource
    from healthgap.analyses.profile import profile_area as profile_area
    from healthgap.analyses.profile import profile_periods as profile_periods
    from healthgap.analyses.report import build_report as build_report
    from healthgap.analyses.report import report_areas as report_areas
    from healthgap.analyses.report_batch import build_reports as build_reports
    from healthgap.analyses.report_source import RememberingSource as RememberingSource
    from healthgap.analyses.segment import check_segment_names as check_segment_names
    from healthgap.analyses.segment import import_segment_lookup as import_segment_lookup
    from healthgap.analyses.segment import lookup_segmentation as lookup_segmentation
    from healthgap.analyses.segment import repeat_segment_run as repeat_segment_run
    from healthgap.analyses.segment import segment_areas as segment_areas
    from healthgap.analyses.segment import stored_segmentation as stored_segmentation
    from healthgap.analyses.selection import latest_period as latest_period
    from healthgap.analyses.sensitivity import plan_sensitivity as plan_sensitivity
    from healthgap.analyses.source import Source as Source
    from healthgap.analyses.source import WorkspaceSource as WorkspaceSource
    from healthgap.analyses.survey import STAGE_FIELDS as STAGE_FIELDS
    from healthgap.analyses.survey import check_stage_suggestion as check_stage_suggestion
    from healthgap.analyses.survey import survey_stages as survey_stages
    from healthgap.analyses.target import check_gap_target as check_gap_target
    from healthgap.analyses.target import target_periods as target_periods
    from healthgap.compute import Executor as Executor
    from healthgap.compute import open_executor as open_executor

    mecc_data_version = data_version
    mecc_organisations = organisation_names

# Each use case is imported from its module when first used (PEP 562), not here: one
# command or one report in a fresh process would otherwise pay about a second importing
# every use case's dependencies (SQLAlchemy, polars, pandera...). The imports above say the
# same to type checkers.
_MODULE_OF = _lazy.names_by_module(
    {
        ".assessment_evidence": "AreaEvidence gather_evidence no_evidence",
        ".assessment_frameworks": "export_content_pack install_content_pack list_frameworks "
        "packs_folder show_framework",
        ".assessment_rating": "rating_sheet",
        ".assessment_summary": "assessment_summary",
        ".assessment_tracking": "add_action change_action_status link_plan_scenario",
        ".assessment_views": "action_plan assessment_overview consensus_view my_assessments",
        ".assessment_workshop": "agree_item close_workshop invite_participants open_consensus "
        "rate_item rate_items_from_file start_assessment",
        ".classify": "classify_areas",
        ".data": "import_data problems_left_out validate_files workspace_info",
        ".data_templates": "TABLE_PURPOSES data_templates template_csv",
        ".demo": "build_demo",
        ".equity": "MAX_FUNNEL_POINTS audit_service_equity service_choices",
        ".explain": "explain_gap",
        ".grid": "check_grid plan_grid",
        ".insight_inputs": "IndicatorSource read_parent_lookup read_segment_file",
        ".journey_compare": "apply_service_data compare_journey_maps funnel_of_journey "
        "service_funnel",
        ".journey_demo": "load_demo_journeys",
        ".journey_edits": "JourneyConflictError JourneyEdit edit_journey save_journey_content",
        ".journey_feedback": "feedback_sends feedback_summary record_feedback_sent",
        ".journey_files": "export_journey import_journey",
        ".journey_maps": "create_journey_from_template journey_history list_journey_templates "
        "list_journeys show_journey start_to_be",
        ".journey_notes": "check_insight_note import_insight_notes link_insight_note "
        "save_insight_note search_notes show_insight_note",
        ".measure": "measure_deprivation_gap measure_dsr measure_healthy_life_expectancy "
        "measure_life_expectancy",
        ".mecc_dashboards": "mecc_activity mecc_referrals",
        ".mecc_demo": "ensure_demo_staff_login load_mecc_demo",
        ".mecc_directory": "link_staff_account mecc_directory_overview",
        ".mecc_imports": "MeccImport import_mecc_directory import_mecc_logs "
        "import_mecc_staff_health import_mecc_training import_referrals_received",
        ".mecc_logging": "LoggingChoices SyncOutcome log_entry logging_choices logging_staff "
        "sync_batches sync_entries",
        ".mecc_source": "mecc_data_version mecc_organisations",
        ".mecc_staff": "mecc_staff_health mecc_training",
        ".plan": "plan_baseline plan_budget plan_model plan_scenario plan_volumes",
        ".practice_files": "StoredFile attach_file attached_file attached_files",
        ".practice_library": "Export export_case_studies export_research import_research_file",
        ".practice_pages": "CaseStudyPage InterventionEvidence ResearchPage glossary_terms "
        "linked_text practice_for_intervention practice_for_item view_case_study "
        "view_research_entry",
        ".practice_search": "ensure_bank search_practice similar_practice",
        ".practice_views": "PracticeExample ResearchSummary",
        ".practice_workflow": "ReviewQueue comment_on contribution_choices contribution_template "
        "form_to_case_study move_document practice_actor review_queue set_practice_role "
        "submit_case_study submit_template_file",
        ".prepared_source": "PreparedSource",
        ".profile": "profile_area profile_periods",
        ".report": "build_report report_areas",
        ".report_batch": "build_reports",
        ".report_source": "RememberingSource",
        ".segment": "check_segment_names import_segment_lookup lookup_segmentation "
        "repeat_segment_run segment_areas stored_segmentation",
        ".selection": "latest_period",
        ".sensitivity": "plan_sensitivity",
        ".source": "Source WorkspaceSource",
        ".survey": "STAGE_FIELDS check_stage_suggestion survey_stages",
        ".target": "check_gap_target target_periods",
        "healthgap.compute": "Executor open_executor",
    }
)
_RENAMED = {"mecc_data_version": "data_version", "mecc_organisations": "organisation_names"}

__getattr__, __dir__ = _lazy.lazy_names(__name__, _MODULE_OF, _RENAMED)


class _UseCases(types.ModuleType):
    """This package, whose use cases ``assessment_summary`` and ``data_templates`` share
    their module's name: importing such a module must not put the module in their place
    (the import system sets every submodule as an attribute of its package)."""

    def __setattr__(self, name: str, value: object) -> None:
        if not (name in _MODULE_OF and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _UseCases

# The public names, ordered as `ruff` sorts a written-out `__all__`: constants, classes,
# then functions (written out, it would take this module over 400 lines).
__all__ = sorted(_MODULE_OF, key=lambda name: (not name.isupper(), not name[0].isupper(), name))
