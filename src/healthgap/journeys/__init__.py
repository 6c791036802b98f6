"""Customer journey maps, insight notes and the feedback loop (a core domain).

- :mod:`~healthgap.journeys.model`: journey → stages → touchpoints, improvements;
- :mod:`~healthgap.journeys.validation`: every broken rule, by file, row and column;
- :mod:`~healthgap.journeys.records` and :mod:`~healthgap.journeys.exchange`: JSON, YAML and
  CSV files, all-or-nothing;
- :mod:`~healthgap.journeys.editing`: keyboard-friendly edits (add, change, move, remove);
- :mod:`~healthgap.journeys.templates`: four reconstructed templates and a SYNTHETIC example;
- :mod:`~healthgap.journeys.funnel`: drop-off funnel with Wilson intervals from service data;
- :mod:`~healthgap.journeys.compare`: as-is vs to-be, stage by stage;
- :mod:`~healthgap.journeys.map_table`: the map as accessible tables;
- :mod:`~healthgap.journeys.insight` and :mod:`~healthgap.journeys.personal_data`: insight
  notes and the personal-data check on quotes;
- :mod:`~healthgap.journeys.feedback`: "what you told us, what we are doing".

This package imports only the core (errors, measures); storage, charts and pages live in
``healthgap.store.journeys``, ``healthgap.reports.journey_charts`` and the interfaces.
"""

from healthgap.journeys.compare import JourneyComparison, compare_journeys, stage_summary
from healthgap.journeys.editing import (
    add_improvement,
    add_stage,
    add_touchpoint,
    move_stage,
    move_touchpoint,
    next_version,
    remove_improvement,
    remove_stage,
    remove_touchpoint,
    start_to_be,
    update_improvement,
    update_journey_details,
    update_stage,
    update_touchpoint,
)
from healthgap.journeys.exchange import (
    read_journey,
    read_journey_csv,
    write_journey_csv,
    write_journey_json,
)
from healthgap.journeys.feedback import (
    FeedbackSend,
    FeedbackSummary,
    build_feedback_summary,
    check_feedback_send,
    feedback_to_dict,
)
from healthgap.journeys.funnel import (
    SERVICE_ACTIVITY_COLUMNS,
    apply_service_counts,
    check_service_activity,
    funnel_table,
    journey_funnel,
)
from healthgap.journeys.insight import (
    InsightNote,
    insight_link_problems,
    insight_notes_from_records,
    note_personal_data,
    read_insight_notes,
    search_insight_notes,
    theme_summary,
    touchpoint_ref,
    write_insight_notes,
)
from healthgap.journeys.map_table import journey_map_table, swimlane_cells, swimlane_grid
from healthgap.journeys.model import (
    LANES,
    Evidence,
    Improvement,
    Journey,
    JourneyKind,
    SegmentRef,
    Stage,
    Touchpoint,
)
from healthgap.journeys.personal_data import (
    PersonalDataWarning,
    find_personal_data,
    redact,
    warn_personal_data,
)
from healthgap.journeys.records import journey_from_dict, journey_to_dict
from healthgap.journeys.templates import (
    demo_insight_notes,
    list_templates,
    load_template,
    template_text,
)
from healthgap.journeys.validation import check_journey, journey_problems

__all__ = [
    "LANES",
    "SERVICE_ACTIVITY_COLUMNS",
    "Evidence",
    "FeedbackSend",
    "FeedbackSummary",
    "Improvement",
    "InsightNote",
    "Journey",
    "JourneyComparison",
    "JourneyKind",
    "PersonalDataWarning",
    "SegmentRef",
    "Stage",
    "Touchpoint",
    "add_improvement",
    "add_stage",
    "add_touchpoint",
    "apply_service_counts",
    "build_feedback_summary",
    "check_feedback_send",
    "check_journey",
    "check_service_activity",
    "compare_journeys",
    "demo_insight_notes",
    "feedback_to_dict",
    "find_personal_data",
    "funnel_table",
    "insight_link_problems",
    "insight_notes_from_records",
    "journey_from_dict",
    "journey_funnel",
    "journey_map_table",
    "journey_problems",
    "journey_to_dict",
    "list_templates",
    "load_template",
    "move_stage",
    "move_touchpoint",
    "next_version",
    "note_personal_data",
    "read_insight_notes",
    "read_journey",
    "read_journey_csv",
    "redact",
    "remove_improvement",
    "remove_stage",
    "remove_touchpoint",
    "search_insight_notes",
    "stage_summary",
    "start_to_be",
    "swimlane_cells",
    "swimlane_grid",
    "template_text",
    "theme_summary",
    "touchpoint_ref",
    "update_improvement",
    "update_journey_details",
    "update_stage",
    "update_touchpoint",
    "warn_personal_data",
    "write_insight_notes",
    "write_journey_csv",
    "write_journey_json",
]
