"""CSV for the research library (read and write) and for the case-study bank (write).

One row per entry, one column per flat field (see :mod:`healthgap.practice.flat`). Lists are
joined with ``"; "``; findings, one per line, share one cell. A cell that a spreadsheet would run
as a formula (starting ``=``, ``+``, ``-``, ``@``) is written with a leading apostrophe, which
:func:`read_research_csv` removes again.

Row numbers in problems count the header as row 1, as a spreadsheet does.

>>> raws = read_research_csv("id,title,year\\nx1,A study,2007\\n", file="r.csv")
>>> raws[0].line, raws[0].flat["title"]
(2, 'A study')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from healthgap.data.csv_export import neutralise_cell, restore_cell
from healthgap.errors import InputError, Problem
from healthgap.practice.case_study import CaseStudy
from healthgap.practice.flat import FLAT_LISTS, RawReference, flat_from_entry
from healthgap.practice.research import ResearchEntry

__all__ = ["RESEARCH_COLUMNS", "read_research_csv", "write_case_studies_csv", "write_research_csv"]

RESEARCH_COLUMNS = (
    "id",
    "title",
    "authors",
    "year",
    "type",
    "container",
    "volume",
    "issue",
    "pages",
    "doi",
    "isbn",
    "url",
    "summary",
    "findings",
    "tags",
    "topics",
    "source_keys",
    "appraisal_tool",
    "appraisal_rating",
    "status",
    "reviewed_by",
    "reviewed_on",
    "citation_note",
)


_cell = neutralise_cell  # formula-looking text is quoted on the way out (data.csv_export)
_uncell = restore_cell  # and unquoted on the way back in


def _joined(name: str, values: list[str]) -> str:
    return ("\n" if name == "findings" else "; ").join(values)


def write_research_csv(entries: Iterable[ResearchEntry]) -> str:
    """CSV text of ``entries`` with the columns :data:`RESEARCH_COLUMNS`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RESEARCH_COLUMNS)
    for entry in entries:
        flat = flat_from_entry(entry)
        writer.writerow(
            _cell(_joined(c, flat[c]) if c in FLAT_LISTS else str(flat[c]))
            for c in RESEARCH_COLUMNS
        )
    return buffer.getvalue()


def read_research_csv(text: str, *, file: str) -> list[RawReference]:
    """Rows of a research CSV as flat fields; unknown or missing columns raise InputError."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    problems = [
        Problem(file, 1, name, "unknown_column", f"{name!r} is not one of {list(RESEARCH_COLUMNS)}")
        for name in header
        if name not in RESEARCH_COLUMNS
    ]
    problems += [
        Problem(file, 1, name, "missing_column", f"the column {name!r} is required")
        for name in ("title",)
        if name not in header
    ]
    if problems:
        raise InputError(problems)
    reader.fieldnames = header
    out: list[RawReference] = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise InputError(
                [Problem(file, number, None, "extra_cells", "more cells than columns")]
            )
        flat: dict[str, Any] = {}
        for name, value in row.items():
            value = _uncell((value or "").strip())
            if name in FLAT_LISTS:
                separator = "\n" if name == "findings" else ";"
                flat[name] = [v.strip() for v in value.split(separator) if v.strip()]
            else:
                flat[name] = value
        if any(flat.values()):
            out.append(RawReference(number, flat, dict.fromkeys(flat, number)))
    if not out:
        raise InputError([Problem(file, None, None, "no_references", "no rows found")])
    return out


CASE_STUDY_COLUMNS = (
    "id",
    "title",
    "status",
    "evidence",
    "place_codes",
    "place_name",
    "topics",
    "triangle_parts",
    "population_groups",
    "framework_items",
    "intervention_ids",
    "problem",
    "aim",
    "what_was_done",
    "reach",
    "results",
    "figures",
    "costs",
    "evaluation_design",
    "evidence_note",
    "learning",
    "transferability",
    "contact",
    "links",
    "citation",
    "review_by",
    "reviewed_by",
    "reviewed_on",
)


def write_case_studies_csv(cases: Iterable[CaseStudy]) -> str:
    """CSV text of case studies, one row each (figures, contact and links as readable text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CASE_STUDY_COLUMNS)
    for case in cases:
        data = case.to_mapping()
        data["figures"] = "\n".join(
            f"{f.measure}: {f.reported}" + (f" ({f.comparison})" if f.comparison else "")
            for f in case.figures
        )
        data["contact"] = ", ".join(v for v in vars(case.contact).values() if v)
        data["links"] = "\n".join(f"{link.label}: {link.url}" for link in case.links)
        row = []
        for column in CASE_STUDY_COLUMNS:
            value = data[column]
            value = (
                "; ".join(value) if isinstance(value, list) else ("" if value is None else value)
            )
            row.append(_cell(str(value)))
        writer.writerow(row)
    return buffer.getvalue()
