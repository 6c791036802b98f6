"""A case study of local practice, with the fields of ``frameworks.md`` §9, validated in one pass.

A case study says where (GSS code), what topic and for whom, which part of the population
intervention triangle it sits in, which diagnostic items and social-marketing criteria it speaks
to, what was done and found (with numbers and a comparison where the evidence claims one), how
strong the evaluation was, what others can learn, and whom to ask (a **role**, never a personal
email address). Published examples carry a review-by date after which they show as due for review.

Rules beyond "required field present" (each a :class:`~healthgap.errors.Problem` rule key):

``email_in_contact``
    any field of the contact holds an email address (spelled out or not).
``claim_without_figures``
    evidence stronger than descriptive, but no result figure with a comparison.
``bad_place_code`` / ``unknown_topic`` / ``bad_item_id`` / ``bad_intervention_id`` / ``bad_url``
    the value does not have the documented form.
``review_before_review``
    the review-by date is not after the date the example was reviewed.

>>> case = case_study_from_mapping(EXAMPLE, file="example.yaml")
>>> case.evidence.label, case.triangle_parts[0].value
('descriptive (an account, no comparison)', 'seam_service_community')
>>> due_for_review(case, date(2030, 1, 1)), due_for_review(case, date(2026, 1, 1))
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from healthgap.errors import InputError
from healthgap.practice.fields import GSS_CODE, FieldReader
from healthgap.practice.text import contains_email
from healthgap.practice.vocabulary import (
    FRAMEWORK_ITEM_PATTERN,
    EvidenceStrength,
    Status,
    TrianglePart,
    load_topics,
)

__all__ = [
    "CaseStudy",
    "Contact",
    "Link",
    "ResultFigure",
    "case_study_from_mapping",
    "due_for_review",
    "parse_link",
]

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
INTERVENTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(frozen=True)
class ResultFigure:
    """One reported number: what was measured, the figure as reported, and its comparison."""

    measure: str
    reported: str
    comparison: str = ""


@dataclass(frozen=True)
class Contact:
    """Whom to ask: a role and organisation, and the route (e.g. "via the trust switchboard")."""

    role: str
    organisation: str = ""
    route: str = ""


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class CaseStudy:
    """One validated case study (see the module docstring for the rules)."""

    id: str
    title: str
    place_codes: tuple[str, ...]
    topics: tuple[str, ...]
    population_groups: tuple[str, ...]
    triangle_parts: tuple[TrianglePart, ...]
    problem: str
    aim: str
    what_was_done: str
    reach: str
    results: str
    evaluation_design: str
    evidence: EvidenceStrength
    learning: str
    transferability: str
    contact: Contact
    review_by: date
    organisations: tuple[str, ...] = ()
    place_name: str = ""
    period: str = ""
    risk_factors: tuple[str, ...] = ()
    framework_items: tuple[str, ...] = ()
    intervention_ids: tuple[str, ...] = ()
    mecc_relevance: str = ""
    figures: tuple[ResultFigure, ...] = ()
    costs: str = ""
    evidence_note: str = ""
    links: tuple[Link, ...] = ()
    citation: str = ""
    status: Status = Status.draft
    reviewed_by: str = ""
    reviewed_on: date | None = None
    editorial_note: str = ""

    @property
    def triangle_part(self) -> TrianglePart:
        """The main part of the triangle (the first listed)."""
        return self.triangle_parts[0]

    def to_mapping(self) -> dict[str, Any]:
        """Plain JSON/YAML-ready mapping that :func:`case_study_from_mapping` reads back."""
        return {
            "id": self.id,
            "title": self.title,
            "organisations": list(self.organisations),
            "place_codes": list(self.place_codes),
            "place_name": self.place_name,
            "period": self.period,
            "topics": list(self.topics),
            "risk_factors": list(self.risk_factors),
            "population_groups": list(self.population_groups),
            "triangle_parts": [p.value for p in self.triangle_parts],
            "framework_items": list(self.framework_items),
            "intervention_ids": list(self.intervention_ids),
            "mecc_relevance": self.mecc_relevance,
            "problem": self.problem,
            "aim": self.aim,
            "what_was_done": self.what_was_done,
            "reach": self.reach,
            "results": self.results,
            "figures": [vars(f).copy() for f in self.figures],
            "costs": self.costs,
            "evaluation_design": self.evaluation_design,
            "evidence": self.evidence.value,
            "evidence_note": self.evidence_note,
            "learning": self.learning,
            "transferability": self.transferability,
            "contact": vars(self.contact).copy(),
            "links": [vars(link).copy() for link in self.links],
            "citation": self.citation,
            "status": self.status.value,
            "review_by": self.review_by.isoformat(),
            "reviewed_by": self.reviewed_by,
            "reviewed_on": self.reviewed_on.isoformat() if self.reviewed_on else None,
            "editorial_note": self.editorial_note,
        }

    def search_fields(self) -> dict[str, str]:
        """Title and body text for the full-text index (framework items and triangle parts in
        words, so that "segmentation" or "seam" finds the examples tagged with them)."""
        items = [i.split("/", 1)[1].replace("_", " ") for i in self.framework_items]
        body = [
            self.place_name,
            *self.organisations,
            *self.topics,
            *self.risk_factors,
            *self.population_groups,
            *(p.label for p in self.triangle_parts),
            *items,
            self.problem,
            self.aim,
            self.what_was_done,
            self.reach,
            self.results,
            *(f"{f.measure} {f.reported} {f.comparison}" for f in self.figures),
            self.costs,
            self.evaluation_design,
            self.learning,
            self.transferability,
            self.mecc_relevance,
        ]
        return {"title": self.title, "body": "\n".join(t for t in body if t)}


def parse_link(reader: FieldReader) -> Link | None:
    label = reader.line("label", required=True)
    url = reader.line("url", required=True, max_length=2000)
    if url and not URL.match(url):
        reader.problem("url", "bad_url", f"{url!r} is not an http(s) address")
        return None
    return Link(label, url) if label and url else None


def _contact(reader: FieldReader) -> Contact:
    contact = reader.nested("contact")
    role = contact.line("role", required=True)
    organisation = contact.line("organisation")
    route = contact.line("route")
    for name in (str(k) for k in contact.raw):
        if contains_email(str(contact.raw.get(name) or "")):
            contact.problem(
                name,
                "email_in_contact",
                "give a role and a route, not a personal email address",
            )
    return Contact(role, organisation, route)


def case_study_from_mapping(
    raw: Mapping[str, Any],
    *,
    file: str = "<case study>",
    row: int | None = None,
    topics: Collection[str] | None = None,
) -> CaseStudy:
    """Validate ``raw`` into a :class:`CaseStudy`; every problem found is raised at once.

    ``topics`` is the allowed topic vocabulary (default: :func:`load_topics`).
    """
    allowed_topics = set(topics if topics is not None else load_topics())
    r = FieldReader(raw, file=file, row=row)
    case_id = r.line("id", required=True)
    if case_id and not ID_PATTERN.match(case_id):
        r.problem("id", "bad_id", "use 2-80 lower-case letters, digits and hyphens")
    places = r.lines("place_codes", required=True, pattern=GSS_CODE, rule="bad_place_code")
    topic_ids = r.lines("topics", required=True)
    for topic in topic_ids:
        if topic not in allowed_topics:
            r.problem("topics", "unknown_topic", f"{topic!r} is not in the topic vocabulary")
    items = r.lines("framework_items", pattern=FRAMEWORK_ITEM_PATTERN, rule="bad_item_id")
    interventions = r.lines("intervention_ids", pattern=INTERVENTION_ID, rule="bad_intervention_id")
    evidence = r.choice("evidence", EvidenceStrength.parse, required=True)
    figures = tuple(
        ResultFigure(
            f.line("measure", required=True),
            f.line("reported", required=True),
            f.line("comparison"),
        )
        for _, f in r.records("figures")
    )
    claims_comparison = evidence is not None and evidence > EvidenceStrength.descriptive
    if claims_comparison and not any(f.comparison for f in figures):
        r.problem(
            "figures",
            "claim_without_figures",
            f"evidence {evidence.value!r} needs a result figure with its comparison",
        )
    links = tuple(link for _, lr in r.records("links") if (link := parse_link(lr)) is not None)
    review_by = r.day("review_by", required=True)
    reviewed_on = r.day("reviewed_on")
    if review_by and reviewed_on and review_by <= reviewed_on:
        r.problem("review_by", "review_before_review", "must be after the date it was reviewed")
    values = {
        "id": case_id,
        "title": r.line("title", required=True, max_length=200),
        "organisations": r.lines("organisations"),
        "place_codes": places,
        "place_name": r.line("place_name"),
        "period": r.line("period"),
        "topics": topic_ids,
        "risk_factors": r.lines("risk_factors"),
        "population_groups": r.lines("population_groups", required=True),
        "triangle_parts": r.choices("triangle_parts", TrianglePart.parse, required=True),
        "framework_items": items,
        "intervention_ids": interventions,
        "mecc_relevance": r.text("mecc_relevance"),
        "problem": r.text("problem", required=True),
        "aim": r.text("aim", required=True),
        "what_was_done": r.text("what_was_done", required=True),
        "reach": r.text("reach", required=True),
        "results": r.text("results", required=True),
        "figures": figures,
        "costs": r.text("costs"),
        "evaluation_design": r.text("evaluation_design", required=True),
        "evidence": evidence,
        "evidence_note": r.text("evidence_note"),
        "learning": r.text("learning", required=True),
        "transferability": r.text("transferability", required=True),
        "contact": _contact(r),
        "links": links,
        "citation": r.text("citation", max_length=1000),
        "status": r.choice("status", Status, default=Status.draft),
        "review_by": review_by,
        "reviewed_by": r.line("reviewed_by"),
        "reviewed_on": reviewed_on,
        "editorial_note": r.text("editorial_note"),
    }
    if r.problems:
        raise InputError(r.problems)
    return CaseStudy(**values)  # type: ignore[arg-type]


def due_for_review(case: CaseStudy, today: date) -> bool:
    """True when a published case study has passed its review-by date."""
    return case.status is Status.published and today > case.review_by


EXAMPLE: dict[str, Any] = {
    "id": "example-quit-clinic",
    "title": "Stop-smoking clinic in a community centre (SYNTHETIC example)",
    "place_codes": ["E08000015"],
    "topics": ["tobacco"],
    "population_groups": ["men aged 40 to 60"],
    "triangle_parts": ["service ↔ community seam"],
    "problem": "Few men from the estate used the service.",
    "aim": "More quit attempts by men on the estate.",
    "what_was_done": "Weekly drop-in sessions in the community centre.",
    "reach": "Not stated.",
    "results": "No figures reported.",
    "evaluation_design": "An account by the team.",
    "evidence": "descriptive",
    "learning": "Go where people already are.",
    "transferability": "Needs a venue trusted by the community.",
    "contact": {"role": "Stop-smoking service lead", "organisation": "A council"},
    "review_by": "2027-06-30",
    "status": "published",
}
