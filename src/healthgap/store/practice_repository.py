"""Saving, reading and linking practice documents; call inside ``Database.unit_of_work()``.

Every save writes the record, its facet and link tags, its full-text index entry and an audit
event in the caller's transaction, so a failure anywhere leaves nothing half-saved. The status of
a stored document changes only through :func:`healthgap.store.practice_review.transition`; a save
keeps the stored status (a new document starts as a draft unless the seed installs it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from healthgap.errors import InputError, Problem, StorageError
from healthgap.practice import (
    Actor,
    CaseStudy,
    ResearchEntry,
    Status,
    case_study_from_mapping,
    field_changes,
    find_duplicates,
    load_case_studies,
    load_research,
    read_references,
    research_entry_from_mapping,
)
from healthgap.practice.search_text import TextPiece, highlight
from healthgap.practice.vocabulary import ResearchType
from healthgap.store.practice import (
    PracticeAuditEvent,
    PracticeCaseStudy,
    PracticeResearchEntry,
    PracticeTag,
)
from healthgap.store.practice_search import Hit, SearchResult, index_document

__all__ = [
    "case_studies",
    "FoundDocument",
    "documents_linked_to",
    "found_documents",
    "flush_checked",
    "case_studies_due_for_review",
    "check_version",
    "get_case_study",
    "get_research_entry",
    "import_research",
    "install_seed",
    "record_audit",
    "research_entries",
    "save_case_study",
    "save_research_entry",
]


def _now() -> datetime:
    return datetime.now(UTC)


def record_audit(
    session: Session,
    doc_key: str,
    actor: Actor,
    action: str,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    session.add(
        PracticeAuditEvent(
            doc_key=doc_key,
            actor_id=actor.user_id,
            actor_name=actor.name,
            action=action,
            from_status=from_status,
            to_status=to_status,
            changes=changes,
            at=_now(),
        )
    )


def _case_tags(case: CaseStudy) -> list[tuple[str, str]]:
    tags = [("kind", "case"), ("status", case.status.value), ("evidence", case.evidence.value)]
    tags += [("topic", t) for t in case.topics] + [("place", p) for p in case.place_codes]
    tags += [("triangle", p.value) for p in case.triangle_parts]
    tags += [("item", i) for i in case.framework_items]
    tags += [("intervention", i) for i in case.intervention_ids]
    return tags


def _research_tags(entry: ResearchEntry) -> list[tuple[str, str]]:
    tags = [("kind", "research"), ("status", entry.status.value), ("type", entry.type.value)]
    tags += [("topic", t) for t in entry.topics]
    tags += [("parameter", p) for p in entry.parameter_ids]
    tags += [("intervention", p.split(".")[0]) for p in entry.parameter_ids]
    tags += [("source_key", k) for k in entry.source_keys]
    return tags


def _write_tags(session: Session, doc_key: str, tags: Iterable[tuple[str, str]]) -> None:
    session.execute(delete(PracticeTag).where(PracticeTag.doc_key == doc_key))
    for facet, value in dict.fromkeys(tags):
        session.add(PracticeTag(doc_key=doc_key, facet=facet, value=value[:200]))


def flush_checked(session: Session) -> None:
    """Flush, turning a lost race on the same row (optimistic lock) into a clear StorageError."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise StorageError(
            "someone else saved this submission while you were editing it; reload and try again"
        ) from exc


def check_version(row: PracticeCaseStudy | PracticeResearchEntry, expected: int | None) -> None:
    """Refuse to overwrite a document saved by someone else since ``expected`` was read."""
    if expected is not None and row.version != expected:
        raise StorageError(
            f"{row.key} was changed by someone else (version {row.version}, you edited version "
            f"{expected}); reload it and make your change again"
        )


