"""Full-text search of the practice bank on SQLite FTS5 or PostgreSQL, with the same results.

Both databases index the same stemmed token stream (:mod:`healthgap.practice.search_text`), so
they match exactly the same documents and count the same document frequencies. Results are
ordered by these keys, the first three of which are computed identically on every database:

1. **coverage**: how many of the query's words and phrases the document contains;
2. **title coverage**: how many of them are in its title;
3. **weight**: the sum of the inverse document frequencies of the words and phrases it
   contains, ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` (BM25's idf), so a rare word counts
   for more than a common one;
4. the **engine's relevance**, normalised by the best in the result set: ``bm25`` on SQLite
   (title weighted 5, body 1), ``ts_rank`` on PostgreSQL (title weight A = 1.0, body D = 0.1,
   divided by 1 + log of the document length), both favouring more occurrences in shorter
   documents;
5. the document key.

So the two databases return the same documents, the same totals and facet counts, and the same
*tiers* (documents with equal keys 1-3) in the same order; only within a tier may bm25 and
ts_rank order documents differently. The reported ``score`` (0-1) is
``0.6 coverage + 0.2 title coverage + 0.1 weight + 0.1 engine``, each as a share of its maximum.

Facet counts are computed over the whole result set (every filter applied), from the tag table.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from healthgap.practice.search_text import (
    STOP_WORDS,
    Query,
    index_text,
    more_like_this_terms,
    parse_query,
)
from healthgap.store.practice import PracticeCaseStudy, PracticeResearchEntry, PracticeTag

__all__ = [
    "FACETS",
    "Hit",
    "SearchResult",
    "index_document",
    "more_like_this",
    "ranked_search",
    "remove_document",
    "similar_terms",
]

#: Facets counted for every search (tag facet names).
FACETS = ("kind", "topic", "place", "evidence", "triangle", "status", "type")
_CHUNK = 500
_SIMILAR_CANDIDATES = 40


@dataclass(frozen=True)
class Hit:
    """One ranked document: its key, score (0-1), and how much of the query it matched."""

    doc_key: str
    score: float
    coverage: int
    title_coverage: int
    weight: float = 0.0

    @property
    def tier(self) -> tuple[int, int, float]:
        """The engine-independent part of the ranking (keys 1-3 of the module docstring)."""
        return (self.coverage, self.title_coverage, self.weight)


@dataclass
class SearchResult:
    """Ranked hits (one page), the total matched, and facet counts over all matches."""

    query: Query
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def index_document(session: Session, *, doc_key: str, kind: str, title: str, body: str) -> None:
    """Put (or replace) a document in the full-text index, in the caller's transaction."""
    remove_document(session, doc_key)
    session.execute(
        text(
            "INSERT INTO practice_search (doc_key, kind, title, body) "
            "VALUES (:doc_key, :kind, :title, :body)"
        ),
        {"doc_key": doc_key, "kind": kind, "title": index_text(title), "body": index_text(body)},
    )


def remove_document(session: Session, doc_key: str) -> None:
    session.execute(text("DELETE FROM practice_search WHERE doc_key = :k"), {"k": doc_key})


# --- matching, per dialect ---------------------------------------------------------------------


def _fts5_unit(unit: Sequence[str], *, title_only: bool = False) -> str:
    phrase = '"' + " ".join(unit) + '"'  # stems are [a-z0-9]+, safe inside quotes
    return f"title : {phrase}" if title_only else f"{{title body}} : {phrase}"


def _pg_unit(unit: Sequence[str], *, title_only: bool = False) -> str:
    weight = ":A" if title_only else ""
    return " <-> ".join(f"{stem}{weight}" for stem in unit)


def _matching(session: Session, unit: Sequence[str], *, title_only: bool = False) -> set[str]:
    """Document keys containing one word or phrase (optionally in the title)."""
    if _dialect(session) == "postgresql":
        sql = "SELECT doc_key FROM practice_search WHERE document @@ to_tsquery('simple', :q)"
        q = _pg_unit(unit, title_only=title_only)
    else:
        sql = "SELECT doc_key FROM practice_search WHERE practice_search MATCH :q"
        q = _fts5_unit(unit, title_only=title_only)
    return {row[0] for row in session.execute(text(sql), {"q": q})}


def _engine_scores(session: Session, query: Query) -> dict[str, float]:
    """The engine's own relevance for the whole query (higher is better)."""
    if _dialect(session) == "postgresql":
        parts = [" ".join(u) if len(u) == 1 else '"' + " ".join(u) + '"' for u in query.units]
        websearch = " or ".join(parts)
        sql = (
            "SELECT doc_key, ts_rank('{0.1, 0.2, 0.4, 1.0}', document,"
            " websearch_to_tsquery('simple', :q), 1) FROM practice_search"
            " WHERE document @@ websearch_to_tsquery('simple', :q)"
        )
        rows = session.execute(text(sql), {"q": websearch})
        return {key: float(rank) for key, rank in rows}
    expression = " OR ".join(_fts5_unit(u) for u in query.units)
    sql = (
        "SELECT doc_key, -bm25(practice_search, 0.0, 0.0, 5.0, 1.0) FROM practice_search"
        " WHERE practice_search MATCH :q"
    )
    return {key: float(rank) for key, rank in session.execute(text(sql), {"q": expression})}


# --- filters and facets ------------------------------------------------------------------------


def _chunks(keys: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(keys), _CHUNK):
        yield keys[start : start + _CHUNK]


