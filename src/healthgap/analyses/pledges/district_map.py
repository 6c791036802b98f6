"""The pledge map of a campaign, drawn on the server: the controlled district table as
circles at the districts' centres, over the local authority outlines of the app's boundary
file when it has one (``Settings.boundaries``, e.g. ``../shared/data/boundaries``; the
product ships none), rendered to SVG by vl-convert so the public page needs no script.

A boundary file is read once per process; the first GeoJSON file of the folder (newest
name first, so ``lad_24`` before ``lad_19``) whose features name the campaign's area code is
used, the area shaded. Rendered maps are kept by their spec, so the page's few-second cache
redraws nothing until a rounded count changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry import shape

from healthgap.engage.campaigns import Campaign
from healthgap.reports.pledge_map import district_map_chart, map_extent, nearby_outlines
from healthgap.reports.render import chart_svg

__all__ = ["DistrictMap", "district_map", "district_map_spec"]

SUFFIXES = (".geojson", ".json")
COLUMNS = ("postcode_district", "count", "latitude", "longitude")


@dataclass(frozen=True)
class DistrictMap:
    """A drawn pledge map: its spec, its SVG and what it shows in words."""

    spec: dict[str, Any]
    svg: str
    description: str
    outlined: bool


@dataclass(frozen=True)
class _Boundaries:
    content: dict[str, Any]
    code_property: str
    name_property: str


def _geojson_files(where: Path) -> list[Path]:
    if where.is_dir():
        files = [p for p in where.iterdir() if p.suffix.lower() in SUFFIXES]
        return sorted(files, key=lambda p: p.name, reverse=True)
    return [where] if where.is_file() else []


@lru_cache(maxsize=16)
def _read(path: str, modified: float) -> dict[str, Any] | None:  # noqa: ARG001
    # ``modified`` is part of the cache key: a replaced file is read again
    try:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    ok = isinstance(content, dict) and content.get("type") == "FeatureCollection"
    return content if ok else None


def _boundaries_holding(boundaries: str | os.PathLike[str], code: str) -> _Boundaries | None:
    """The first GeoJSON boundary file whose features name ``code``, and the properties
    holding the codes and the names."""
    for path in _geojson_files(Path(boundaries)):  # a handful of files
        content = _read(str(path), path.stat().st_mtime)
        if content is None:
            continue
        for feature in content.get("features", []):
            properties = feature.get("properties") or {}
            key = next((k for k, v in properties.items() if v == code), None)
            if key is not None:
                stem = key[:-2] if key.upper().endswith("CD") else ""
                names = (f"{stem}NM", f"{stem}nm", "name", "NAME")
                name = next((n for n in names if n in properties and n != key), key)
                return _Boundaries(content, key, name)
    return None


def district_map_spec(
    campaign: Campaign,
    table: pd.DataFrame,
    notes: Sequence[str],
    *,
    boundaries: str | os.PathLike[str] | None = None,
    titled: bool = True,
) -> dict[str, Any] | None:
    """The map's Vega-Lite spec for a controlled district table (``postcode_district``,
    ``count``, ``latitude``, ``longitude``) and its disclosure ``notes``, or ``None`` when no
    district can be drawn."""
    return _spec(campaign.place_code, campaign.title, table, notes, boundaries, titled)


def _spec(
    place_code: str,
    title: str,
    table: pd.DataFrame,
    notes: Sequence[str],
    boundaries: str | os.PathLike[str] | None,
    titled: bool,
) -> dict[str, Any] | None:
    extent = map_extent(table)
    if extent is None:
        return None
    outlines = None
    found = _boundaries_holding(boundaries, place_code) if boundaries else None
    if found is not None:
        home = [
            f for f in found.content["features"]
            if (f.get("properties") or {}).get(found.code_property) == place_code
        ]  # fmt: skip
        extent = map_extent(table, _bounds(home)) or extent
        outlines = nearby_outlines(
            found.content,
            code_property=found.code_property,
            name_property=found.name_property,
            extent=extent,
            home_code=place_code,
        )
    spec = district_map_chart(
        table, list(notes), campaign_title=title, outlines=outlines, extent=extent
    )
    if not titled:
        spec.pop("title")
    return spec


def _bounds(features: list[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    if not features:
        return None
    west, south, east, north = shape(features[0]["geometry"]).bounds
    return west, south, east, north


def district_map(
    campaign: Campaign,
    table: pd.DataFrame,
    notes: Sequence[str],
    *,
    boundaries: str | os.PathLike[str] | None = None,
    titled: bool = True,
) -> DistrictMap | None:
    """The drawn map (see :func:`district_map_spec`), or ``None`` with nothing to draw.
    Maps are kept by what they show, so a page redraws one only when a count changes."""
    rows = tuple(table[list(COLUMNS)].itertuples(index=False, name=None))
    where = str(boundaries) if boundaries is not None else None
    return _drawn(campaign.place_code, campaign.title, rows, tuple(notes), where, titled)


@lru_cache(maxsize=32)
def _drawn(
    place_code: str,
    title: str,
    rows: tuple[tuple[Any, ...], ...],
    notes: tuple[str, ...],
    boundaries: str | None,
    titled: bool,
) -> DistrictMap | None:
    table = pd.DataFrame(list(rows), columns=list(COLUMNS))
    spec = _spec(place_code, title, table, notes, boundaries, titled)
    if spec is None:
        return None
    return DistrictMap(
        spec=spec,
        svg=chart_svg(spec),
        description=spec["description"],
        outlined=spec["layer"][0]["mark"]["type"] == "geoshape",
    )
