"""A use case's answer as one value: named tables and charts, metadata and provenance.

Every use case in :mod:`healthgap.analyses` returns a :class:`ResultBundle`; the CLI writes
it to files and the web renders and serves it, both through :mod:`healthgap.reports.outputs`,
so disclosure control and the SYNTHETIC note are applied in one place for every table and
chart.

>>> import pandas as pd
>>> bundle = ResultBundle(
...     question="example",
...     tables={"le": Table(pd.DataFrame({"value": [80.123]}), "life expectancy",
...                         decimals={"value": 1})},
...     charts={"trend": {"title": {"text": "Trend"}}},
...     provenance=Provenance("ws", {"areas": "ab" * 32}, synthetic=True),
... )
>>> bundle.published("le")["value"].tolist(), bundle.chart("trend")["title"]["subtitle"]
([80.1], ['SYNTHETIC data: not real areas'])
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pandas as pd

from healthgap.disclosure import DisclosurePolicy
from healthgap.errors import InputError
from healthgap.reports.chart_style import mark_synthetic
from healthgap.reports.tables import SYNTHETIC_NOTE

__all__ = ["Provenance", "ResultBundle", "Table", "package_version"]


@functools.cache  # reading the installed metadata costs about a millisecond per result
def package_version() -> str:
    try:
        return version("healthgap")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


@dataclass(frozen=True)
class Provenance:
    """Where a result came from: the source, its tables' content hashes, the software and
    methods, and whether any input is SYNTHETIC."""

    source: str
    hashes: Mapping[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = ()
    synthetic: bool = False
    software: str = field(default_factory=lambda: f"healthgap {package_version()}")

    def as_metadata(self) -> dict[str, str]:
        """The provenance lines of every output's metadata."""
        hashed = ", ".join(f"{name} {digest[:12]}" for name, digest in sorted(self.hashes.items()))
        out = {"data": SYNTHETIC_NOTE} if self.synthetic else {}
        out["source"] = f"healthgap workspace {self.source}" + (
            f" (tables hashed {hashed})" if hashed else ""
        )
        if self.methods:
            out["method"] = "; ".join(dict.fromkeys(self.methods))
        out["software"] = self.software
        return out


@dataclass(frozen=True)
class Table:
    """One table of a result: the full-precision frame and how it is published.

    ``columns`` (those present, in that order) and ``decimals`` (rounding by column) give
    the published form; ``fingertips`` holds the options of
    :func:`healthgap.reports.tables.to_fingertips`, or ``None`` when the Fingertips layout
    does not fit the table (e.g. modelled values without confidence limits). ``policy`` is
    the table's own disclosure policy (``None``: the writer's default); ``record_level``
    marks a table of records for analysts, written without disclosure control and labelled
    "not for publication".
    """

    frame: pd.DataFrame
    title: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    columns: Sequence[str] | None = None
    decimals: Mapping[str, int] = field(default_factory=dict)
    fingertips: Mapping[str, Any] | None = None
    policy: DisclosurePolicy | None = None
    record_level: bool = False

    def published(self) -> pd.DataFrame:
        frame = self.frame
        if self.columns is not None:
            frame = frame[[c for c in self.columns if c in frame.columns]]
        rounding = {c: d for c, d in self.decimals.items() if c in frame.columns}
        return frame.round(rounding) if rounding else frame

    def controlled(self) -> tuple[pd.DataFrame, list[str]]:
        """The published table after its disclosure policy, as pages show it, and the notes."""
        if self.record_level:
            return self.published(), []
        return (self.policy or DisclosurePolicy()).apply(self.published())


@dataclass(frozen=True)
class ResultBundle:
    """Named tables and Vega-Lite charts answering one question, with their metadata.

    ``summary`` holds the few values a page or a console shows beside the tables (labels,
    verdicts, headline numbers); ``warnings`` the healthgap warnings raised on the way.
    """

    question: str
    provenance: Provenance
    tables: Mapping[str, Table] = field(default_factory=dict)
    charts: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)
    summary: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def synthetic(self) -> bool:
        return self.provenance.synthetic

    def _table(self, name: str) -> Table:
        if name not in self.tables:
            raise InputError(
                f"no {name!r} table in this result; it has {', '.join(self.tables) or 'none'}",
                rule="unknown_table",
            )
        return self.tables[name]

    def table(self, name: str) -> pd.DataFrame:
        """The full-precision table (for display and further work)."""
        return self._table(name).frame

    def published(self, name: str) -> pd.DataFrame:
        """The table as files publish it (its columns, rounded)."""
        return self._table(name).published()

    def table_info(self, name: str) -> Table:
        return self._table(name)

    def chart(self, name: str) -> dict[str, Any]:
        """A chart's Vega-Lite spec; from SYNTHETIC data its subtitle says so."""
        if name not in self.charts:
            raise InputError(
                f"no {name!r} chart in this result; it has {', '.join(self.charts) or 'none'}",
                rule="unknown_chart",
            )
        spec = self.charts[name]
        return mark_synthetic(spec) if self.synthetic else spec

    def metadata_of(self, name: str) -> dict[str, str]:
        """Everything a file of table ``name`` says about itself (its metadata sheet)."""
        table = self._table(name)
        return {
            "question": self.question,
            "table": table.title,
            **self.metadata,
            **table.metadata,
            **self.provenance.as_metadata(),
        }
