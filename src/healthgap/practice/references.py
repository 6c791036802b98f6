"""Import and export of the research library as RIS, BibTeX or CSV, all or nothing.

:func:`read_references` reads a file, validates every entry, and checks for duplicates (by DOI,
or by normalised title) within the file and against the entries already held. Any problem in
any entry raises one :class:`~healthgap.errors.InputError` listing them all, each naming the
file, the line (RIS, BibTeX) or row (CSV), the field and the rule; nothing is returned for a
file with problems, so nothing is half-imported.

Reference files rarely say what kind of study a work is; pass ``default_type`` to classify a
whole file (e.g. a folder of grey reports), otherwise each entry must carry one (RIS ``M3``,
BibTeX ``researchtype``, CSV ``type``). Entries without an id get one from the first author,
the year and the first word of the title.

>>> text = write_references([EXAMPLE_ENTRY], format="ris")
>>> read_references(text, format="ris", file="export.ris") == [EXAMPLE_ENTRY]
True
>>> try:
...     read_references(text, format="ris", file="again.ris", existing=[EXAMPLE_ENTRY])
... except InputError as error:
...     print(error.problems[0].rule, error.problems[0].row, error.problems[0].column)
duplicate_title 4 title
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from healthgap.errors import InputError, Problem
from healthgap.practice.bibtex import read_bibtex, write_bibtex
from healthgap.practice.csv_io import read_research_csv, write_research_csv
from healthgap.practice.flat import RawReference, mapping_from_flat
from healthgap.practice.research import (
    ResearchEntry,
    find_duplicates,
    research_entry_from_mapping,
)
from healthgap.practice.ris import read_ris, write_ris
from healthgap.practice.text import slugify
from healthgap.practice.vocabulary import ResearchType

__all__ = ["FORMATS", "format_for", "read_references", "write_references"]

FORMATS = ("ris", "bibtex", "csv")
_SUFFIXES = {".ris": "ris", ".txt": "ris", ".bib": "bibtex", ".bibtex": "bibtex", ".csv": "csv"}
_READERS = {"ris": read_ris, "bibtex": read_bibtex, "csv": read_research_csv}
_WRITERS = {"ris": write_ris, "bibtex": write_bibtex, "csv": write_research_csv}


def format_for(filename: str) -> str:
    """The format a file name implies (``.ris``, ``.bib``, ``.csv``).

    >>> format_for("library.BIB")
    'bibtex'
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(
            [Problem(filename, None, None, "unknown_format", "name the file .ris, .bib or .csv")]
        )
    return _SUFFIXES[suffix]


def _new_id(raw: RawReference, taken: set[str]) -> str:
    authors = raw.flat.get("authors") or []
    surname = re.split(r"[,\s]", authors[0].strip())[0] if authors else "anon"
    words = list(re.findall(r"[A-Za-z]{4,}", raw.flat.get("title", ""))) or ["untitled"]
    base = slugify(f"{surname} {raw.flat.get('year', '')} {words[0]}", max_length=60) or "entry"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _relocate(problems: Sequence[Problem], raw: RawReference) -> list[Problem]:
    """Point each problem at the line of its field where the format tells it."""
    out = []
    for p in problems:
        field = (p.column or "").split(".")[0].split("[")[0]
        out.append(replace(p, row=raw.field_lines.get(field, raw.line)))
    return out


def read_references(
    text: str,
    *,
    format: str,  # noqa: A002 - the natural name for the caller
    file: str,
    existing: Iterable[ResearchEntry] = (),
    default_type: ResearchType | str | None = None,
) -> list[ResearchEntry]:
    """Validated entries of a RIS/BibTeX/CSV text, or one InputError listing every problem."""
    if format not in _READERS:
        raise InputError(f"format must be one of {FORMATS}, not {format!r}", rule="unknown_format")
    raws = _READERS[format](text, file=file)
    existing = list(existing)
    taken = {e.id for e in existing} | {r.flat["id"] for r in raws if r.flat.get("id")}
    problems: list[Problem] = []
    entries: list[ResearchEntry] = []
    raw_of: dict[str, RawReference] = {}
    for raw in raws:
        if not raw.flat.get("id"):
            raw.flat["id"] = _new_id(raw, taken)
            taken.add(raw.flat["id"])
        if not raw.flat.get("type") and default_type is not None:
            raw.flat["type"] = ResearchType.parse(str(getattr(default_type, "value", default_type)))
        try:
            mapping = mapping_from_flat(raw.flat)
            entry = research_entry_from_mapping(mapping, file=file, row=raw.line)
        except ValueError as exc:
            if isinstance(exc, InputError):
                problems += _relocate(exc.problems, raw)
            else:
                line = raw.field_lines.get("findings", raw.line)
                problems.append(Problem(file, line, "findings", "bad_finding", str(exc)))
            continue
        if entry.id in raw_of:
            problems.append(
                Problem(
                    file, raw.line, "id", "duplicate_id", f"{entry.id!r} is used twice in this file"
                )
            )
            continue
        raw_of[entry.id] = raw
        entries.append(entry)
    duplicates = find_duplicates(entries, existing)
    for d in duplicates:
        raw = raw_of[d.entry_id]
        problems.append(
            Problem(
                file,
                raw.field_lines.get(d.reason, raw.line),
                d.reason,
                f"duplicate_{d.reason}",
                f"{d.value!r} is already in the library as {d.other_id!r}",
            )
        )
    clashes = {e.id for e in existing} & set(raw_of) - {d.entry_id for d in duplicates}
    problems += [
        Problem(
            file,
            raw_of[i].field_lines.get("id", raw_of[i].line),
            "id",
            "duplicate_id",
            f"{i!r} is already in the library",
        )
        for i in sorted(clashes)
    ]
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return entries


def write_references(entries: Iterable[ResearchEntry], *, format: str) -> str:  # noqa: A002
    """RIS, BibTeX or CSV text of ``entries``; :func:`read_references` reads it back unchanged."""
    if format not in _WRITERS:
        raise InputError(f"format must be one of {FORMATS}, not {format!r}", rule="unknown_format")
    return _WRITERS[format](entries)


EXAMPLE_ENTRY = research_entry_from_mapping(
    {
        "id": "synthetic-2020",
        "title": "Made-up trial of a quit line (SYNTHETIC)",
        "year": 2020,
        "type": "rct",
        "container": "Journal of Examples",
        "summary": "A SYNTHETIC example entry.",
        "authors": ["Example, A"],
        "findings": [
            {
                "text": "Quit rate at one year",
                "effect": {"measure": "RR", "value": 1.5, "lower": 1.1, "upper": 2.0},
                "parameter_ids": ["smoking_cessation.p52"],
            }
        ],
    }
)
