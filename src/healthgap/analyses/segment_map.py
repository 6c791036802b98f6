"""Which shapes a segment map is drawn on: the workspace's own (the SYNTHETIC demo's), a
boundary file, or the file of a boundary folder (e.g. ``../shared/data/boundaries``) that
holds most of the areas.

A boundary file's features may name their code in any property (``code`` in the shared
GeoJSON files, ``LAD13CD`` in the 2013 TopoJSON): the property holding most of the wanted
codes is used, and the map says how many areas it could not draw.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthgap.analyses.insight_inputs import workspace_boundaries
from healthgap.analyses.source import Source
from healthgap.errors import InputError

__all__ = ["MapShapes", "find_shapes"]

SUFFIXES = (".geojson", ".topojson", ".json")


@dataclass(frozen=True)
class MapShapes:
    """Shapes ready for :func:`healthgap.reports.insight_map.segment_map_chart`."""

    content: dict[str, Any]
    code_property: str
    name_property: str
    source: str
    matched: int


def _features(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    if content.get("type") == "Topology":
        return [
            geometry.get("properties") or {}
            for topic in content.get("objects", {}).values()
            for geometry in topic.get("geometries", [])
        ]
    return [feature.get("properties") or {} for feature in content.get("features", [])]


def _best_property(content: Mapping[str, Any], codes: set[str]) -> tuple[str, str, int]:
    """The property naming most of ``codes``, a name property beside it, and the count."""
    properties = _features(content)
    counts: dict[str, int] = {}
    for props in properties:  # a few hundred features
        for key, value in props.items():
            if isinstance(value, str) and value in codes:
                counts[key] = counts.get(key, 0) + 1
    if not counts:
        return "", "", 0
    code = max(counts, key=lambda key: counts[key])
    keys = {key for props in properties for key in props}
    stem = code[:-2] if code.upper().endswith("CD") else ""
    name = next(
        (k for k in (f"{stem}NM", f"{stem}nm", "name", "NAME") if k in keys and k != code), code
    )
    return code, name, counts[code]


def _read(path: Path) -> dict[str, Any] | None:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return content if isinstance(content, dict) else None


def _candidates(boundaries: str | os.PathLike[str]) -> list[Path]:
    where = Path(boundaries)
    if where.is_dir():
        return sorted(p for p in where.iterdir() if p.suffix.lower() in SUFFIXES)
    if where.is_file():
        return [where]
    raise InputError(f"no boundary file or folder at {where}", rule="file_not_found")


def find_shapes(
    source: Source | None,
    codes: Iterable[str],
    level: str,
    boundaries: str | os.PathLike[str] | None = None,
) -> MapShapes | None:
    """Shapes holding the areas ``codes`` (at ``level``): from ``boundaries`` (a file, or
    the best file of a folder) when given, else the workspace's own; None when nothing
    holds any of them."""
    wanted = {str(c) for c in codes}
    if boundaries is None:
        own = workspace_boundaries(source, level)
        if own is None:
            return None
        code, name, matched = _best_property(own, wanted)
        if not matched:
            return None
        return MapShapes(own, code, name, "the workspace's own area shapes", matched)
    best: MapShapes | None = None
    for path in _candidates(boundaries):  # a handful of files
        content = _read(path)
        if content is None:
            continue
        code, name, matched = _best_property(content, wanted)
        if matched and (best is None or matched > best.matched):
            best = MapShapes(content, code, name, path.name, matched)
    return best