def _upsert(
    session: Session,
    table: type[PracticeCaseStudy] | type[PracticeResearchEntry],
    document: CaseStudy | ResearchEntry,
    actor: Actor,
    *,
    status: Status | None,
    expected_version: int | None,
) -> PracticeCaseStudy | PracticeResearchEntry:
    """Create or update one document: record, columns, tags, index entry and audit event."""
    kind = "case" if table is PracticeCaseStudy else "research"
    validate = case_study_from_mapping if kind == "case" else research_entry_from_mapping
    row = session.scalar(select(table).where(table.slug == document.id))
    created = row is None
    if row is None:
        row = table(slug=document.id, author_id=actor.user_id, author_name=actor.name)
        session.add(row)
        stored_status = status or Status.draft
        before: dict[str, Any] = {}
    else:
        check_version(row, expected_version)
        stored_status = Status(row.status)
        before = dict(row.content)
    # The workflow owns the status: a save keeps the stored one.
    content = document.to_mapping() | {"status": stored_status.value}
    document = validate(content, file=f"{kind} {document.id}")
    row.content, row.status, row.title = content, stored_status.value, document.title
    row.updated_at = _now()
    if isinstance(document, CaseStudy):
        row.evidence, row.evidence_rank = document.evidence.value, document.evidence.rank
        row.review_by = document.review_by
        tags = _case_tags(document)
    else:
        row.normalised_title, row.doi = document.normalised_title, document.doi or None
        row.year, row.type = document.year, document.type.value
        tags = _research_tags(document)
    flush_checked(session)
    changes = field_changes(before, content)
    if created or changes:
        record_audit(
            session,
            row.key,
            actor,
            "created" if created else "updated",
            to_status=stored_status.value if created else None,
            changes=None if created else changes,
        )
    _write_tags(session, row.key, tags)
    fields = document.search_fields()
    index_document(session, doc_key=row.key, kind=kind, title=fields["title"], body=fields["body"])
    return row


def save_case_study(
    session: Session,
    case: CaseStudy,
    actor: Actor,
    *,
    status: Status | None = None,
    expected_version: int | None = None,
) -> PracticeCaseStudy:
    """Create or update a case study (by id). ``status`` is only honoured on creation; pass the
    ``version`` the editor loaded as ``expected_version`` so that a concurrent save is refused."""
    row = _upsert(
        session, PracticeCaseStudy, case, actor, status=status, expected_version=expected_version
    )
    assert isinstance(row, PracticeCaseStudy)
    return row


def _check_research_duplicates(session: Session, entry: ResearchEntry) -> None:
    same = PracticeResearchEntry.normalised_title == entry.normalised_title
    if entry.doi:
        same = same | (PracticeResearchEntry.doi == entry.doi)
    others = session.scalars(
        select(PracticeResearchEntry).where(PracticeResearchEntry.slug != entry.id, same)
    )
    existing = [research_entry_from_mapping(o.content, file="library") for o in others]
    for d in find_duplicates([entry], existing):
        raise InputError(
            [
                Problem(
                    f"research entry {entry.id}",
                    None,
                    d.reason,
                    f"duplicate_{d.reason}",
                    f"{d.value!r} is already in the library as {d.other_id!r}",
                )
            ]
        )


def save_research_entry(
    session: Session,
    entry: ResearchEntry,
    actor: Actor,
    *,
    status: Status | None = None,
    expected_version: int | None = None,
) -> PracticeResearchEntry:
    """Create or update a research entry (by id); a duplicate DOI or title is refused. Status
    and ``expected_version`` as for :func:`save_case_study`."""
    _check_research_duplicates(session, entry)
    row = _upsert(
        session,
        PracticeResearchEntry,
        entry,
        actor,
        status=status,
        expected_version=expected_version,
    )
    assert isinstance(row, PracticeResearchEntry)
    return row


def import_research(
    session: Session,
    text: str,
    *,
    format: str,  # noqa: A002 - the format's name
    file: str,
    actor: Actor,
    default_type: ResearchType | str | None = None,
) -> list[ResearchEntry]:
    """Import a RIS/BibTeX/CSV file as draft entries; any problem imports nothing."""
    existing = research_entries(session)
    entries = read_references(
        text, format=format, file=file, existing=existing, default_type=default_type
    )
    for entry in entries:
        save_research_entry(session, entry, actor, status=Status.draft)
    return entries


