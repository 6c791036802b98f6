"""Decomposition: split a gap in life expectancy into the ages and causes that make it up."""

from healthgap.decomposition.arriaga import ArriagaParts, arriaga_contributions, split_by_cause
from healthgap.decomposition.changes import decompose_gap_change, life_years_lost
from healthgap.decomposition.comparison import Comparison
from healthgap.decomposition.decompose import decompose_gap, life_expectancy_gaps
from healthgap.decomposition.populations import (
    ComparedPopulations,
    RowReader,
    build_comparison,
    compare_populations,
    frame_reader,
    gaps_over_periods,
    rows_of_areas,
)

__all__ = [
    "ArriagaParts",
    "ComparedPopulations",
    "Comparison",
    "RowReader",
    "arriaga_contributions",
    "build_comparison",
    "compare_populations",
    "decompose_gap",
    "decompose_gap_change",
    "frame_reader",
    "gaps_over_periods",
    "life_expectancy_gaps",
    "life_years_lost",
    "rows_of_areas",
    "split_by_cause",
]
