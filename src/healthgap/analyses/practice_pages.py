"""Use cases: one case study or research entry with everything around it, links both ways
(the evidence behind a plan intervention, the examples for an assessment item), the glossary.

Who sees what: a published document is for every reader; a draft, submitted, reviewed or
archived one only for its author and for reviewers and editors. Comments and the audit trail
are shown to the same people (readers of a published example see neither).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from healthgap.analyses.practice_search import ensure_bank, similar_practice
from healthgap.analyses.practice_views import (
    PracticeExample,
    ResearchSummary,
    example_of,
    facet_value_name,
    item_keys,
    item_name,
    parameter_words,
    research_summary_of,
)
from healthgap.errors import InputError, Problem
from healthgap.practice import (
    Actor,
    CaseStudy,
    Glossary,
    PracticeRole,
    ResearchEntry,
    Segment,
    Status,
    link_terms,
    load_case_studies,
    load_glossary,
)
from healthgap.reports.labels import intervention_name
from healthgap.scenarios import load_library
from healthgap.store import (
    Database,
    audit_trail,
    case_key,
    comments,
    documents_linked_to,
    get_case_study,
    get_research_entry,
    moves_for,
    research_key,
)
from healthgap.store.practice import PracticeCaseStudy, PracticeResearchEntry, PracticeTag

__all__ = [
    "CaseStudyPage",
    "Glossary",
    "InterventionEvidence",
    "ResearchPage",
    "glossary_terms",
    "linked_text",
    "practice_for_intervention",
    "practice_for_item",
    "view_case_study",
    "view_research_entry",
]


@dataclass(frozen=True)
class History:
    """What the author, reviewers and editors see beside a document."""

    comments: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    moves: list[tuple[str, str]] = field(default_factory=list)  # (target status, action)
    version: int = 0
    author: str = ""


@dataclass(frozen=True)
class CaseStudyPage:
    case: CaseStudy
    due_for_review: bool
    interventions: list[tuple[str, str]]  # (id, name)
    items: list[tuple[str, str]]  # (id, name)
    topics: list[str]  # names
    research: list[ResearchSummary]
    similar: list[dict[str, Any]]
    history: History | None


@dataclass(frozen=True)
class ResearchPage:
    entry: ResearchEntry
    findings: list[dict[str, Any]]  # text, effect in words, parameters in words
    interventions: list[tuple[str, str]]
    cases: list[PracticeExample]
    history: History | None


@dataclass(frozen=True)
class InterventionEvidence:
    """The case studies and papers behind one plan-library intervention."""

    intervention: str
    name: str
    research: list[ResearchSummary]
    cases: list[PracticeExample]


def _today(today: date | None) -> date:
    return today or datetime.now(UTC).date()


def _may_see(status: Status, actor: Actor | None, is_author: bool) -> bool:
    if status is Status.published:
        return True
    return actor is not None and (is_author or actor.role.allows(PracticeRole.reviewer))


def _is_author(row: PracticeCaseStudy | PracticeResearchEntry, actor: Actor | None) -> bool:
    if actor is None:
        return False
    if actor.user_id is not None and row.author_id is not None:
        return actor.user_id == row.author_id
    return actor.name == row.author_name


def _history(session: Any, row: Any, actor: Actor | None, is_author: bool) -> History | None:
    if actor is None or not (is_author or actor.role.allows(PracticeRole.reviewer)):
        return None
    key = row.key
    return History(
        comments=[
            {"author": c.author_name, "kind": c.kind, "body": c.body, "at": c.created_at}
            for c in comments(session, key)
        ],
        audit=[
            {
                "actor": e.actor_name,
                "action": e.action,
                "at": e.at,
                "from": e.from_status,
                "to": e.to_status,
                "fields": sorted((e.changes or {}).keys()),
            }
            for e in audit_trail(session, key)
        ],  # fmt: skip
        moves=[(target.value, action) for target, action in moves_for(session, key, actor)],
        version=row.version,
        author=row.author_name,
    )


def _published_research(session: Any, keys: list[str]) -> list[ResearchEntry]:
    out = []
    for key in keys:
        kind, _, slug = key.partition(":")
        entry = get_research_entry(session, slug) if kind == "research" else None
        if entry is not None and entry.status is Status.published:
            out.append(entry)
    return out


def _published_cases(session: Any, keys: list[str]) -> list[CaseStudy]:
    out = []
    for key in keys:
        kind, _, slug = key.partition(":")
        case = get_case_study(session, slug) if kind == "case" else None
        if case is not None and case.status is Status.published:
            out.append(case)
    return out


def view_case_study(
    database: Database, slug: str, *, actor: Actor | None = None, today: date | None = None
) -> CaseStudyPage | None:
    """A case study with its interventions, assessment items, the papers behind those
    interventions, similar examples and (for its author, reviewers and editors) comments, the
    audit trail and the moves the actor may make. ``None`` when absent or not visible."""
    ensure_bank(database)
    today = _today(today)
    with database.reader() as session:
        row = session.query(PracticeCaseStudy).filter_by(slug=slug).one_or_none()
        if row is None:
            return None
        case = get_case_study(session, slug)
        assert case is not None
        is_author = _is_author(row, actor)
        if not _may_see(case.status, actor, is_author):
            return None
        research: dict[str, ResearchSummary] = {}
        for intervention in case.intervention_ids:
            keys = documents_linked_to(session, "intervention", intervention)
            for entry in _published_research(session, keys):
                research.setdefault(entry.id, research_summary_of(entry))
        history = _history(session, row, actor, is_author)
    return CaseStudyPage(
        case=case,
        due_for_review=example_of(case, today).due_for_review,
        interventions=[(i, intervention_name(i)) for i in case.intervention_ids],
        items=[(i, item_name(i)) for i in case.framework_items],
        topics=[facet_value_name("topic", t) for t in case.topics],
        research=list(research.values()),
        similar=similar_practice(database, case_key(slug), today=today)
        if case.status is Status.published
        else [],
        history=history,
    )


def _effect_words(effect: Any) -> str:
    if effect is None:
        return ""
    interval = (
        f" (95% CI {effect.lower:g} to {effect.upper:g})"
        if effect.lower is not None and effect.upper is not None
        else ""
    )
    return f"{effect.measure} {effect.value:g}{interval}"


def view_research_entry(
    database: Database, slug: str, *, actor: Actor | None = None, today: date | None = None
) -> ResearchPage | None:
    """A research entry with its findings (effect sizes, parameters in words), the
    interventions it informs and the published case studies about them."""
    ensure_bank(database)
    today = _today(today)
    with database.reader() as session:
        row = session.query(PracticeResearchEntry).filter_by(slug=slug).one_or_none()
        if row is None:
            return None
        entry = get_research_entry(session, slug)
        assert entry is not None
        is_author = _is_author(row, actor)
        if not _may_see(entry.status, actor, is_author):
            return None
        interventions = list(dict.fromkeys(p.split(".")[0] for p in entry.parameter_ids))
        cases: dict[str, PracticeExample] = {}
        for intervention in interventions:
            keys = documents_linked_to(session, "intervention", intervention)
            for case in _published_cases(session, keys):
                cases.setdefault(case.id, example_of(case, today))
        history = _history(session, row, actor, is_author)
    findings = [
        {
            "text": f.text,
            "effect": _effect_words(f.effect),
            "parameters": [parameter_words(p) for p in f.parameter_ids],
        }
        for f in entry.findings
    ]
    return ResearchPage(
        entry=entry,
        findings=findings,
        interventions=[(i, intervention_name(i)) for i in interventions],
        cases=list(cases.values()),
        history=history,
    )


def practice_for_intervention(
    database: Database, intervention: str, *, today: date | None = None
) -> InterventionEvidence:
    """The published papers whose findings set a parameter of ``intervention`` (with those
    parameters in words) and the published case studies tagged with it, strongest first."""
    if intervention not in load_library():
        raise InputError(
            [Problem("practice", None, "intervention", "unknown_intervention",
                     f"{intervention!r} is not an intervention of the plan library")]
        )  # fmt: skip
    ensure_bank(database)
    today = _today(today)
    with database.reader() as session:
        keys = documents_linked_to(session, "intervention", intervention)
        research = [
            research_summary_of(e, intervention=intervention)
            for e in _published_research(session, keys)
        ]
        cases = [example_of(c, today) for c in _published_cases(session, keys)]
    cases.sort(key=lambda c: (-c.evidence_rank, c.title))
    return InterventionEvidence(intervention, intervention_name(intervention), research, cases)


def practice_for_item(
    item_id: str, *, database: Database | None = None, today: date | None = None
) -> list[PracticeExample]:
    """Published examples of good practice for an assessment item, strongest evidence first.

    ``item_id`` is ``<framework>/<item>`` as the assessment catalogue names it
    (``nsmc_benchmarks/insight``) or as the bank does (``nsmc/insight``). With a ``database``
    the bank is read (examples added by users included); without one, the seeded content.

    >>> examples = practice_for_item("nsmc_benchmarks/segmentation")
    >>> "ss-newham-mosque-quit" in [e.id for e in examples], len(examples)
    (True, 10)
    """
    today = _today(today)
    if database is None:
        cases = [c for c in load_case_studies() if c.status is Status.published]
        prefixes = {i.split("/")[0] for c in cases for i in c.framework_items}
        keys = set(item_keys(item_id, prefixes))
        chosen = [c for c in cases if keys & set(c.framework_items)]
    else:
        ensure_bank(database)
        with database.reader() as session:
            tagged = session.query(PracticeTag.value).filter_by(facet="item").distinct()
            prefixes = {value.split("/")[0] for (value,) in tagged}
            doc_keys: list[str] = []
            for key in item_keys(item_id, prefixes):
                doc_keys += documents_linked_to(session, "item", key)
            chosen = _published_cases(session, list(dict.fromkeys(doc_keys)))
    examples = [example_of(c, today) for c in chosen]
    return sorted(examples, key=lambda e: (-e.evidence_rank, e.title))


def glossary_terms(path: str | Path | None = None) -> Glossary:
    """The standard terminology: the shipped glossary, or a team's own file (read again only
    when the file has changed, so every page can ask for it)."""
    stamp = Path(path).stat().st_mtime_ns if path and Path(path).is_file() else None
    return _glossary(str(path) if path else None, stamp)


@lru_cache(maxsize=4)
def _glossary(path: str | None, _stamp: int | None) -> Glossary:
    return load_glossary(path)


def linked_text(
    text: str, glossary: Glossary | None = None, *, seen: set[str] | None = None
) -> list[Segment]:
    """``text`` split into pieces, the first mention of each glossary term marked with its id
    (pages link it to ``/practice/glossary#<id>``); ``seen`` carries the ids already marked on
    the page.

    >>> [s.term_id for s in linked_text("Insight work with MECC training") if s.term_id]
    ['insight', 'mecc']
    """
    return link_terms(str(text or ""), glossary or glossary_terms(), seen=seen)


def document_key(kind: str, slug: str) -> str:
    if kind not in ("case", "research"):
        raise InputError(f"unknown kind {kind!r}: case or research", rule="unknown_value")
    return case_key(slug) if kind == "case" else research_key(slug)


@dataclass(frozen=True)
class Access:
    """What an actor may do with a document they can see."""

    is_author: bool
    may_review_or_edit: bool


def visible_document(
    database: Database, kind: str, slug: str, actor: Actor | None
) -> Access | None:
    """The actor's access to a document, or ``None`` when it is absent or not visible to them."""
    if kind not in ("case", "research"):
        return None
    table = PracticeCaseStudy if kind == "case" else PracticeResearchEntry
    with database.reader() as session:
        row = session.query(table).filter_by(slug=slug).one_or_none()
        if row is None:
            return None
        is_author = _is_author(row, actor)
        if not _may_see(Status(row.status), actor, is_author):
            return None
    reviewer = actor is not None and actor.role.allows(PracticeRole.reviewer)
    return Access(is_author, is_author or reviewer)
