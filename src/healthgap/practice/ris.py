"""RIS reading and writing with ``rispy``, plus the structural checks ``rispy`` leaves out.

``rispy`` is lenient: a reference without its ``ER`` end tag is silently dropped and a line with a
broken tag is glued to the previous field. Before handing each reference to ``rispy`` this module
walks the lines once and reports, with the line number:

``outside_reference``  text before a ``TY`` line or after an ``ER`` line;
``missing_end``        a reference not closed by ``ER`` before the next ``TY`` or the end;
``malformed_tag``      a line that starts like a tag but is not ``XX  - value``.

Our own fields travel in tags reference managers keep: the research type in ``M3``, findings as
``N1`` notes (see :mod:`healthgap.practice.flat`), and the appraisal, reviewer, review date,
topics, plan-library source keys, status and citation note in the custom tags ``C1``–``C8``.

>>> records = read_ris("TY  - JOUR\\nTI  - A study\\nPY  - 2007\\nER  - \\n", file="x.ris")
>>> records[0].line, records[0].flat["title"], records[0].flat["year"]
(1, 'A study', '2007')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import rispy

from healthgap.errors import InputError, Problem
from healthgap.practice.flat import RawReference, flat_from_entry
from healthgap.practice.research import ResearchEntry

__all__ = ["read_ris", "write_ris"]

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -( (.*))?$")
_LOOKS_LIKE_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9]\s*-(\s|$)")
_COUNTER = re.compile(r"^\d+\.$")  # rispy writes "1." before each reference

#: flat field -> RIS tag; list fields repeat their tag.
FIELD_TAGS = {
    "id": "ID",
    "title": "TI",
    "authors": "AU",
    "year": "PY",
    "container": "JO",
    "volume": "VL",
    "issue": "IS",
    "doi": "DO",
    "isbn": "SN",
    "url": "UR",
    "summary": "AB",
    "tags": "KW",
    "findings": "N1",
    "type": "M3",
    "appraisal_tool": "C1",
    "appraisal_rating": "C2",
    "reviewed_by": "C3",
    "reviewed_on": "C4",
    "topics": "C5",
    "source_keys": "C6",
    "status": "C7",
    "citation_note": "C8",
    "pages": "SP",
}
_JOINED = ("topics", "source_keys")  # lists kept in one custom tag, joined by "; "


def _records(
    text: str, file: str
) -> tuple[list[tuple[int, list[str], dict[str, int]]], list[Problem]]:
    """Split into references: (start line, lines, first line of each tag)."""
    problems: list[Problem] = []
    records: list[tuple[int, list[str], dict[str, int]]] = []
    current: tuple[int, list[str], dict[str, int]] | None = None
    for number, raw_line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw_line.rstrip()
        tag = _TAG_LINE.match(line)
        if current is None:
            if not line.strip() or _COUNTER.match(line.strip()):
                continue
            if tag and tag.group(1) == "TY":
                current = (number, [line], {"TY": number})
            else:
                problems.append(
                    Problem(
                        file,
                        number,
                        None,
                        "outside_reference",
                        "text outside a reference (each starts with 'TY  - ')",
                    )
                )
            continue
        if tag and tag.group(1) == "TY":
            problems.append(
                Problem(
                    file,
                    current[0],
                    None,
                    "missing_end",
                    f"the reference starting here has no 'ER  - ' before line {number}",
                )
            )
            current = (number, [line], {"TY": number})
        elif tag and tag.group(1) == "ER":
            records.append(current)
            current = None
        elif tag:
            current[1].append(line)
            current[2].setdefault(tag.group(1), number)
        elif _LOOKS_LIKE_TAG.match(line):
            problems.append(
                Problem(
                    file,
                    number,
                    None,
                    "malformed_tag",
                    f"{line[:20]!r} is not a tag: write two capitals, two spaces, '- '",
                )
            )
        else:
            current[1].append(line)  # a continuation of the previous field
    if current is not None:
        problems.append(
            Problem(
                file,
                current[0],
                None,
                "missing_end",
                "the reference starting here has no 'ER  - ' end line",
            )
        )
    return records, problems


def _flat(ref: dict[str, Any]) -> dict[str, Any]:
    """rispy's keys -> our flat fields."""
    notes = ref.get("notes") or []
    container = next(
        (
            ref[k]
            for k in (
                "journal_name",
                "secondary_title",
                "alternate_title3",
                "alternate_title1",
                "publisher",
            )
            if ref.get(k)
        ),
        "",
    )
    pages = ref.get("start_page", "")
    if ref.get("end_page"):
        pages = f"{pages}-{ref['end_page']}" if pages else ref["end_page"]
    isbn = ref.get("issn", "")
    if re.fullmatch(r"\d{4}-?\d{3}[\dXx]", isbn.strip()):  # an ISSN, not an ISBN
        isbn = ""
    flat = {
        "id": ref.get("id", ""),
        "title": ref.get("title") or ref.get("primary_title", ""),
        "authors": list(ref.get("authors") or ref.get("first_authors") or []),
        "year": (
            re.findall(
                r"\d{4}", ref.get("year") or ref.get("publication_year") or ref.get("date") or ""
            )
            or [""]
        )[0],
        "container": container,
        "volume": ref.get("volume", ""),
        "issue": ref.get("number", ""),
        "pages": pages,
        "doi": ref.get("doi", ""),
        "isbn": isbn,
        "url": (ref.get("urls") or [""])[0],
        "summary": ref.get("abstract") or ref.get("notes_abstract", ""),
        "tags": list(ref.get("keywords") or []),
        "findings": [n for n in notes if str(n).startswith("Finding ")],
        "type": ref.get("type_of_work", ""),
    }
    custom = {
        "appraisal_tool": "custom1",
        "appraisal_rating": "custom2",
        "reviewed_by": "custom3",
        "reviewed_on": "custom4",
        "topics": "custom5",
        "source_keys": "custom6",
        "status": "custom7",
        "citation_note": "custom8",
    }
    for name, key in custom.items():
        value = ref.get(key, "")
        flat[name] = (
            [v.strip() for v in value.split(";") if v.strip()] if name in _JOINED else value
        )
    return flat


