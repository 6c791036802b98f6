"""Decomposition: split a gap in life expectancy into the ages and causes that make it up."""

from healthgap.decomposition.arriaga import ArriagaParts, arriaga_contributions, split_by_cause
from healthgap.decomposition.changes import decompose_gap_change, life_years_lost
from healthgap.decomposition.comparisons import Comparison, build_comparison
from healthgap.decomposition.decompose import decompose_gap, life_expectancy_gaps

__all__ = [
    "ArriagaParts",
    "Comparison",
    "arriaga_contributions",
    "build_comparison",
    "decompose_gap",
    "decompose_gap_change",
    "life_expectancy_gaps",
    "life_years_lost",
    "split_by_cause",
]
