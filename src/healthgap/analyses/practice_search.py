"""Use cases: search the practice bank (ranking, facets, highlights) and "more like this".

Readers see published documents; reviewers and editors may also filter by any status (the
review queue is a search for ``status=submitted``). The ranking, facet counts and highlights
are the store's (:mod:`healthgap.store.practice_search`: the same results on SQLite FTS5 and
PostgreSQL); this layer names every facet value in words and shapes one result.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from healthgap.analyses.practice_views import facet_value_name
from healthgap.errors import InputError, Problem
from healthgap.practice import (
    Actor,
    CaseStudy,
    PracticeRole,
    Query,
    ResearchEntry,
    Status,
    due_for_review,
    highlight,
)
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.store import (
    Database,
    case_studies,
    found_documents,
    install_seed,
    more_like_this,
    ranked_search,
)
from healthgap.store.practice import PracticeCaseStudy
from healthgap.store.practice_repository import FoundDocument
from healthgap.store.practice_search import FACETS

__all__ = ["ensure_bank", "search_practice", "similar_practice", "bank_provenance"]

SEED_ACTOR = Actor("healthgap seed", PracticeRole.editor)
MAX_PER_PAGE = 50
_QUERY_LIMIT = 500
_seeded: set[str] = set()


def bank_provenance(*methods: str) -> Provenance:
    return Provenance(source="practice bank", methods=tuple(methods))


def ensure_bank(database: Database) -> None:
    """Install the seeded bank once in a database that has no case studies yet."""
    key = str(database.url)
    if key in _seeded:
        return
    with database.reader() as session:
        empty = session.query(PracticeCaseStudy.id).first() is None
    if empty:
        with database.unit_of_work() as session:
            install_seed(session, SEED_ACTOR)
    _seeded.add(key)


def may_see_all_statuses(actor: Actor | None) -> bool:
    return actor is not None and actor.role.allows(PracticeRole.reviewer)


def _clean_filters(
    filters: Mapping[str, Collection[str]] | None, actor: Actor | None
) -> dict[str, list[str]]:
    cleaned: dict[str, list[str]] = {}
    problems = []
    for facet, values in (filters or {}).items():
        if facet not in FACETS:
            problems.append(Problem("search", None, facet, "unknown_value", f"no facet {facet!r}"))
            continue
        chosen = [v for v in values if v]
        if chosen:
            cleaned[facet] = chosen
    if problems:
        raise InputError(problems)
    if not may_see_all_statuses(actor) or "status" not in cleaned:
        cleaned["status"] = [Status.published.value]
    return cleaned


def _narrative(document: CaseStudy | ResearchEntry) -> str:
    """The running text a snippet is cut from (the index also holds tags and keys)."""
    if isinstance(document, CaseStudy):
        parts = [document.problem, document.aim, document.what_was_done, document.reach,
                 document.results, document.learning]  # fmt: skip
    else:
        parts = [document.summary, *(f.text for f in document.findings)]
    return " ".join(p.strip() for p in parts if p and p.strip())


def _hit_view(found: FoundDocument, today: date, query: Query | None = None) -> dict[str, Any]:
    document = found.document
    snippet = highlight(_narrative(document), query) if query is not None else found.snippet
    if isinstance(document, CaseStudy):
        detail = document.place_name or ", ".join(document.place_codes)
        grade, due = document.evidence.label, due_for_review(document, today)
    else:
        detail = f"{document.type.label}, {document.year or 'no year'}"
        grade, due = (
            (f"{document.appraisal.tool}: {document.appraisal.rating}" if document.appraisal
             else "not appraised"),
            False,
        )  # fmt: skip
    return {
        "kind": found.kind,
        "id": document.id,
        "url": f"/practice/{'cases' if found.kind == 'case' else 'research'}/{document.id}",
        "title": found.title,
        "snippet": snippet,
        "detail": detail,
        "grade": grade,
        "status": document.status.value,
        "due_for_review": due,
        "score": found.hit.score,
    }


def _places(cases: list[CaseStudy]) -> dict[str, str]:
    """Place codes named by the case studies that give a place name."""
    names: dict[str, str] = {}
    for case in cases:
        for code in case.place_codes if case.place_name else ():
            names.setdefault(code, f"{case.place_name} ({code})")
    return names


def search_practice(
    database: Database,
    query: str = "",
    *,
    filters: Mapping[str, Collection[str]] | None = None,
    actor: Actor | None = None,
    page: int = 1,
    per_page: int = 20,
    today: date | None = None,
) -> ResultBundle:
    """Ranked, faceted search of the bank: table ``results`` (one row a hit, best first) and
    ``summary`` with ``total``, ``page``, ``pages``, ``hits`` (title and snippet as highlighted
    pieces) and ``facets`` (facet → list of ``{value, name, count, selected}``).

    Facet counts are over every document matching the query and all filters.
    """
    if len(query) > _QUERY_LIMIT:
        raise InputError(
            [Problem("search", None, "q", "too_long", f"at most {_QUERY_LIMIT} characters")]
        )
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(
            [Problem("search", None, "page", "out_of_range", f"pages from 1, 1-{MAX_PER_PAGE} "
                     "results a page")]
        )  # fmt: skip
    ensure_bank(database)
    today = today or datetime.now(UTC).date()
    chosen = _clean_filters(filters, actor)
    with database.reader() as session:
        result = ranked_search(
            session, query, filters=chosen, limit=per_page, offset=(page - 1) * per_page
        )
        found = found_documents(session, result)
        places = _places(case_studies(session))
    hits = [_hit_view(item, today, result.query) for item in found]
    facets = {
        facet: [
            {
                "value": value,
                "name": facet_value_name(facet, value, places),
                "count": count,
                "selected": value in chosen.get(facet, []),
            }
            for value, count in counts.items()
        ]
        for facet, counts in result.facets.items()
        if facet != "status" or may_see_all_statuses(actor)
    }
    frame = pd.DataFrame(
        [
            {
                "rank": (page - 1) * per_page + i + 1,
                "kind": "case study" if h["kind"] == "case" else "research",
                "id": h["id"],
                "title": "".join(p.text for p in h["title"]),
                "place_or_type": h["detail"],
                "evidence": h["grade"],
                "status": h["status"],
                "score": h["score"],
            }
            for i, h in enumerate(hits)
        ],
        columns=["rank", "kind", "id", "title", "place_or_type", "evidence", "status", "score"],
    )
    pages = max(1, -(-result.total // per_page))
    return ResultBundle(
        question="search the practice bank",
        provenance=bank_provenance("practice search v1 (coverage, title, idf, engine rank)"),
        tables={"results": Table(frame, "practice bank search results", decimals={"score": 3})},
        metadata={"query": query, "filters": "; ".join(f"{k}={','.join(v)}"
                                                       for k, v in sorted(chosen.items()))},
        summary={"query": query, "total": result.total, "page": page, "pages": pages,
                 "hits": hits, "facets": facets, "filters": chosen},
    )  # fmt: skip


def similar_practice(
    database: Database, doc_key: str, *, limit: int = 5, today: date | None = None
) -> list[dict[str, Any]]:
    """Published documents most like ``doc_key`` ("more like this"), as search hits."""
    today = today or datetime.now(UTC).date()
    with database.reader() as session:
        result = more_like_this(
            session, doc_key, filters={"status": [Status.published.value]}, limit=limit
        )
        return [_hit_view(item, today) for item in found_documents(session, result)]
