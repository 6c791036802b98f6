"""Insight: understand people through open segments of small areas, stages of change from
survey data, and a service equity audit that covers ethnicity.

Core domain: builds only on :mod:`healthgap.errors`, :mod:`healthgap.data` and
:mod:`healthgap.measures`. See ``docs/insight.md`` for a worked example.

- Segmentation: :func:`read_imd_domains` / :func:`read_indicator_file` /
  :func:`indicator_table` -> :func:`join_indicators` -> :class:`SmallAreaSegmenter` ->
  :func:`segment_profiles`, :func:`segment_summary`, :func:`segment_life_expectancy`,
  :func:`suggest_names`, :func:`persona_cards`; a licensed lookup via
  :func:`read_segment_lookup` is used the same way.
- Stages of change: :func:`stage_shares` -> :func:`stage_matrix` with
  :func:`load_stage_content`.
- Equity audit: :func:`equity_audit`.

>>> sorted(STAGES)[:2]
['action', 'contemplation']
"""

from healthgap.insight.equity import EquityAudit, equity_audit
from healthgap.insight.equity_input import audit_cells
from healthgap.insight.ethnicity import (
    DETAILED,
    HIGH_LEVEL,
    NOT_STATED,
    normalise_detailed,
    to_high_level,
)
from healthgap.insight.funnel import funnel_limits, funnel_points
from healthgap.insight.indicator_sources import (
    indicators_from_long,
    read_imd_domains,
    read_indicator_file,
)
from healthgap.insight.indicators import (
    IndicatorTable,
    JoinedIndicators,
    indicator_table,
    join_indicators,
)
from healthgap.insight.lookup import SegmentLookup, read_segment_lookup, segment_lookup
from healthgap.insight.personas import persona_cards, rename_segments, suggest_names
from healthgap.insight.profiles import (
    ECOLOGICAL_NOTE,
    segment_life_expectancy,
    segment_profiles,
    segment_shares,
    segment_summary,
)
from healthgap.insight.run_record import RunRecord
from healthgap.insight.segmentation import SmallAreaSegmenter, UnstableSegmentsWarning
from healthgap.insight.stage_matrix import StageContent, load_stage_content, stage_matrix
from healthgap.insight.stages import STAGES, stage_shares

__all__ = [
    "DETAILED",
    "ECOLOGICAL_NOTE",
    "HIGH_LEVEL",
    "NOT_STATED",
    "STAGES",
    "EquityAudit",
    "IndicatorTable",
    "JoinedIndicators",
    "RunRecord",
    "SegmentLookup",
    "SmallAreaSegmenter",
    "StageContent",
    "UnstableSegmentsWarning",
    "audit_cells",
    "equity_audit",
    "funnel_limits",
    "funnel_points",
    "indicator_table",
    "indicators_from_long",
    "join_indicators",
    "load_stage_content",
    "normalise_detailed",
    "persona_cards",
    "read_imd_domains",
    "read_indicator_file",
    "read_segment_lookup",
    "rename_segments",
    "segment_life_expectancy",
    "segment_lookup",
    "segment_profiles",
    "segment_shares",
    "segment_summary",
    "stage_matrix",
    "stage_shares",
    "suggest_names",
    "to_high_level",
]
