"""Plain words for an equity audit: names of groupings and groups, and one sentence per group
found under-using a service, as a commissioner would say it.

>>> grouping_label("deprivation_quintile")
'Deprivation fifth (1 = most deprived)'
>>> group_words("deprivation_quintile", "1"), group_words("age_band", "18-29")
('people in the most deprived fifth of areas', 'people aged 18-29')
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "GROUPING_LABELS",
    "category_label",
    "SERVICE_LABELS",
    "finding_sentence",
    "group_words",
    "grouping_label",
    "service_words",
]

GROUPING_LABELS = {
    "deprivation_quintile": "Deprivation fifth (1 = most deprived)",
    "deprivation_decile": "Deprivation tenth (1 = most deprived)",
    "ethnic_group_high_level": "Ethnic group (ONS 2021, 5 high-level groups)",
    "ethnic_group": "Ethnic group (ONS 2021, 19 detailed groups)",
    "ethnicity_high_level": "Ethnic group (ONS 2021, 5 high-level groups)",
    "ethnicity": "Ethnic group (ONS 2021, 19 detailed groups)",
    "age_band": "Age band",
    "sex": "Sex",
}
#: What the demo's services count, in words (other services use their own name).
SERVICE_LABELS = {
    "stop_smoking": ("the stop-smoking service", "quits"),
    "nhs_health_check": ("NHS Health Checks", "checks"),
    "bowel_screening": ("bowel screening", "people screened"),
}
_ORDINAL = {"1": "most deprived", "2": "second most deprived", "3": "middle", "4": "fourth"}
_SEXES = {"male": "men and boys", "female": "women and girls"}


def grouping_label(grouping: str) -> str:
    """The heading of a grouping, e.g. "Age band"."""
    return GROUPING_LABELS.get(grouping, grouping.replace("_", " ").capitalize())


def service_words(service: str) -> tuple[str, str]:
    """(what the service is called, what its activity counts), e.g. ("NHS Health Checks",
    "checks")."""
    return SERVICE_LABELS.get(service, (service.replace("_", " "), "contacts"))


def group_words(grouping: str, category: str) -> str:
    """Who a group is, in words a page can put in a sentence."""
    if grouping == "deprivation_quintile":
        place = "least deprived" if category == "5" else _ORDINAL.get(category, category)
        return f"people in the {place} fifth of areas"
    if grouping == "deprivation_decile":
        place = {"1": "most deprived", "10": "least deprived"}.get(category)
        return (
            f"people in the {place} tenth of areas"
            if place
            else (f"people in deprivation tenth {category} of areas (1 = most deprived)")
        )
    if grouping.startswith(("ethnic_group", "ethnicity")):
        return f"people of the {category} ethnic group"
    if grouping == "age_band":
        return f"people aged {category}"
    if grouping == "sex":
        return _SEXES.get(category.lower(), f"people recorded as {category}")
    return f"people with {grouping.replace('_', ' ')} {category}"


def category_label(grouping: str, category: str) -> str:
    """A group's name in a table or chart: deprivation groups say which end is which,
    sexes are plural nouns, other groups keep their own name.

    >>> category_label("deprivation_quintile", "1"), category_label("sex", "female")
    ('1 (most deprived)', 'Females')
    """
    ends = {"deprivation_quintile": "5", "deprivation_decile": "10"}
    if grouping in ends:
        if category == "1":
            return "1 (most deprived)"
        return f"{category} (least deprived)" if category == ends[grouping] else category
    if grouping == "sex":
        return {"male": "Males", "female": "Females"}.get(category.lower(), category)
    return category


def _reference_words(row: dict[str, Any]) -> str:
    if row["reference"] == "rest":
        return "everyone else"
    return group_words(str(row["grouping"]), str(row["reference"]))


def finding_sentence(row: dict[str, Any], service: str) -> str:
    """One flagged group as a sentence: who, how much less, how sure, how many missing.

    >>> row = {"grouping": "sex", "category": "male", "reference": "rest", "value": 0.58,
    ...        "lower99_8cl": 0.5, "upper99_8cl": 0.67, "missing": 410.4}
    >>> finding_sentence(row, "nhs_health_check")  # doctest: +NORMALIZE_WHITESPACE
    'Men and boys used NHS Health Checks at 0.58 times the rate of everyone else relative
     to need (99.8% interval 0.50 to 0.67): about 410 fewer checks than expected.'
    """
    name, unit = service_words(service)
    who = group_words(str(row["grouping"]), str(row["category"]))
    text = (
        f"{who[0].upper()}{who[1:]} used {name} at {row['value']:.2f} times the rate of "
        f"{_reference_words(row)} relative to need (99.8% interval "
        f"{row['lower99_8cl']:.2f} to {row['upper99_8cl']:.2f})"
    )
    missing = row.get("missing")
    if missing is not None and missing == missing and missing >= 0.5:
        text += f": about {missing:,.0f} fewer {unit} than expected"
    return text + "."
