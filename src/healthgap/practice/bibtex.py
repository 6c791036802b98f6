"""BibTeX reading and writing with ``bibtexparser`` (v2) and ``pylatexenc`` for LaTeX accents.

Blocks that ``bibtexparser`` cannot read (an unclosed brace, a repeated key or field) become
problems naming the line: ``malformed_entry``, ``duplicate_key``, ``duplicate_field``.

Values are decoded from LaTeX (``{\\"o}`` → ö, ``\\&`` → &) with the typographic shortcuts
(``--``, ``''``) left as typed, so text written by :func:`write_bibtex` reads back unchanged.
Authors are split on `` and `` outside braces, as BibTeX does; a corporate author holding the
word "and" is written in braces. Our own fields use the names ``researchtype``, ``findings``,
``appraisaltool``, ``appraisalrating``, ``reviewer``, ``reviewed``, ``topics``, ``sourcekeys``,
``status`` and ``citationnote``; ``keywords`` holds the tags, separated by semicolons.

>>> refs = read_bibtex("@article{doll2004, title = {Mortality in {B}ritish doctors}, year = 2004}",
...                    file="x.bib")
>>> refs[0].flat["id"], refs[0].flat["title"], refs[0].line
('doll2004', 'Mortality in British doctors', 1)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import bibtexparser
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
)
from pylatexenc import latexencode
from pylatexenc.latex2text import LatexNodes2Text, get_default_latex_context_db

from healthgap.errors import InputError, Problem
from healthgap.practice.flat import RawReference, flat_from_entry
from healthgap.practice.research import ResearchEntry

__all__ = ["read_bibtex", "write_bibtex"]

_DECODER = LatexNodes2Text(
    latex_context=get_default_latex_context_db().filter_context(
        exclude_categories=["nonascii-specials"]
    ),
    math_mode="verbatim",
)
# Only the characters special to BibTeX/LaTeX are escaped; every other character, accented or
# not, is written as UTF-8 (as biber and modern BibTeX tools read it), so it reads back exactly.
_ENCODER = latexencode.UnicodeToLatexEncoder(
    conversion_rules=[
        latexencode.UnicodeToLatexConversionRule(
            latexencode.RULE_DICT,
            {
                ord("\\"): r"\textbackslash{}",
                ord("{"): r"\{",
                ord("}"): r"\}",
                ord("$"): r"\$",
                ord("&"): r"\&",
                ord("#"): r"\#",
                ord("%"): r"\%",
                ord("_"): r"\_",
                ord("~"): r"\textasciitilde{}",
                ord("^"): "{^}",
                ord('"'): '{"}',
            },
        )
    ],
    non_ascii_only=False,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)
# pylatexenc logs every unknown macro of a foreign file; the problems we report are enough.
logging.getLogger("pylatexenc").setLevel(logging.ERROR)

#: our flat field -> BibTeX field
FIELDS = {
    "title": "title",
    "year": "year",
    "volume": "volume",
    "issue": "number",
    "pages": "pages",
    "doi": "doi",
    "isbn": "isbn",
    "url": "url",
    "summary": "abstract",
    "type": "researchtype",
    "appraisal_tool": "appraisaltool",
    "appraisal_rating": "appraisalrating",
    "reviewed_by": "reviewer",
    "reviewed_on": "reviewed",
    "status": "status",
    "citation_note": "citationnote",
}
_CONTAINERS = (
    "journal",
    "booktitle",
    "publisher",
    "institution",
    "organization",
    "school",
    "howpublished",
)
_LISTS = {
    "tags": ("keywords", ";"),
    "topics": ("topics", ";"),
    "source_keys": ("sourcekeys", ";"),
    "findings": ("findings", "\n"),
}


def _split_authors(value: str) -> list[str]:
    """Split on `` and `` at brace depth 0, then decode each name."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    return [n for n in (_DECODER.latex_to_text(name).strip() for name in names) if n]


