"""The text side of search, shared by every database: words, stems, queries and highlights.

Both search engines (SQLite FTS5 and PostgreSQL full-text search) are given the *same* token
stream, made here: text is folded to lower-case ASCII (accents removed), split into runs of
letters and digits, and each word stemmed with the Snowball English stemmer. FTS5 then indexes
it with its plain ``unicode61`` tokenizer and PostgreSQL with the ``simple`` configuration, so
the two databases match exactly the same documents for a query; only their ranking formulas
(bm25 and ts_rank) differ, and :mod:`healthgap.store.practice_search` orders by engine-neutral
keys first.

A query is words (stop words such as "the" dropped), ``"quoted phrases"`` and ``-excluded``
words. Every word or phrase counts once towards *coverage*, the share of the query a document
matches, which is the first ranking key.

>>> index_text("Stop-smoking services for Bangladeshi men")
'stop smoke servic for bangladeshi men'
>>> q = parse_query('smoking men "text message" -alcohol')
>>> q.terms, q.phrases, q.excluded
(('smoke', 'men'), (('text', 'messag'),), ('alcohol',))
>>> [(s.text, s.hit) for s in highlight("Men who smoke used the mosque service.", q)]
[('Men', True), (' who ', False), ('smoke', True), (' used the mosque service.', False)]
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

__all__ = [
    "STOP_WORDS",
    "Query",
    "TextPiece",
    "highlight",
    "index_text",
    "more_like_this_terms",
    "parse_query",
    "stem",
    "words",
]

#: Words too common to rank by; dropped from queries (not from the index, so phrases still work).
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "more",
        "most",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)

_WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("english")
MAX_TERMS = 12


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball English stem of a folded word (``smoking`` → ``smoke``)."""
    return _STEMMER.stemWord(word)


def words(text: str) -> list[tuple[str, int, int]]:
    """Folded words of ``text`` with their start and end in the original text."""
    out = []
    for match in _WORD.finditer(text):
        for part in re.findall(r"[a-z0-9]+", _fold(match.group(0))):
            out.append((part, match.start(), match.end()))
    return out


def index_text(text: str) -> str:
    """The stemmed token stream that both databases index (and phrase positions rely on)."""
    return " ".join(stem(word) for word, _, _ in words(text))


@dataclass(frozen=True)
class Query:
    """A parsed query: stemmed words, stemmed phrases, and excluded stems."""

    text: str
    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def units(self) -> tuple[tuple[str, ...], ...]:
        """Each word or phrase as a tuple of stems; coverage counts these."""
        return tuple((t,) for t in self.terms) + self.phrases

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(self.terms) | frozenset(s for p in self.phrases for s in p)

    @property
    def is_empty(self) -> bool:
        return not self.units


def parse_query(text: str) -> Query:
    """Read what a user typed: words, ``"phrases"`` and ``-excluded`` words (at most 12 units)."""
    phrases: list[tuple[str, ...]] = []
    quoted_words: list[str] = []
    for quoted in re.findall(r'"([^"]*)"', text):
        stems = tuple(stem(w) for w, _, _ in words(quoted))
        if len(stems) == 1:
            quoted_words.append(stems[0])  # a one-word "phrase" is just a word
        elif stems and stems not in phrases:
            phrases.append(stems)
    rest = re.sub(r'"[^"]*"?', " ", text)
    terms: list[str] = []
    excluded: list[str] = []
    for token in rest.split():
        negative = token.startswith("-") and len(token) > 1
        for word, _, _ in words(token):
            if word in STOP_WORDS or word in ("or", "and"):
                continue
            target = excluded if negative else terms
            stemmed = stem(word)
            if stemmed not in target:
                target.append(stemmed)
    terms += [s for s in quoted_words if s not in terms]
    budget = MAX_TERMS - len(phrases)
    return Query(text, tuple(terms[: max(budget, 0)]), tuple(phrases[:MAX_TERMS]), tuple(excluded))


@dataclass(frozen=True)
class TextPiece:
    """A piece of a highlighted snippet; ``hit`` marks a matched word."""

    text: str
    hit: bool = False


def highlight(text: str, query: Query, *, window: int = 30) -> list[TextPiece]:
    """The best ``window``-word stretch of ``text`` with query words marked (plain pieces, no
    markup: the page escapes and wraps them). Ellipses mark cut ends."""
    found = words(text)
    if not found:
        return [TextPiece(text)] if text else []
    wanted = query.stems
    hits = [stem(w) in wanted for w, _, _ in found]
    best_start, best_score = 0, -1
    for start in range(0, max(1, len(found) - window + 1)):
        distinct = {
            stem(found[i][0]) for i in range(start, min(len(found), start + window)) if hits[i]
        }
        score = len(distinct) * 100 + sum(hits[start : start + window])
        if score > best_score:
            best_start, best_score = start, score
    end = min(len(found), best_start + window)
    first_char = 0 if best_start == 0 else found[best_start][1]
    last_char = len(text) if end == len(found) else found[end - 1][2]
    pieces: list[TextPiece] = [TextPiece("… ")] if first_char > 0 else []
    position = first_char
    for i in range(best_start, end):
        _, start_char, end_char = found[i]
        if not hits[i] or start_char < position:
            continue
        if start_char > position:
            pieces.append(TextPiece(text[position:start_char]))
        pieces.append(TextPiece(text[start_char:end_char], True))
        position = end_char
    if position < last_char:
        pieces.append(TextPiece(text[position:last_char]))
    if last_char < len(text):
        pieces.append(TextPiece(" …"))
    return pieces


def more_like_this_terms(
    index: str, document_frequency: Mapping[str, int], documents: int, *, count: int = 10
) -> list[str]:
    """The ``count`` stems that best characterise a document (tf × idf), strongest first."""
    frequency = Counter(s for s in index.split() if s not in STOP_WORDS and not s.isdigit())
    scored = []
    for term, tf in frequency.items():
        df = max(1, document_frequency.get(term, 1))
        if df >= documents and documents > 1:
            continue  # in every document: says nothing about this one
        scored.append((tf * math.log((documents + 1) / df), term))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [term for _, term in scored[:count]]