def read_ris(text: str, *, file: str) -> list[RawReference]:
    """Every reference of a RIS text as flat fields; structural problems raise InputError."""
    records, problems = _records(text, file)
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError([Problem(file, None, None, "no_references", "no reference found")])
    out: list[RawReference] = []
    for start, lines, tag_lines in records:
        parsed = rispy.loads("\n".join([*lines, "ER  - "]))
        flat = _flat(parsed[0] if parsed else {})
        field_lines = {f: tag_lines[t] for f, t in FIELD_TAGS.items() if t in tag_lines}
        out.append(RawReference(start, flat, field_lines))
    return out


def _type_of_reference(entry: ResearchEntry) -> str:
    if entry.isbn:
        return "BOOK"
    if entry.type.value in ("guidance", "grey_report"):
        return "RPRT"
    return "JOUR" if entry.container else "ELEC"


def write_ris(entries: Iterable[ResearchEntry]) -> str:
    """RIS text for ``entries``; :func:`read_ris` reads it back to the same entries."""
    refs = []
    for entry in entries:
        flat = flat_from_entry(entry)
        ref: dict[str, Any] = {"type_of_reference": _type_of_reference(entry)}
        keys = {
            "id": "id",
            "title": "title",
            "authors": "authors",
            "year": "year",
            "volume": "volume",
            "issue": "number",
            "doi": "doi",
            "isbn": "issn",
            "summary": "abstract",
            "tags": "keywords",
            "findings": "notes",
            "type": "type_of_work",
            "appraisal_tool": "custom1",
            "appraisal_rating": "custom2",
            "reviewed_by": "custom3",
            "reviewed_on": "custom4",
            "topics": "custom5",
            "source_keys": "custom6",
            "status": "custom7",
            "citation_note": "custom8",
        }
        for name, key in keys.items():
            value = flat[name]
            if name in _JOINED:
                value = "; ".join(value)
            if value:
                ref[key] = value
        if flat["container"]:
            ref["journal_name" if ref["type_of_reference"] == "JOUR" else "publisher"] = flat[
                "container"
            ]
        if flat["url"]:
            ref["urls"] = [flat["url"]]
        if flat["pages"]:
            ref["start_page"] = flat["pages"]
        refs.append(ref)
    return rispy.dumps(refs)
