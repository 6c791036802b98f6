"""A report as data: its sections (headings, sentences, tables and charts) and its appendix.

The report builder (:func:`healthgap.analyses.build_report`) returns a
:class:`~healthgap.reports.bundle.ResultBundle` whose tables are the report's tables, already
in words and formatted figures (:mod:`healthgap.reports.formatting`), whose charts are the
report's Vega-Lite specs, and whose ``summary["report"]`` is a :class:`ReportDocument` as
plain JSON (so a report kept by a background job reads back whole). Every writer (HTML,
PDF, Word, PowerPoint) lays out the same document.

:func:`untraceable_numbers` finds any number in a sentence that no table of the report
shows: a report has none (tests hold every template to it).

>>> numbers_in("In 2022-24 it was \u22121.3 years (95% CI 0.4 to 2,081.5), 12%.")
['2022', '24', '1.3', '95', '0.4', '2081.5', '12']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ChartRef",
    "ReportDocument",
    "ReportSection",
    "numbers_in",
    "report_of",
    "untraceable_numbers",
]

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> list[str]:
    """The numbers written in ``text``, without signs or thousands separators."""
    return [match.replace(",", "") for match in _NUMBER.findall(text)]


@dataclass(frozen=True)
class ChartRef:
    """A chart of a section, its text alternative and the table that holds its data."""

    name: str
    table: str
    description: str


@dataclass(frozen=True)
class ReportSection:
    """One section: a heading, its sentences (the first is the slide's message), its tables
    and charts by name, and a note (why it is omitted, or what it lacks)."""

    key: str
    kind: str
    heading: str
    sentences: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    charts: tuple[ChartRef, ...] = ()
    note: str = ""
    omitted: bool = False

    @property
    def message(self) -> str:
        return self.sentences[0] if self.sentences else self.note


@dataclass(frozen=True)
class ReportDocument:
    """The whole report: title, area, template, sections in order and appendix tables."""

    title: str
    area_code: str
    area_name: str
    template: str
    synthetic: bool
    sections: tuple[ReportSection, ...]
    appendix_tables: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    disclosure_note: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ReportDocument:
        sections = tuple(
            ReportSection(
                **{
                    **s,
                    "sentences": tuple(s["sentences"]),
                    "tables": tuple(s["tables"]),
                    "charts": tuple(ChartRef(**c) for c in s["charts"]),
                }
            )
            for s in raw["sections"]
        )
        return cls(
            **{
                **raw,
                "sections": sections,
                "appendix_tables": tuple(raw["appendix_tables"]),
                "methods": tuple(raw["methods"]),
                "notes": tuple(raw["notes"]),
            }
        )


def report_of(bundle: Any) -> ReportDocument:
    """The :class:`ReportDocument` of a report bundle."""
    raw = bundle.summary["report"]
    return raw if isinstance(raw, ReportDocument) else ReportDocument.from_dict(raw)


def untraceable_numbers(bundle: Any) -> list[tuple[str, str]]:
    """``(sentence, number)`` for every number in a sentence of the report that none of
    the section's tables (cells or headers) shows (the area's own name, which may hold
    digits, is not a figure)."""
    document = report_of(bundle)
    missing = []
    for section in document.sections:
        shown: set[str] = set()
        for name in section.tables:
            frame = bundle.table(name)
            texts = [*map(str, frame.columns), *frame.astype(str).to_numpy().ravel()]
            shown |= {n for text in texts for n in numbers_in(text)}
        for sentence in section.sentences:
            figures = numbers_in(sentence.replace(document.area_name, ""))
            missing += [(sentence, n) for n in figures if n not in shown]
    return missing
