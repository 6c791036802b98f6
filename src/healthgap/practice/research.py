"""Research library entries: citation, type, summary in our words, findings with effect sizes
linked to plan-library parameters, appraisal, tags, and duplicate detection.

An entry is found again by its DOI (normalised: lower case, without ``https://doi.org/`` or
``doi:``) or, without one, by its normalised title (accents, case and punctuation removed).
Each key finding may carry an effect size and the ids of the plan-library parameters that use it
(``<intervention>.<parameter>``, see :mod:`healthgap.practice.vocabulary`).

>>> normalise_doi("https://doi.org/10.1136/BMJ.38142.554479.AE")
'10.1136/bmj.38142.554479.ae'
>>> normalise_title("The  Benefits & Harms of Breast-Cancer Screening.")
'the benefits harms of breast cancer screening'
>>> isbn_is_valid("978-0-306-40615-7"), isbn_is_valid("978-0-306-40615-8")
(True, False)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from healthgap.errors import InputError
from healthgap.practice.fields import FieldReader
from healthgap.practice.vocabulary import PARAMETER_ID_PATTERN, ResearchType, Status

__all__ = [
    "Appraisal",
    "Duplicate",
    "Effect",
    "Finding",
    "ResearchEntry",
    "find_duplicates",
    "isbn_is_valid",
    "normalise_doi",
    "normalise_title",
    "research_entry_from_mapping",
]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
MEASURE_PATTERN = re.compile(r"^[A-Za-z£$%][A-Za-z0-9 £$%/_.,'-]*$")
_TAG = re.compile(r"^[^;,]+$")  # a tag holds no separator of the export formats
_NO_SEMICOLON = re.compile(r"^[^;]+$")
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(frozen=True)
class Effect:
    """An effect size: the measure (RR, OR, HR, NNT, proportion ...), value and optional 95% CI."""

    measure: str
    value: float
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class Finding:
    """A key finding in our words, its effect size, and the parameters that use it."""

    text: str
    effect: Effect | None = None
    parameter_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Appraisal:
    """A quality appraisal: the tool used (e.g. AMSTAR 2, CASP) and the rating it gave."""

    tool: str
    rating: str


@dataclass(frozen=True)
class ResearchEntry:
    """One validated entry of the research library.

    ``authors`` lists names as written (``"Doll R"``); a last name ``"others"`` stands for
    further authors not recorded (BibTeX's convention), shown as "et al.".
    """

    id: str
    title: str
    year: int | None
    type: ResearchType
    summary: str
    authors: tuple[str, ...] = ()
    container: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    isbn: str = ""
    url: str = ""
    findings: tuple[Finding, ...] = ()
    appraisal: Appraisal | None = None
    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    source_keys: tuple[str, ...] = ()
    status: Status = Status.draft
    reviewed_by: str = ""
    reviewed_on: date | None = None
    citation_note: str = ""

    @property
    def normalised_title(self) -> str:
        return normalise_title(self.title)

    @property
    def parameter_ids(self) -> tuple[str, ...]:
        """Every plan-library parameter any finding is linked to, in order of first mention."""
        return tuple(dict.fromkeys(p for f in self.findings for p in f.parameter_ids))

    def citation(self) -> str:
        """A one-line reference: authors, year, title, container, volume(issue):pages, DOI."""
        names = [a for a in self.authors if a.lower() != "others"]
        more = len(names) > 3 or len(names) < len(self.authors)
        authors = "; ".join(names[:3]) + (" et al." if more else "")
        where = self.container + (f" {self.volume}" if self.volume else "")
        where += f"({self.issue})" if self.issue else ""
        where += f":{self.pages}" if self.pages else ""
        parts = [authors, f"({self.year or 'n.d.'})", self.title.rstrip(".") + ".", where]
        parts += [f"doi:{self.doi}" if self.doi else "", f"ISBN {self.isbn}" if self.isbn else ""]
        return " ".join(p for p in parts if p).strip()

    def to_mapping(self) -> dict[str, Any]:
        """Plain mapping that :func:`research_entry_from_mapping` reads back."""
        return {
            "id": self.id,
            "title": self.title,
            "year": self.year,
            "type": self.type.value,
            "summary": self.summary,
            "authors": list(self.authors),
            "container": self.container,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "doi": self.doi,
            "isbn": self.isbn,
            "url": self.url,
            "findings": [
                {
                    "text": f.text,
                    "effect": vars(f.effect).copy() if f.effect else None,
                    "parameter_ids": list(f.parameter_ids),
                }
                for f in self.findings
            ],
            "appraisal": vars(self.appraisal).copy() if self.appraisal else None,
            "tags": list(self.tags),
            "topics": list(self.topics),
            "source_keys": list(self.source_keys),
            "status": self.status.value,
            "reviewed_by": self.reviewed_by,
            "reviewed_on": self.reviewed_on.isoformat() if self.reviewed_on else None,
            "citation_note": self.citation_note,
        }

    def search_fields(self) -> dict[str, str]:
        body = [
            ", ".join(self.authors),
            self.container,
            self.summary,
            *(f.text for f in self.findings),
            *self.tags,
            *self.topics,
            self.type.label,
        ]
        return {"title": self.title, "body": "\n".join(t for t in body if t)}


def normalise_doi(text: str) -> str:
    """DOI in canonical form (lower case, no resolver prefix); ``""`` for empty input."""
    doi = text.strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
    return doi.strip().lower()


def normalise_title(text: str) -> str:
    """Title for duplicate detection: accents, case, punctuation and spacing removed."""
    unaccented = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    ascii_text = unaccented.encode("ascii", "replace").decode()  # other symbols become "?"
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).strip()


def isbn_is_valid(text: str) -> bool:
    """True for an ISBN-10 or ISBN-13 whose check digit is right (hyphens and spaces ignored)."""
    digits = re.sub(r"[\s-]", "", text).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"\d{13}", digits):
        total = sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def _effect(reader: FieldReader) -> Effect | None:
    if not reader.raw:
        return None
    measure = reader.line("measure", required=True, max_length=40)
    if measure and not MEASURE_PATTERN.match(measure):
        reader.problem("measure", "bad_measure", "use letters, digits, spaces and % / £ - only")
    value = reader.number("value", required=True)
    lower, upper = reader.number("lower"), reader.number("upper")
    if (lower is None) != (upper is None):
        reader.problem("lower", "half_interval", "give both ends of the interval or neither")
    elif None not in (lower, upper, value) and not lower <= value <= upper:  # type: ignore[operator]
        reader.problem("value", "outside_interval", f"{value} is not within {lower}–{upper}")
    if measure and value is not None:
        return Effect(measure, value, lower, upper)
    return None


def _findings(r: FieldReader) -> tuple[Finding, ...]:
    out = []
    for _, f in r.records("findings"):
        text = f.line("text", required=True, max_length=1000)
        effect = _effect(f.nested("effect")) if f.raw.get("effect") else None
        params = f.lines("parameter_ids", pattern=PARAMETER_ID_PATTERN, rule="bad_parameter_id")
        if text:
            out.append(Finding(text, effect, params))
    return tuple(out)


def research_entry_from_mapping(
    raw: Mapping[str, Any], *, file: str = "<research entry>", row: int | None = None
) -> ResearchEntry:
    """Validate ``raw`` into a :class:`ResearchEntry`; every problem found is raised at once."""
    r = FieldReader(raw, file=file, row=row)
    entry_id = r.line("id", required=True)
    if entry_id and not ID_PATTERN.match(entry_id):
        r.problem("id", "bad_id", "use 1-80 letters, digits and . _ : -")
    doi = normalise_doi(r.line("doi", max_length=300))
    if doi and not DOI_PATTERN.match(doi):
        r.problem("doi", "bad_doi", f"{doi!r} is not a DOI (10.<registrant>/<suffix>)")
    isbn = re.sub(r"[\s-]", "", r.line("isbn", max_length=40)).upper()
    if isbn and not isbn_is_valid(isbn):
        r.problem("isbn", "bad_isbn", f"{isbn!r} is not a valid ISBN-10 or ISBN-13")
    url = r.line("url", max_length=2000)
    if url and not _URL.match(url):
        r.problem("url", "bad_url", f"{url!r} is not an http(s) address")
    container = r.line("container")
    if not (doi or isbn or url or container):
        r.problem("doi", "no_citation", "give a DOI, ISBN, URL or the journal/publisher")
    appraisal_reader = r.nested("appraisal")
    appraisal = None
    if appraisal_reader.raw:
        tool = appraisal_reader.line("tool", required=True)
        rating = appraisal_reader.line("rating", required=True)
        appraisal = Appraisal(tool, rating) if tool and rating else None
    values = {
        "id": entry_id,
        "title": r.line("title", required=True, max_length=500),
        "year": r.integer("year", low=1800, high=2100),
        "type": r.choice("type", ResearchType.parse, required=True),
        "summary": r.line("summary", required=True, max_length=4000),
        "authors": r.lines("authors", pattern=_NO_SEMICOLON, rule="bad_author"),
        "container": container,
        "volume": r.line("volume", max_length=40),
        "issue": r.line("issue", max_length=40),
        "pages": r.line("pages", max_length=40),
        "doi": doi,
        "isbn": isbn,
        "url": url,
        "findings": _findings(r),
        "appraisal": appraisal,
        "tags": r.lines("tags", pattern=_TAG, rule="bad_tag"),
        "topics": r.lines("topics"),
        "source_keys": r.lines("source_keys", pattern=re.compile(r"^[a-z][a-z0-9_]*$")),
        "status": r.choice("status", Status, default=Status.draft),
        "reviewed_by": r.line("reviewed_by"),
        "reviewed_on": r.day("reviewed_on"),
        "citation_note": r.line("citation_note", max_length=1000),
    }
    if r.problems:
        raise InputError(r.problems)
    return ResearchEntry(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Duplicate:
    """``entry_id`` repeats ``other_id`` by ``reason`` (``"doi"`` or ``"title"``)."""

    entry_id: str
    other_id: str
    reason: str
    value: str


def find_duplicates(
    entries: Sequence[ResearchEntry], existing: Iterable[ResearchEntry] = ()
) -> list[Duplicate]:
    """Entries that repeat an existing one, or an earlier one in ``entries``, by DOI or title.

    A DOI match is reported in preference to a title match. Two entries with different DOIs are
    different works even when their titles agree (e.g. a protocol and its report).
    """
    by_doi: dict[str, str] = {}
    by_title: dict[str, tuple[str, str]] = {}
    for entry in existing:
        if entry.doi:
            by_doi[entry.doi] = entry.id
        by_title.setdefault(entry.normalised_title, (entry.id, entry.doi))
    found: list[Duplicate] = []
    for entry in entries:
        title = entry.normalised_title
        if entry.doi and entry.doi in by_doi:
            found.append(Duplicate(entry.id, by_doi[entry.doi], "doi", entry.doi))
        elif title in by_title and not (entry.doi and by_title[title][1]):
            found.append(Duplicate(entry.id, by_title[title][0], "title", entry.title))
        else:
            if entry.doi:
                by_doi[entry.doi] = entry.id
            by_title.setdefault(title, (entry.id, entry.doi))
    return found
