"""A map of segments by local authority (or any area), drawn offline from a boundary file.

The boundary file (GeoJSON or TopoJSON, e.g. ``../shared/data/boundaries/``) is an input:
it is read when the chart is made and put inline in the spec, never copied into healthgap.
vl-convert renders the ``geoshape`` marks with no browser and no map tiles.

>>> import pandas as pd
>>> segment_names(pd.Series([1, 2]), None).tolist()
['Segment 1', 'Segment 2']
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.polygon import orient

from healthgap.errors import InputError
from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records

__all__ = ["ECOLOGICAL", "segment_map_chart", "segment_names"]

ECOLOGICAL = "Segments describe areas, not the people in them"


def segment_names(segments: pd.Series, names: pd.DataFrame | None) -> pd.Series:
    """The display name of each segment (``names`` from ``suggest_names``), or "Segment n"."""
    if names is None:
        return "Segment " + segments.astype(str)
    lookup = dict(zip(names["segment"].astype(str), names["name"], strict=True))
    return segments.astype(str).map(lookup).fillna("Segment " + segments.astype(str))


def _palette(n: int) -> dict[str, Any]:
    return {"range": list(OKABE_ITO[:n])} if n <= len(OKABE_ITO) else {"scheme": "tableau20"}


def _read_boundaries(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The boundary file's JSON and its Vega-Lite data format (GeoJSON or TopoJSON)."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"no boundary file at {file}", rule="file_not_found")
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{file.name} is not JSON: {exc}", rule="unreadable_file") from None
    if content.get("type") == "Topology":
        feature = next(iter(content.get("objects", {})), None)
        if feature is None:
            raise InputError(f"{file.name} has no TopoJSON objects", rule="unreadable_file")
        return content, {"type": "topojson", "feature": feature}
    if content.get("type") == "FeatureCollection":
        return _d3_winding(content), {"type": "json", "property": "features"}
    raise InputError(f"{file.name} is neither GeoJSON nor TopoJSON", rule="unreadable_file")


def _d3_winding(collection: dict[str, Any]) -> dict[str, Any]:
    """The features with exterior rings clockwise, as Vega's d3 geography needs them.

    GeoJSON (RFC 7946) winds exterior rings anticlockwise, and files written from R's sf
    do; d3 reads such a ring as the whole globe minus the area. Orienting every polygon
    with shapely makes either kind of file draw correctly.
    """
    features = []
    for feature in collection.get("features", []):  # a few hundred areas
        geometry = feature.get("geometry")
        if geometry and geometry.get("type") in ("Polygon", "MultiPolygon"):
            polygons = shape(geometry)
            parts = polygons.geoms if polygons.geom_type == "MultiPolygon" else [polygons]
            turned = [orient(p, sign=-1.0) for p in parts]
            shaped = turned[0] if geometry["type"] == "Polygon" else MultiPolygon(turned)
            geometry = json.loads(json.dumps(mapping(shaped)))
        features.append({**feature, "geometry": geometry})
    return {**collection, "features": features}


def segment_map_chart(
    shares: pd.DataFrame,
    boundaries: str | os.PathLike[str],
    *,
    code_property: str = "code",
    name_property: str = "name",
    names: pd.DataFrame | None = None,
    synthetic: bool = False,
    title: str = "Largest segment in each local authority",
) -> dict[str, Any]:
    """A map of the dominant segment of each area (e.g. local authority).

    ``shares`` is :func:`~healthgap.insight.profiles.segment_shares` output; ``boundaries``
    the path of a GeoJSON or TopoJSON file whose features carry the area code in the
    property ``code_property`` (``code`` in ``../shared/data/boundaries/*.geojson``,
    ``LAD13CD`` in the 2013 TopoJSON). Areas without a segment are drawn in grey.
    """
    content, data_format = _read_boundaries(boundaries)
    dominant = shares[shares["dominant"]].copy()
    dominant["segment_name"] = segment_names(dominant["segment"], names)
    dominant["share_text"] = (dominant["share"] * 100).round(0).astype(int).astype(str) + "%"
    order = list(dict.fromkeys(dominant.sort_values("segment")["segment_name"]))
    lookup = records(dominant[["parent_code", "segment_name", "share_text"]])
    key = f"properties.{code_property}"
    return {
        **STYLE,
        "description": f"Map: {title}, one colour per segment.",
        "title": chart_title(title, ECOLOGICAL, synthetic),
        "width": 420,
        "height": 480,
        "data": {"values": content, "format": data_format},
        "transform": [
            {
                "lookup": key,
                "from": {
                    "data": {"values": lookup},
                    "key": "parent_code",
                    "fields": ["segment_name", "share_text"],
                },
            },
            {"calculate": "datum.segment_name || 'no segment'", "as": "segment_shown"},
        ],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.3},
        "encoding": {
            "color": {
                "field": "segment_shown",
                "type": "nominal",
                "title": "Largest segment",
                "scale": {
                    "domain": [*order, "no segment"],
                    **_merge_range(_palette(len(order)), "#bdbdbd"),
                },
                "legend": {"orient": "bottom", "columns": 1, "labelLimit": 400},
            },
            "tooltip": [
                {"field": f"properties.{name_property}", "title": "area"},
                {"field": "segment_shown", "title": "largest segment"},
                {"field": "share_text", "title": "share of residents"},
            ],
        },
    }


def _merge_range(palette: dict[str, Any], grey: str) -> dict[str, Any]:
    if "range" in palette:
        return {"range": [*palette["range"], grey]}
    return palette
