"""What the insight use cases read: indicator sources, weights, parents, boundaries, user
files, and the provenance of each.

An :class:`IndicatorSource` says where a segmentation's indicators come from, as plain data
that is stored with a run (the workspace's ``area_indicators`` table, the IMD domains of an
LSOA file, or any wide file of indicators), so that the run can be read again and repeated.
User files are read through the data layer's readers, so every problem names the file, the
spreadsheet row and the column.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.analyses.source import Source
from healthgap.data.readers import ROW, read_table_file
from healthgap.errors import InputError, Problem
from healthgap.insight import (
    JoinedIndicators,
    indicator_table,
    join_indicators,
    read_imd_domains,
    read_indicator_file,
)
from healthgap.periods import Period
from healthgap.reports.bundle import Provenance

__all__ = [
    "INDICATOR_KINDS",
    "IndicatorSource",
    "area_population",
    "file_digest",
    "insight_provenance",
    "parents_of",
    "read_indicators",
    "read_parent_lookup",
    "read_segment_file",
    "workspace_boundaries",
]

INDICATOR_KINDS = ("workspace", "imd", "file")
WORKSPACE_INDICATORS = "area_indicators"


@dataclass(frozen=True)
class IndicatorSource:
    """One source of indicators: ``kind`` is ``workspace`` (a table of the workspace),
    ``imd`` (the IMD domain scores or ranks of an LSOA file) or ``file`` (a wide CSV, Excel
    or Parquet file); ``columns`` restricts the indicators (all numeric ones by default)."""

    kind: str = "workspace"
    path: str | None = None
    table: str = WORKSPACE_INDICATORS
    columns: tuple[str, ...] = ()
    measure: str = "score"
    sha256: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "columns": list(self.columns)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndicatorSource:
        return cls(**{**data, "columns": tuple(data.get("columns", ()))})

    @property
    def label(self) -> str:
        if self.kind == "workspace":
            return f"the workspace's {self.table} table"
        name = Path(self.path or "").name
        return f"IMD domain {self.measure}s of {name}" if self.kind == "imd" else name


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (provenance of user files)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_source(spec: IndicatorSource, source: Source | None) -> None:
    if spec.kind not in INDICATOR_KINDS:
        raise InputError(
            [
                Problem(
                    "<arguments>",
                    None,
                    "indicators",
                    "unknown_source",
                    f"indicators come from {', '.join(INDICATOR_KINDS)}, not {spec.kind!r}",
                )
            ]
        )
    if spec.kind == "workspace" and (source is None or not source.has(spec.table)):
        raise InputError(
            [
                Problem(
                    spec.table,
                    None,
                    None,
                    "missing_table",
                    f"the workspace has no {spec.table} table; import one or give a file",
                )
            ]
        )
    if spec.kind != "workspace" and not spec.path:
        raise InputError(
            [Problem("<arguments>", None, "indicators", "missing_file", "give the file's path")]
        )


def read_indicators(
    source: Source | None, specs: Sequence[IndicatorSource]
) -> tuple[JoinedIndicators, list[IndicatorSource]]:
    """The indicators of every source joined by area (vintages and codes checked), and the
    sources with the content hash of each file read."""
    tables, read = [], []
    for spec in specs:
        _check_source(spec, source)
        if spec.kind == "workspace":
            assert source is not None
            frame = source.read(spec.table, None, None)
            tables.append(
                indicator_table(
                    frame, name=spec.table, columns=list(spec.columns) or None, vintage=None
                )
            )
            read.append(spec)
            continue
        path = Path(str(spec.path))
        if spec.kind == "imd":
            table = read_imd_domains(path, measure=spec.measure)
        else:
            table = read_indicator_file(path, columns=list(spec.columns) or None)
        tables.append(table)
        read.append(IndicatorSource.from_dict({**spec.to_dict(), "sha256": file_digest(path)}))
    return join_indicators(tables), read


def area_population(
    source: Source | None, codes: pd.Index, year: str | None = None
) -> tuple[pd.Series | None, str]:
    """Each area's population in the workspace's latest year (the weights of a segmentation
    and its profiles; one stored year, so nothing is pooled), or None when the workspace
    lacks any of the areas. ``year`` reads that stored period instead (a recorded run's)."""
    if source is None or not source.has("population"):
        return None, ""
    period = Period.parse(year) if year else Period.latest(source.periods("population"), width=1)
    if period is None:
        return None, ""
    rows = source.read("population", list(codes), period)
    if rows.empty:
        return None, ""
    people = rows.groupby(rows["area_code"].astype(str), observed=True)["person_years"].sum()
    if not codes.isin(people.index).all():
        return None, ""
    return people.reindex(codes).astype(float), period.label


def parents_of(source: Source | None, codes: pd.Index, level: str) -> pd.Series | None:
    """The parent (``parent_<level>``) of each area from the workspace's areas table; None
    when the workspace does not know the areas or their parents."""
    if source is None:
        return None
    areas = source.areas()
    column = f"parent_{level}"
    if column not in areas.columns:
        return None
    known = areas.set_index(areas["area_code"].astype(str))[column]
    found = known.reindex(codes)
    return None if found.isna().any() else found.astype(str)


def read_parent_lookup(path: str | Path, column: str | None = None) -> pd.Series:
    """Each area's parent from a lookup file: its first code column (``*_code`` or
    ``*CD``) is the area, ``column`` (default the second code column) the parent."""
    frame = read_table_file(path)
    codes = [c for c in frame.columns if str(c).lower().endswith(("_code", "cd"))]
    parent = column or (codes[1] if len(codes) > 1 else None)
    if not codes or parent is None or parent not in frame.columns:
        raise InputError(
            [
                Problem(
                    Path(path).name,
                    None,
                    column,
                    "missing_column",
                    "the lookup needs an area code column and a parent code column "
                    "(name it with --parent-column)",
                )
            ]
        )
    return frame.set_index(frame[codes[0]].astype(str))[parent].astype(str)


def read_segment_file(path: str | Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Area -> segment and the segments' names from a ``segments.csv`` written by
    ``healthgap segment`` (or any file with ``area_code``, ``segment`` and ``name``)."""
    frame = read_table_file(path)
    absent = [c for c in ("area_code", "segment") if c not in frame.columns]
    if absent:
        raise InputError(
            [
                Problem(Path(path).name, None, c, "missing_column", f"column {c!r} is missing")
                for c in absent
            ]
        )
    empty = frame["segment"].astype(str).str.strip().eq("")
    if empty.any():
        raise InputError(
            [
                Problem(Path(path).name, int(row), "segment", "missing_value", "is empty")
                for row in frame.loc[empty, ROW].head(1000)
            ]
        )
    labels = dict(zip(frame["area_code"].astype(str), frame["segment"].astype(str), strict=True))
    named = frame.drop_duplicates("segment")
    names = [
        {"segment": str(s), "name": str(n) if "name" in frame.columns else f"Segment {s}"}
        for s, n in zip(named["segment"], named.get("name", named["segment"]), strict=True)
    ]
    return labels, names


def workspace_boundaries(source: Source | None, level: str) -> dict[str, Any] | None:
    """The workspace's own shapes of the areas at ``level`` (the demo's SYNTHETIC ones) as a
    GeoJSON FeatureCollection, or None."""
    if source is None or not source.has("area_boundaries"):
        return None
    shapes = source.read("area_boundaries", None, None)
    shapes = shapes[shapes["level"].astype(str) == level]
    if shapes.empty:
        return None
    features = [
        {
            "type": "Feature",
            "properties": {"code": str(code), "name": str(name)},
            "geometry": json.loads(geometry),
        }
        for code, name, geometry in shapes[["area_code", "area_name", "geometry"]].itertuples(
            index=False
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def insight_provenance(source: Source | None, files: Sequence[str | Path], *methods: str):
    """Provenance of a result: the workspace (if any) and the hash of every file read."""
    hashes = dict(source.hashes()) if source is not None else {}
    hashes |= {f"file {Path(f).name}": file_digest(f) for f in files if Path(f).is_file()}
    names = [source.name] if source is not None else []
    names += [Path(f).name for f in files]
    return Provenance(
        source=", ".join(names) or "files",
        hashes=hashes,
        methods=tuple(m for m in methods if m),
        synthetic=bool(source is not None and source.is_synthetic),
    )
