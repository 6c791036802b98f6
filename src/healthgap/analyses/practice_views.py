"""Plain views of practice documents for pages, the console and other use cases: names, not keys.

A view is what an interface shows of a case study or research entry in a list (a result, an
example beside an assessment item, a paper behind an intervention): its id, title, where and how
strong the evidence is, in words. The builders here read the vocabularies (topics, evidence,
triangle parts, assessment items, plan-library parameters) once and name every key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from healthgap.assessment import shipped_catalogue
from healthgap.practice import (
    CaseStudy,
    EvidenceStrength,
    ResearchEntry,
    ResearchType,
    Status,
    TrianglePart,
    due_for_review,
    load_topics,
)
from healthgap.reports.labels import intervention_name, parameter_name

__all__ = [
    "PracticeExample",
    "ResearchSummary",
    "case_url",
    "example_of",
    "facet_value_name",
    "item_name",
    "research_summary_of",
    "research_url",
]


@dataclass(frozen=True)
class PracticeExample:
    """A case study as one line of a list: enough to judge it and follow the link."""

    id: str
    title: str
    place: str
    evidence: str  # in words
    evidence_rank: int  # 0 descriptive ... 3 randomised
    summary: str
    url: str
    status: str
    due_for_review: bool


@dataclass(frozen=True)
class ResearchSummary:
    """A research entry as one line of a list, with the plan parameters it informs in words."""

    id: str
    title: str
    citation: str
    type: str
    year: int | None
    summary: str
    url: str
    parameters: tuple[str, ...]
    appraisal: str


def case_url(slug: str) -> str:
    return f"/practice/cases/{slug}"


def research_url(slug: str) -> str:
    return f"/practice/research/{slug}"


def _first_sentence(text: str, limit: int = 240) -> str:
    sentence = text.split(". ")[0].strip().rstrip(".") + "."
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def example_of(case: CaseStudy, today: date) -> PracticeExample:
    place = case.place_name or ", ".join(case.place_codes)
    return PracticeExample(
        id=case.id,
        title=case.title,
        place=place,
        evidence=case.evidence.label,
        evidence_rank=case.evidence.rank,
        summary=_first_sentence(case.what_was_done),
        url=case_url(case.id),
        status=case.status.value,
        due_for_review=due_for_review(case, today),
    )


def parameter_words(parameter_id: str) -> str:
    """``smoking_cessation.p52`` in words (the library's description), tables named as such."""
    intervention, _, rest = parameter_id.partition(".")
    if rest.startswith("tables."):
        table = rest.removeprefix("tables.").replace("_", " ")
        return f"{intervention_name(intervention)}: the {table} table"
    return parameter_name(intervention, rest)


def research_summary_of(
    entry: ResearchEntry, *, intervention: str | None = None
) -> ResearchSummary:
    """The entry in a list; with ``intervention``, only the parameters of that intervention."""
    parameters = [
        p for p in entry.parameter_ids if intervention is None or p.split(".")[0] == intervention
    ]
    appraisal = f"{entry.appraisal.tool}: {entry.appraisal.rating}" if entry.appraisal else ""
    return ResearchSummary(
        id=entry.id,
        title=entry.title,
        citation=entry.citation(),
        type=entry.type.label,
        year=entry.year,
        summary=_first_sentence(entry.summary, 300),
        url=research_url(entry.id),
        # On an intervention's own page its name need not prefix each parameter.
        parameters=tuple(
            parameter_words(p).removeprefix(f"{intervention_name(intervention)}: ")
            if intervention is not None
            else parameter_words(p)
            for p in parameters
        ),
        appraisal=appraisal,
    )


@cache
def _item_names() -> dict[str, str]:
    """Assessment items by ``<framework>/<item>``, named "<framework title>: <item name>"."""
    catalogue = shipped_catalogue()
    names: dict[str, str] = {}
    for framework_id in catalogue.framework_ids():
        framework = catalogue.get(framework_id)
        for item in framework.items:
            names[f"{framework_id}/{item.id}"] = f"{framework.title.text}: {item.name.text}"
    return names


def item_keys(item_id: str, known_prefixes: Iterable[str] = ()) -> list[str]:
    """The bank's spellings of an assessment item: the bank names a framework by a short
    prefix (``nsmc/insight``) where the assessment catalogue has ``nsmc_benchmarks/insight``.

    >>> item_keys("nsmc_benchmarks/insight", ["nsmc", "hinst"])
    ['nsmc_benchmarks/insight', 'nsmc/insight']
    """
    framework, _, item = item_id.partition("/")
    keys = [item_id]
    for prefix in known_prefixes:
        if prefix != framework and framework.startswith(f"{prefix}_"):
            keys.append(f"{prefix}/{item}")
    return keys


def item_name(item_id: str) -> str:
    """An assessment item in words: the catalogue's name when it knows the item (under the
    bank's short prefix too), else the id in words."""
    names = _item_names()
    if item_id in names:
        return names[item_id]
    prefix, _, item = item_id.partition("/")
    for key, name in names.items():
        framework, _, other = key.partition("/")
        if other == item and framework.startswith(f"{prefix}_"):
            return name
    return f"{prefix.upper()}: {item.replace('_', ' ')}"


@cache
def _topic_names() -> dict[str, str]:
    return {key: str(value.get("label", key)) for key, value in load_topics().items()}


def facet_value_name(facet: str, value: str, places: dict[str, str] | None = None) -> str:
    """A facet value in words (topics, evidence, triangle parts, kinds, types, statuses)."""
    if facet == "topic":
        return _topic_names().get(value, value.replace("_", " "))
    if facet == "evidence":
        return EvidenceStrength(value).label
    if facet == "triangle":
        return TrianglePart(value).label
    if facet == "type":
        return ResearchType(value).label
    if facet == "kind":
        return {"case": "Case studies", "research": "Research"}.get(value, value)
    if facet == "status":
        return Status(value).value.capitalize()
    if facet == "place":
        return (places or {}).get(value, value)
    return value
