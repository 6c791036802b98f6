"""The indicators an item can link to, and which healthgap table feeds each one.

A content pack names these ids in an item's ``indicators`` list; an unknown id is a broken
link and the pack is refused. :mod:`healthgap.assessment.evidence` turns each into the rows
shown beside a rating.

>>> INDICATORS["intervention_volumes"].label
'Planned intervention volumes against the gap-reduction target'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["INDICATORS", "Indicator", "indicator_label"]


@dataclass(frozen=True)
class Indicator:
    """An indicator id, its label and the healthgap result it is read from."""

    id: str
    label: str
    source: str


INDICATORS: Mapping[str, Indicator] = MappingProxyType(
    {
        indicator.id: indicator
        for indicator in (
            Indicator(
                "life_expectancy",
                "Life expectancy at birth",
                "healthgap.measures.life_expectancy",
            ),
            Indicator(
                "comparator_gap",
                "Life expectancy gap against the comparator",
                "healthgap.measures.compare (on life expectancy)",
            ),
            Indicator(
                "deprivation_gap",
                "Life expectancy gap between the least and most deprived groups",
                "healthgap.measures.deprivation_gap",
            ),
            Indicator(
                "gap_contributions",
                "Largest contributions to the gap by age and by cause",
                "healthgap.decomposition.decompose_gap",
            ),
            Indicator(
                "intervention_volumes",
                "Planned intervention volumes against the gap-reduction target",
                "healthgap.scenarios.run_scenario (tables 'interventions' and 'gap')",
            ),
        )
    }
)


def indicator_label(indicator_id: str) -> str:
    """The label of an indicator id (the id itself when unknown)."""
    found = INDICATORS.get(indicator_id)
    return found.label if found else indicator_id
