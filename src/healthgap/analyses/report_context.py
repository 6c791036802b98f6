"""What the sections of one report share while it is built: the source, the area, the
results computed once (the profile), and the tables and charts gathered so far.

Report tables are in words: plain-English column headers and figures formatted by
:mod:`healthgap.reports.formatting`, the same strings the sentences quote.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from healthgap.analyses.profile import profile_area
from healthgap.analyses.source import Source
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.report_document import ChartRef, ReportSection
from healthgap.reports.report_words import omitted_note

__all__ = ["SECTION_HEADINGS", "ReportContext", "omitted"]

#: The heading of each kind of section.
SECTION_HEADINGS = {
    "headline": "Life expectancy and healthy life expectancy",
    "within_area": "The gap inside the area",
    "trend": "The gap over time and the target",
    "contributions": "What makes up the gap: ages and causes",
    "flags": "Flags from area rules",
    "plan": "What a plan could do",
    "assessment": "Self-assessment",
    "equity_audit": "Equity audit",
    "segments": "Population segments",
    "practice": "Practice examples",
}


@dataclass
class ReportContext:
    """The state of one report being built (see the module docstring)."""

    source: Source
    area: str
    area_name: str
    level: str
    period: str | None = None
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    methods: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parameters: list[pd.DataFrame] = field(default_factory=list)
    _profile: ResultBundle | None = None

    def profile(self) -> ResultBundle:
        """The area profile, computed once for every section that needs it."""
        if self._profile is None:
            self._profile = self.used(profile_area(self.source, self.area, period=self.period))
        return self._profile

    def shared(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """A result that does not depend on the area (the same for every report of a run):
        computed once per source when it remembers results, else now. The warnings its
        computation raised are raised again at each use, so every report says them."""
        remember = getattr(self.source, "remember", None)
        if remember is None:
            return compute()
        value, raised = remember(key, lambda: _recording_warnings(compute))
        for category, message in raised:
            warnings.warn(message, category, stacklevel=2)
        return value

    def used(self, bundle: ResultBundle) -> ResultBundle:
        """Record a use case's methods and warnings as the report's own."""
        self.methods += [m for m in bundle.provenance.methods if m not in self.methods]
        self.warnings += [w for w in bundle.warnings if w not in self.warnings]
        return bundle

    def table(self, key: str, name: str, frame: pd.DataFrame, title: str) -> str:
        """Keep a table in words as ``<key>__<name>``; returns that name."""
        full = f"{key}__{name}"
        self.tables[full] = Table(frame.reset_index(drop=True), title, metadata={"section": key})
        return full

    def chart(self, key: str, name: str, spec: dict[str, Any], table: str) -> ChartRef:
        """Keep a chart as ``<key>__<name>`` with the table that holds its data."""
        full = f"{key}__{name}"
        self.charts[full] = spec
        description = str(spec.get("description") or self.tables[table].title)
        return ChartRef(full, table, description)


def _recording_warnings(compute: Callable[[], Any]) -> tuple[Any, list[tuple[type, str]]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = compute()
    return value, [(w.category, str(w.message)) for w in caught]


def omitted(key: str, kind: str, heading: str, reason: str) -> ReportSection:
    """A section left out, with the visible note saying why."""
    return ReportSection(key, kind, heading, note=omitted_note(heading, reason), omitted=True)