def _failed_block_problem(block: Any, file: str) -> Problem:
    line = (block.start_line or 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        return Problem(file, line, "id", "duplicate_key", f"the key {block.key!r} is used twice")
    if isinstance(block, DuplicateFieldKeyBlock):
        return Problem(file, line, None, "duplicate_field", "an entry gives the same field twice")
    error = getattr(block, "error", None)
    detail = str(error).splitlines()[0] if error is not None and str(error) else "cannot be read"
    return Problem(file, line, None, "malformed_entry", f"this entry {detail}")


def _flat(entry: Entry) -> tuple[dict[str, Any], dict[str, int]]:
    fields = {f.key.lower(): f for f in entry.fields}

    def text(name: str) -> str:
        return _DECODER.latex_to_text(str(fields[name].value)).strip() if name in fields else ""

    flat: dict[str, Any] = {"id": entry.key}
    for ours, theirs in FIELDS.items():
        flat[ours] = text(theirs)
    flat["pages"] = flat["pages"].replace("--", "-")
    flat["authors"] = _split_authors(str(fields["author"].value)) if "author" in fields else []
    flat["container"] = next((text(name) for name in _CONTAINERS if name in fields), "")
    for ours, (theirs, separator) in _LISTS.items():
        value = text(theirs)
        if ours == "tags" and ";" not in value:
            separator = ","  # keywords written by other tools are comma-separated
        flat[ours] = [v.strip() for v in value.split(separator) if v.strip()]
    lines = {"id": entry.start_line + 1}
    for ours, theirs in {
        **FIELDS,
        "authors": "author",
        **{k: v[0] for k, v in _LISTS.items()},
    }.items():
        if theirs in fields and fields[theirs].start_line is not None:
            lines[ours] = fields[theirs].start_line + 1
    return flat, lines


def read_bibtex(text: str, *, file: str) -> list[RawReference]:
    """Every entry of a BibTeX text as flat fields; blocks that fail raise :class:`InputError`."""
    library = bibtexparser.parse_string(text)
    problems = [_failed_block_problem(block, file) for block in library.failed_blocks]
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.row or 0))
    if not library.entries:
        raise InputError([Problem(file, None, None, "no_references", "no entry found")])
    out = []
    for entry in library.entries:
        flat, lines = _flat(entry)
        out.append(RawReference(entry.start_line + 1, flat, lines))
    return out


def _entry_type(entry: ResearchEntry) -> tuple[str, str]:
    """BibTeX entry type and the field that holds the container."""
    if entry.isbn:
        return "book", "publisher"
    if entry.type.value in ("guidance", "grey_report"):
        return "techreport", "institution"
    return ("article", "journal") if entry.container else ("misc", "howpublished")


def _encode(value: str) -> str:
    return _ENCODER.unicode_to_latex(value)


def write_bibtex(entries: Iterable[ResearchEntry]) -> str:
    """BibTeX text for ``entries``; :func:`read_bibtex` reads it back to the same entries."""
    blocks = []
    for entry in entries:
        flat = flat_from_entry(entry)
        kind, container_field = _entry_type(entry)
        fields = [Field("title", _encode(flat["title"]))]
        if flat["authors"]:
            names = [_encode(a) for a in flat["authors"]]
            names = [f"{{{n}}}" if re.search(r"\sand\s", n) else n for n in names]
            fields.append(Field("author", " and ".join(names)))
        if flat["container"]:
            fields.append(Field(container_field, _encode(flat["container"])))
        for ours, theirs in FIELDS.items():
            if ours != "title" and flat[ours]:
                fields.append(Field(theirs, _encode(str(flat[ours]))))
        for ours, (theirs, separator) in _LISTS.items():
            if flat[ours]:
                joiner = "; " if separator == ";" else separator
                fields.append(Field(theirs, _encode(joiner.join(flat[ours]))))
        blocks.append(Entry(kind, entry.id, fields))
    return bibtexparser.write_string(bibtexparser.Library(blocks))
