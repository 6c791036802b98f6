"""Self-assessment of local systems: frameworks as versioned content, ratings, consensus,
evidence from healthgap's own measures, and an action plan.

One engine for several tools (the HINST commissioning diagnostic, POTS, the Population
Intervention Triangle and Tools A-D, the NSMC benchmark criteria, the MECC training quality
markers), each shipped as a YAML content pack; users add frameworks or new wording as new
pack versions. Ratings are ordinal and never averaged; there is no cross-place ranking.
See ``docs/assessment.md``.

>>> from healthgap.assessment import shipped_catalogue
>>> [len(shipped_catalogue().get(f).top_items()) for f in ("hinst_cbo", "pots", "pit")]
[12, 13, 7]
"""

from healthgap.assessment.actions import (
    Action,
    ActionStatus,
    StatusChange,
    action_history_table,
    action_plan_table,
    action_status_timeline,
    check_action,
)
from healthgap.assessment.catalogue import (
    Catalogue,
    export_pack,
    install_pack,
    load_catalogue,
    shipped_catalogue,
)
from healthgap.assessment.contradictions import SHORTFALL_SHARE, contradictions
from healthgap.assessment.evidence import (
    EVIDENCE_COLUMNS,
    AreaData,
    evidence_table,
    indicator_evidence,
    tool_a_data_steps,
)
from healthgap.assessment.evidence_flags import evidence_flags
from healthgap.assessment.exports import (
    AssessmentReport,
    assessment_report,
    report_csv,
    report_json,
    report_xlsx,
)
from healthgap.assessment.indicators import INDICATORS, Indicator
from healthgap.assessment.model import (
    DONT_KNOW,
    NOT_APPLICABLE,
    DataStep,
    FrameworkVersion,
    Item,
    Level,
    Mode,
    Ordering,
    Scale,
    Section,
    Source,
    SpecialAnswer,
    Tool,
    Wording,
)
from healthgap.assessment.packs import PACK_FORMAT, load_pack, parse_pack, parse_pack_text
from healthgap.assessment.profiles import (
    PIT_POSITIONS,
    heatmap_table,
    profile_table,
    triangle_table,
)
from healthgap.assessment.responses import (
    CONFIDENCE_LEVELS,
    PARTICIPANT_ROLES,
    ROUNDS,
    Assessment,
    Consensus,
    Participant,
    Rating,
    Scope,
    check_consensus,
    check_rating,
    check_scope,
    consensus_frame,
    latest_ratings,
    ratings_frame,
)
from healthgap.assessment.spread import rating_counts, spread_table, strengths, weakest_link

__all__ = [
    "CONFIDENCE_LEVELS",
    "DONT_KNOW",
    "EVIDENCE_COLUMNS",
    "INDICATORS",
    "NOT_APPLICABLE",
    "PACK_FORMAT",
    "PARTICIPANT_ROLES",
    "PIT_POSITIONS",
    "ROUNDS",
    "SHORTFALL_SHARE",
    "Action",
    "ActionStatus",
    "AreaData",
    "Assessment",
    "AssessmentReport",
    "Catalogue",
    "Consensus",
    "DataStep",
    "FrameworkVersion",
    "Indicator",
    "Item",
    "Level",
    "Mode",
    "Ordering",
    "Participant",
    "Rating",
    "Scale",
    "Scope",
    "Section",
    "Source",
    "SpecialAnswer",
    "StatusChange",
    "Tool",
    "Wording",
    "action_history_table",
    "action_plan_table",
    "action_status_timeline",
    "assessment_report",
    "check_action",
    "check_consensus",
    "check_rating",
    "check_scope",
    "consensus_frame",
    "contradictions",
    "evidence_flags",
    "evidence_table",
    "export_pack",
    "heatmap_table",
    "indicator_evidence",
    "install_pack",
    "latest_ratings",
    "load_catalogue",
    "load_pack",
    "parse_pack",
    "parse_pack_text",
    "profile_table",
    "rating_counts",
    "ratings_frame",
    "report_csv",
    "report_json",
    "report_xlsx",
    "shipped_catalogue",
    "spread_table",
    "strengths",
    "tool_a_data_steps",
    "triangle_table",
    "weakest_link",
]