def get_case_study(session: Session, slug: str) -> CaseStudy | None:
    row = session.scalar(select(PracticeCaseStudy).where(PracticeCaseStudy.slug == slug))
    return case_study_from_mapping(row.content, file=row.key) if row else None


def get_research_entry(session: Session, slug: str) -> ResearchEntry | None:
    row = session.scalar(select(PracticeResearchEntry).where(PracticeResearchEntry.slug == slug))
    return research_entry_from_mapping(row.content, file=row.key) if row else None


def case_studies(
    session: Session, *, statuses: Collection[Status] | None = None
) -> list[CaseStudy]:
    query = select(PracticeCaseStudy).order_by(PracticeCaseStudy.title, PracticeCaseStudy.slug)
    if statuses is not None:
        query = query.where(PracticeCaseStudy.status.in_([s.value for s in statuses]))
    return [case_study_from_mapping(r.content, file=r.key) for r in session.scalars(query)]


def research_entries(
    session: Session, *, statuses: Collection[Status] | None = None
) -> list[ResearchEntry]:
    query = select(PracticeResearchEntry).order_by(PracticeResearchEntry.slug)
    if statuses is not None:
        query = query.where(PracticeResearchEntry.status.in_([s.value for s in statuses]))
    return [research_entry_from_mapping(r.content, file=r.key) for r in session.scalars(query)]


def case_studies_due_for_review(session: Session, today: date) -> list[CaseStudy]:
    """Published case studies whose review-by date has passed, oldest first."""
    rows = session.scalars(
        select(PracticeCaseStudy)
        .where(
            PracticeCaseStudy.status == Status.published.value, PracticeCaseStudy.review_by < today
        )
        .order_by(PracticeCaseStudy.review_by, PracticeCaseStudy.slug)
    )
    return [case_study_from_mapping(r.content, file=r.key) for r in rows]


@dataclass(frozen=True)
class FoundDocument:
    """A search hit with its document and highlighted snippets (plain pieces; pages escape
    each piece and mark the hits)."""

    hit: Hit
    document: CaseStudy | ResearchEntry
    title: list[TextPiece]
    snippet: list[TextPiece]

    @property
    def kind(self) -> str:
        return "case" if isinstance(self.document, CaseStudy) else "research"


def found_documents(session: Session, result: SearchResult) -> list[FoundDocument]:
    """The documents of a page of search hits, in rank order, with highlights."""
    out = []
    for hit in result.hits:
        kind, _, slug = hit.doc_key.partition(":")
        document = (
            get_case_study(session, slug) if kind == "case" else get_research_entry(session, slug)
        )
        if document is None:
            continue
        fields = document.search_fields()
        title = highlight(fields["title"], result.query, window=60)
        out.append(FoundDocument(hit, document, title, highlight(fields["body"], result.query)))
    return out


def documents_linked_to(session: Session, facet: str, value: str) -> list[str]:
    """Document keys tagged ``facet = value``: e.g. ``("parameter", "smoking_cessation.p52")``,
    ``("intervention", "statins")``, ``("item", "nsmc/insight")``, ``("source_key", "ctt2010")``."""
    rows = session.scalars(
        select(PracticeTag.doc_key)
        .where(PracticeTag.facet == facet, PracticeTag.value == value)
        .order_by(PracticeTag.doc_key)
    )
    return list(dict.fromkeys(rows))


def install_seed(session: Session, actor: Actor) -> tuple[int, int]:
    """Add the seeded case studies and research entries that are not yet stored (by id), with
    the status their content gives (published). Returns how many of each were added."""
    cases = load_case_studies()
    research = load_research()
    stored_cases = set(session.scalars(select(PracticeCaseStudy.slug)))
    stored_research = set(session.scalars(select(PracticeResearchEntry.slug)))
    added = (0, 0)
    for case in cases:
        if case.id not in stored_cases:
            save_case_study(session, case, actor, status=case.status)
            added = (added[0] + 1, added[1])
    for entry in research:
        if entry.id not in stored_research:
            save_research_entry(session, entry, actor, status=entry.status)
            added = (added[0], added[1] + 1)
    return added
