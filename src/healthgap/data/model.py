"""The tidy data model: table names, their columns, and the vocabularies they use.

Every table is long (one row per cell) and keyed by GSS-style ``area_code``.
See ``docs/data-model.md`` for the full description.

>>> TABLE_COLUMNS["deaths"]
('area_code', 'period', 'sex', 'age_start', 'cause', 'deaths')
"""

from __future__ import annotations

__all__ = [
    "ALL_CAUSES",
    "CAUSE_GROUPS",
    "KEY_COLUMNS",
    "LEVELS",
    "SEXES",
    "TABLE_COLUMNS",
    "parent_column",
]

#: Built-in geography levels, smallest first. Users may add their own level names.
LEVELS: tuple[str, ...] = ("lsoa", "msoa", "ward", "la", "utla", "region", "icb", "country")

SEXES: tuple[str, ...] = ("male", "female", "persons")

#: Cause label used when deaths are not split by cause.
ALL_CAUSES = "all"

#: The cause groups of the demo data and the Segment-style decomposition (exhaustive).
CAUSE_GROUPS: tuple[str, ...] = (
    "circulatory",
    "cancer",
    "respiratory",
    "digestive",
    "external",
    "infant_perinatal",
    "mental_behavioural",
    "other",
)

#: Columns of each table, in order. ``areas`` also has one ``parent_<level>`` column
#: per higher level it belongs to (e.g. ``parent_la``, ``parent_region``).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "areas": ("area_code", "area_name", "level", "vintage", "deprivation_score"),
    "population": ("area_code", "period", "sex", "age_start", "person_years"),
    "deaths": ("area_code", "period", "sex", "age_start", "cause", "deaths"),
    "good_health": ("area_code", "period", "sex", "age_start", "prevalence", "respondents"),
    "indicators": (
        "area_code",
        "period",
        "sex",
        "indicator",
        "value",
        "lowercl",
        "uppercl",
        "count",
        "denominator",
    ),
}

#: Columns that identify a row (no two rows may share them).
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "areas": ("area_code",),
    "population": ("area_code", "period", "sex", "age_start"),
    "deaths": ("area_code", "period", "sex", "age_start", "cause"),
    "good_health": ("area_code", "period", "sex", "age_start"),
    "indicators": ("area_code", "period", "sex", "indicator"),
}


def parent_column(level: str) -> str:
    """Name of the areas column holding the code of the parent at ``level``.

    >>> parent_column("region")
    'parent_region'
    """
    return f"parent_{level}"