def _filtered(session: Session, filters: Mapping[str, Collection[str]]) -> set[str] | None:
    """Documents passing every filter (values of one facet are alternatives); None = no filter."""
    allowed: set[str] | None = None
    for facet, values in filters.items():
        if not values:
            continue
        rows = session.scalars(
            select(PracticeTag.doc_key).where(
                PracticeTag.facet == facet, PracticeTag.value.in_(list(values))
            )
        )
        keys = set(rows)
        allowed = keys if allowed is None else allowed & keys
    return allowed


def _all_documents(session: Session) -> set[str]:
    return set(session.scalars(select(PracticeTag.doc_key).where(PracticeTag.facet == "kind")))


def _facet_counts(session: Session, keys: Sequence[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for chunk in _chunks(list(keys)):
        rows = session.execute(
            select(PracticeTag.facet, PracticeTag.value).where(
                PracticeTag.doc_key.in_(list(chunk)), PracticeTag.facet.in_(FACETS)
            )
        )
        for facet, value in rows:
            counts[facet][value] += 1
    return {
        facet: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
        for facet, c in counts.items()
    }


def _titles(session: Session) -> dict[str, str]:
    """Every document's real title (not its stemmed index text), by document key."""
    out: dict[str, str] = {}
    for table in (PracticeCaseStudy, PracticeResearchEntry):
        for row in session.execute(select(table.slug, table.title)):
            out[f"{'case' if table is PracticeCaseStudy else 'research'}:{row.slug}"] = row.title
    return out


def ranked_search(
    session: Session,
    query: str | Query,
    *,
    filters: Mapping[str, Collection[str]] | None = None,
    exclude: Collection[str] = (),
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Search with ranking, filters (``{"topic": ["tobacco"], "status": ["published"]}``) and
    facet counts. An empty query lists every document passing the filters, by title."""
    parsed = query if isinstance(query, Query) else parse_query(query)
    allowed = _filtered(session, filters or {})
    excluded: set[str] = set(exclude)
    for stem in parsed.excluded:
        excluded |= _matching(session, (stem,))
    if parsed.is_empty:
        keys = (allowed if allowed is not None else _all_documents(session)) - excluded
        titles = _titles(session)
        ordered = sorted(keys, key=lambda k: (titles.get(k, "").casefold(), k))
        hits = [Hit(k, 0.0, 0, 0) for k in ordered]
    else:
        coverage: Counter[str] = Counter()
        title_coverage: Counter[str] = Counter()
        weight: Counter[str] = Counter()
        documents = session.execute(text("SELECT COUNT(*) FROM practice_search")).scalar_one()
        for unit in parsed.units:
            matched = _matching(session, unit)
            idf = math.log(1 + (documents - len(matched) + 0.5) / (len(matched) + 0.5))
            coverage.update(matched)
            weight.update(dict.fromkeys(matched, idf))
            title_coverage.update(_matching(session, unit, title_only=True))
        keys = set(coverage) - excluded
        if allowed is not None:
            keys &= allowed
        weights = {k: round(weight[k], 9) for k in keys}
        engine = _engine_scores(session, parsed)
        top_engine = max((engine.get(k, 0.0) for k in keys), default=0.0) or 1.0
        top_weight = max(weights.values(), default=0.0) or 1.0
        n = len(parsed.units)

        def score(key: str) -> float:
            return (
                0.6 * coverage[key] / n
                + 0.2 * title_coverage[key] / n
                + 0.1 * weights[key] / top_weight
                + 0.1 * max(engine.get(key, 0.0), 0.0) / top_engine
            )

        ordered = sorted(
            keys,
            key=lambda k: (-coverage[k], -title_coverage[k], -weights[k], -engine.get(k, 0.0), k),
        )
        hits = [
            Hit(k, round(score(k), 6), coverage[k], title_coverage[k], weights[k]) for k in ordered
        ]
    return SearchResult(
        parsed,
        hits[offset : offset + limit],
        len(hits),
        _facet_counts(session, [h.doc_key for h in hits]),
    )


def similar_terms(session: Session, doc_key: str, *, count: int = 10) -> list[str]:
    """The stems that best characterise a document, for "more like this" (tf × idf)."""
    row = session.execute(
        text("SELECT title, body FROM practice_search WHERE doc_key = :k"), {"k": doc_key}
    ).first()
    if row is None:
        return []
    index = f"{row[0]} {row[0]} {row[1]}"  # the title counts double
    documents = session.execute(text("SELECT COUNT(*) FROM practice_search")).scalar_one()
    # Document frequencies only for the document's most frequent stems: few queries, same answer.
    frequent = Counter(s for s in index.split() if s not in STOP_WORDS and not s.isdigit())
    candidates = [stem for stem, _ in frequent.most_common(_SIMILAR_CANDIDATES)]
    frequency = {stem: len(_matching(session, (stem,))) for stem in candidates}
    kept = " ".join(s for s in index.split() if s in frequency)
    return more_like_this_terms(kept, frequency, int(documents), count=count)


def more_like_this(
    session: Session,
    doc_key: str,
    *,
    filters: Mapping[str, Collection[str]] | None = None,
    limit: int = 5,
) -> SearchResult:
    """Documents most like ``doc_key`` (its distinctive words as a query), itself left out."""
    terms = similar_terms(session, doc_key)
    query = Query(" ".join(terms), terms=tuple(terms))
    return ranked_search(session, query, filters=filters, exclude={doc_key}, limit=limit)
