"""One standard terminology: the glossary as editable YAML content, and linking terms in a text.

The glossary ships as ``practice/content/glossary.yaml``; a team edits that file (or passes its
own with ``load_glossary(path)``) to change a definition without a release. Each term has an id,
the term, aliases (other names, shown with the entry), forms (other wordings matched in text but
not shown, such as "most deprived fifth"), a definition in our own words, a category and related
ids.

:func:`link_terms` finds glossary terms in a text and returns *segments*, never markup, so that a
page escapes each piece and wraps the linked ones in a link itself. Matching is on whole words
(a plural "s" included: "LSOAs", "segments"), longest term first, case-insensitive except for
aliases written in capitals (``LE``, ``SII``), which match only in capitals so that "le" or
"sii" in ordinary words are left alone.

>>> glossary = load_glossary()
>>> [(s.text, s.term_id) for s in link_terms("The SII measures the gap.", glossary)]
[('The ', None), ('SII', 'sii'), (' measures the ', None), ('gap', 'gap'), ('.', None)]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from healthgap.errors import InputError, Problem
from healthgap.practice.fields import FieldReader

__all__ = ["Glossary", "Segment", "Term", "link_terms", "load_glossary"]

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    category: str
    aliases: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()  # matched in text, not shown in the glossary
    see_also: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Segment:
    """A piece of text; ``term_id`` names the glossary term it is, or is ``None``."""

    text: str
    term_id: str | None = None


@dataclass(frozen=True)
class Glossary:
    """The terms by id, their version, and a compiled matcher."""

    version: int
    terms: Mapping[str, Term]
    pattern: re.Pattern[str] | None
    exact: Mapping[str, str]  # capitals-only alias -> term id
    folded: Mapping[str, str]  # case-folded phrase -> term id

    def lookup(self, phrase: str) -> Term | None:
        term_id = self.term_id(phrase)
        return self.terms.get(term_id) if term_id else None

    def matching(self, query: str = "", category: str = "") -> list[Term]:
        """Terms in ``category`` (any when empty) whose name, other names or definition hold
        every word of ``query``, by category and name.

        >>> [t.id for t in load_glossary().matching("slope")]
        ['rii', 'sii']
        """
        words = query.casefold().split()
        chosen = [
            t
            for t in self.terms.values()
            if (not category or t.category == category)
            and all(
                w in " ".join((t.term, *t.aliases, *t.forms, t.definition)).casefold()
                for w in words
            )
        ]
        return sorted(chosen, key=lambda t: (t.category, t.term.casefold()))

    @property
    def categories(self) -> list[str]:
        return sorted({t.category for t in self.terms.values()})

    def term_id(self, phrase: str) -> str | None:
        """The id of the term ``phrase`` names (as written, or as the plural of a term)."""
        phrase = re.sub(r"\s+", " ", phrase)
        for form in (phrase, phrase[:-1]) if phrase[-1:] in ("s", "S") else (phrase,):
            # Capitals-only aliases are in the case-blind pattern but count only as written.
            term_id = self.exact.get(form) or self.folded.get(form.casefold())
            if term_id:
                return term_id
        return None


def _is_capitals(phrase: str) -> bool:
    return phrase.isupper() and len(phrase) <= 6


def build_glossary(raw: Mapping[str, Any], *, file: str) -> Glossary:
    """Validate a glossary mapping (``version`` and a list of ``terms``)."""
    problems: list[Problem] = []
    terms: dict[str, Term] = {}
    items = raw.get("terms") if isinstance(raw, Mapping) else None
    if not isinstance(items, list) or not items:
        raise InputError([Problem(file, None, "terms", "missing_field", "needs a list of terms")])
    for row, item in enumerate(items, start=1):
        r = FieldReader(item if isinstance(item, Mapping) else {}, file=file, row=row)
        term_id = r.line("id", required=True)
        if term_id and not _ID.match(term_id):
            r.problem("id", "bad_id", "use lower-case letters, digits, _ and -")
        if term_id in terms:
            r.problem("id", "duplicate_id", f"{term_id!r} is defined twice")
        term = Term(
            term_id,
            r.line("term", required=True),
            r.text("definition", required=True),
            r.line("category", required=True),
            aliases=r.lines("aliases"),
            forms=r.lines("forms"),
            see_also=r.lines("see_also"),
            source=r.line("source"),
        )
        problems += r.problems
        if not r.problems:
            terms[term_id] = term
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for term in terms.values():
        for missing in (s for s in term.see_also if s not in terms):
            problems.append(Problem(file, None, f"{term.id}.see_also", "unknown_term", missing))
        for phrase in (term.term, *term.aliases, *term.forms):
            table, key = (exact, phrase) if _is_capitals(phrase) else (folded, phrase.casefold())
            if key in table and table[key] != term.id:
                problems.append(
                    Problem(
                        file,
                        None,
                        f"{term.id}.aliases",
                        "ambiguous_alias",
                        f"{phrase!r} also names {table[key]!r}",
                    )
                )
            table[key] = term.id
    if problems:
        raise InputError(problems)
    phrases = sorted([*exact, *folded], key=lambda p: (-len(p), p))
    pattern = None
    if phrases:
        body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
        pattern = re.compile(rf"(?<![\w-])(?:{body})s?(?![\w-])", re.IGNORECASE)
    return Glossary(int(raw.get("version", 1)), terms, pattern, exact, folded)


def load_glossary(path: str | Path | None = None) -> Glossary:
    """The shipped glossary, or the YAML file at ``path``."""
    if path is None:
        resource = resources.files("healthgap.practice") / "content" / "glossary.yaml"
        text, file = resource.read_text("utf-8"), "glossary.yaml"
    else:
        try:
            text, file = Path(path).read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise InputError([Problem(str(path), None, None, "unreadable", str(exc))]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, None, "bad_yaml", str(exc))]) from None
    return build_glossary(raw or {}, file=file)


def link_terms(
    text: str, glossary: Glossary, *, first_only: bool = True, seen: set[str] | None = None
) -> list[Segment]:
    """Split ``text`` into segments, marking glossary terms (only the first mention of each
    term when ``first_only``). Joining the segments' text gives ``text`` back unchanged.

    ``seen`` carries the ids already marked across several texts (one page's text nodes): a
    term in it is not marked again, and each term marked here is added to it.

    >>> page: set[str] = set()
    >>> [s.term_id for s in link_terms("LSOAs and MECC", load_glossary(), seen=page)]
    ['lsoa', None, 'mecc']
    >>> [s.term_id for s in link_terms("MECC again", load_glossary(), seen=page)]
    [None]
    """
    if glossary.pattern is None or not text:
        return [Segment(text)] if text else []
    segments: list[Segment] = []
    seen = set() if seen is None else seen
    position = 0
    for match in glossary.pattern.finditer(text):
        term_id = glossary.term_id(match.group(0))
        if term_id is None or (first_only and term_id in seen):
            continue
        if match.start() > position:
            segments.append(Segment(text[position : match.start()]))
        segments.append(Segment(match.group(0), term_id))
        seen.add(term_id)
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
