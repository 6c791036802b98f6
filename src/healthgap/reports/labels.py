"""Names for keys: what a person reads instead of ``smoking_cessation``, ``la`` or
``E08900001 Q1 vs Q5``.

Pages, tables and charts label things with :func:`label` (or the narrower helpers), never
with the data model's keys: causes from :data:`CAUSE_NAMES`, levels from
:data:`LEVEL_NAMES`, interventions from the intervention library, deprivation fifths in
words, and area codes from the names the caller knows.

>>> label("smoking_cessation")
'Stop-smoking services (extra 4-week quitters)'
>>> label("mental_behavioural"), label("la"), label("female")
('Mental and behavioural', 'Local authority', 'Females')
>>> label("E08900001 Q1 vs Q5", area_names={"E08900001": "Eastbridge"})
'Eastbridge: most deprived fifth vs least deprived fifth'
>>> label("gap_reduction_alone")
'Gap reduction alone'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

__all__ = [
    "CAUSE_NAMES",
    "LEVEL_NAMES",
    "SEX_NAMES",
    "cause_name",
    "comparison_name",
    "fifth_name",
    "intervention_name",
    "label",
    "level_name",
    "parameter_name",
]

#: The cause groups of the data model (``healthgap.data.model.CAUSE_GROUPS``) in words.
CAUSE_NAMES: dict[str, str] = {
    "circulatory": "Circulatory",
    "cancer": "Cancer",
    "respiratory": "Respiratory",
    "digestive": "Digestive",
    "external": "External causes",
    "infant_perinatal": "Infant and perinatal",
    "mental_behavioural": "Mental and behavioural",
    "other": "Other causes",
    "all": "All causes",
}
LEVEL_NAMES: dict[str, str] = {
    "country": "Country",
    "region": "Region",
    "icb": "Integrated care board",
    "utla": "Upper-tier local authority",
    "la": "Local authority",
    "ward": "Ward",
    "msoa": "Middle layer super output area",
    "lsoa": "Lower layer super output area (small area)",
}
SEX_NAMES: dict[str, str] = {"male": "Males", "female": "Females", "persons": "Persons"}
_FIFTHS = {
    1: "most deprived fifth",
    2: "second most deprived fifth",
    3: "middle fifth",
    4: "second least deprived fifth",
    5: "least deprived fifth",
}
_QUINTILE_PAIR = re.compile(r"^(?P<a>\S+) Q(?P<qa>[1-5]) vs (?:(?P<b>\S+) )?Q(?P<qb>[1-5])$")
_PAIR = re.compile(r"^(?P<a>\S+) vs (?P<b>\S+)$")


def cause_name(key: str) -> str:
    """The name of a cause group.

    >>> cause_name("infant_perinatal")
    'Infant and perinatal'
    """
    return CAUSE_NAMES.get(str(key), _words(str(key)))


def level_name(key: str) -> str:
    """The name of a geography level.

    >>> level_name("utla")
    'Upper-tier local authority'
    """
    return LEVEL_NAMES.get(str(key), _words(str(key)))


def fifth_name(quintile: int) -> str:
    """A deprivation fifth (1 = most deprived) in words.

    >>> fifth_name(1)
    'most deprived fifth'
    """
    return _FIFTHS[int(quintile)]


@cache
def _intervention_names() -> dict[str, str]:
    from healthgap.scenarios import load_library

    return {key: item.name for key, item in load_library().items()}


def intervention_name(key: str) -> str:
    """The intervention library's name for ``key`` (``combined`` reads "All combined").

    >>> intervention_name("statins")
    'Statins for primary prevention (no diagnosed CVD)'
    """
    if key == "combined":
        return "All combined"
    return _intervention_names().get(str(key), _words(str(key)))


@cache
def _parameter_descriptions() -> dict[tuple[str, str], str]:
    from healthgap.scenarios import load_library

    return {
        (key, name): parameter.description
        for key, item in load_library().items()
        for name, parameter in item.parameters.items()
    }


def parameter_name(intervention: str, parameter: str) -> str:
    """An intervention's parameter in words: the intervention's name and the library's
    description of the parameter (up to its first bracket), else the key in words.

    >>> parameter_name("statins", "adherence")
    'Statins for primary prevention (no diagnosed CVD): share of those started who keep taking the drug'
    """  # noqa: E501
    description = _parameter_descriptions().get((intervention, parameter), "")
    short = description.split(" (")[0].strip() or _words(parameter).lower()
    return f"{intervention_name(intervention)}: {short}"


def comparison_name(text: str, area_names: Mapping[str, str] | None = None) -> str:
    """A comparison label of the scenario model (``"E1 Q1 vs E1 Q5"``, ``"E1 vs E2"``) in
    words, areas named from ``area_names``.

    >>> comparison_name("E1 Q1 vs E2 Q5", {"E1": "Ashby", "E2": "Brook"})
    'Ashby most deprived fifth vs Brook least deprived fifth'
    >>> comparison_name("E1 vs E92", {"E1": "Ashby", "E92": "England"})
    'Ashby vs England'
    """
    names = area_names or {}
    if match := _QUINTILE_PAIR.match(text):
        second = match["b"] or match["a"]
        a, b = names.get(match["a"], match["a"]), names.get(second, second)
        fifth_a, fifth_b = fifth_name(int(match["qa"])), fifth_name(int(match["qb"]))
        if a == b:
            return f"{a}: {fifth_a} vs {fifth_b}"
        return f"{a} {fifth_a} vs {b} {fifth_b}"
    if match := _PAIR.match(text):
        return f"{names.get(match['a'], match['a'])} vs {names.get(match['b'], match['b'])}"
    return names.get(text, text)


def label(key: object, *, area_names: Mapping[str, str] | None = None) -> str:
    """The name a person reads for any key of the data model: an area code (from
    ``area_names``), a cause, a level, a sex, an intervention, a comparison; otherwise the
    key with its underscores as spaces and a capital letter."""
    text = str(key)
    if area_names and text in area_names:
        return area_names[text]
    for names in (CAUSE_NAMES, LEVEL_NAMES, SEX_NAMES):
        if text in names:
            return names[text]
    if text in _intervention_names() or text == "combined":
        return intervention_name(text)
    if " vs " in text:
        return comparison_name(text, area_names)
    return _words(text)


def _words(key: str) -> str:
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
