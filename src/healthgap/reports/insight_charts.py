"""Vega-Lite v5 charts of insight results (dicts; render with ``render.save_chart``).

- :func:`profile_index_chart`: each segment's index against the whole (= 100) per indicator;
- :func:`segment_map_chart`: the dominant segment of each local authority, drawn offline
  from a boundary file given by path (read when the chart is made, never copied);
- :func:`stage_heatmap_chart`: the segment x stage matrix of one behaviour;
- :func:`funnel_chart`: areas' observed / expected uptake with 95% and 99.8% limits;
- :func:`uptake_need_chart`: each group's share of need against its share of activity.

Colours are the Okabe-Ito palette; every mark has a text label or tooltip so colour is
never the only cue, and synthetic data say so in the subtitle.

>>> import pandas as pd
>>> profile = pd.DataFrame({"segment": [1, 1], "indicator": ["a", "b"],
...                         "label": ["income", "crime"], "index": [140.0, 80.0]})
>>> profile_index_chart(profile)["title"]["text"]
'Segment profiles: index against the whole (whole = 100)'
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
from healthgap.reports.chart_style import OKABE_ITO, SCHEMA, chart_title, records

__all__ = [
    "funnel_chart",
    "profile_index_chart",
    "segment_map_chart",
    "stage_heatmap_chart",
    "uptake_need_chart",
]

STAGE_NOTE = "Stages of change are a communication aid, not a prediction"
ECOLOGICAL = "Segments describe areas, not the people in them"


def _segment_names(segments: pd.Series, names: pd.DataFrame | None) -> pd.Series:
    if names is None:
        return "Segment " + segments.astype(str)
    mapping = dict(zip(names["segment"].astype(str), names["name"], strict=True))
    return segments.astype(str).map(mapping).fillna("Segment " + segments.astype(str))


def _palette(n: int) -> dict[str, Any]:
    return {"range": list(OKABE_ITO[:n])} if n <= len(OKABE_ITO) else {"scheme": "tableau20"}


def profile_index_chart(
    profile: pd.DataFrame, *, names: pd.DataFrame | None = None, synthetic: bool = False
) -> dict[str, Any]:
    """Bars of each indicator's index in each segment (one panel per segment), a rule at
    100 and the index written at each bar."""
    rows = profile[["segment", "label", "index"]].copy()
    rows["segment_name"] = _segment_names(rows["segment"], names)
    rows["side"] = (rows["index"] >= 100).map({True: "above the whole", False: "below the whole"})
    rows["text"] = rows["index"].round(0).astype(int).astype(str)
    order = list(dict.fromkeys(rows.sort_values("segment")["segment_name"]))
    y = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "sort": None,
        "axis": {"labelLimit": 260},
    }
    return {
        "$schema": SCHEMA,
        "title": chart_title(
            "Segment profiles: index against the whole (whole = 100)", ECOLOGICAL, synthetic
        ),
        "data": {"values": records(rows)},
        "facet": {
            "row": {
                "field": "segment_name",
                "type": "nominal",
                "sort": order,
                "title": None,
                "header": {"labelAngle": 0, "labelAlign": "left", "labelLimit": 400},
            }
        },
        "spec": {
            "width": 420,
            "layer": [
                {
                    "mark": {"type": "bar", "height": {"band": 0.7}},
                    "encoding": {
                        "y": y,
                        "x": {
                            "field": "index",
                            "type": "quantitative",
                            "title": "index",
                            "scale": {"zero": True},
                        },
                        "color": {
                            "field": "side",
                            "type": "nominal",
                            "title": None,
                            "scale": {
                                "domain": ["above the whole", "below the whole"],
                                "range": [OKABE_ITO[4], OKABE_ITO[0]],
                            },
                            "legend": {"orient": "bottom"},
                        },
                        "tooltip": [{"field": "label"}, {"field": "index", "format": ".0f"}],
                    },
                },
                {
                    "mark": {"type": "rule", "color": "#000000", "strokeDash": [4, 3]},
                    "encoding": {"x": {"datum": 100}},
                },
                {
                    "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
                    "encoding": {
                        "y": y,
                        "x": {"field": "index", "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ],
        },
    }


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
    dominant["segment_name"] = _segment_names(dominant["segment"], names)
    dominant["share_text"] = (dominant["share"] * 100).round(0).astype(int).astype(str) + "%"
    order = list(dict.fromkeys(dominant.sort_values("segment")["segment_name"]))
    lookup = records(dominant[["parent_code", "segment_name", "share_text"]])
    key = f"properties.{code_property}"
    return {
        "$schema": SCHEMA,
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


def stage_heatmap_chart(
    matrix: pd.DataFrame,
    *,
    names: pd.DataFrame | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """Heatmap of the share at each stage (columns) in each segment (rows) for one
    behaviour (``stage_matrix`` output); cells on a small base are marked with an asterisk
    and their suggestions are in the tooltip."""
    rows = matrix.copy()
    rows["segment_name"] = _segment_names(rows["segment"], names)
    rows["stage"] = rows["stage"].astype(str)
    rows["text"] = (rows["value"] * 100).round(0).astype(int).astype(str) + "%"
    rows["text"] = rows["text"].where(~rows["small_base"], rows["text"] + "*")
    behaviour = str(rows["behaviour"].iloc[0]).replace("_", " ")
    stages = list(dict.fromkeys(rows["stage"]))
    keep = [
        "segment_name",
        "stage",
        "value",
        "lowercl",
        "uppercl",
        "text",
        "base",
        "message",
        "channel",
        "offer",
    ]
    subtitle = f"{STAGE_NOTE}. * fewer than the minimum answers: an indication only"
    return {
        "$schema": SCHEMA,
        "title": chart_title(f"Stages of change by segment: {behaviour}", subtitle, synthetic),
        "data": {"values": records(rows[keep])},
        "width": {"step": 80},
        "height": {"step": 34},
        "encoding": {
            "x": {
                "field": "stage",
                "type": "ordinal",
                "sort": stages,
                "title": None,
                "axis": {"labelAngle": 0, "orient": "top"},
            },
            "y": {
                "field": "segment_name",
                "type": "nominal",
                "title": None,
                "axis": {"labelLimit": 320},
            },
        },
        "layer": [
            {
                "mark": {"type": "rect"},
                "encoding": {
                    "color": {
                        "field": "value",
                        "type": "quantitative",
                        "title": "share",
                        "scale": {"scheme": "blues", "domain": [0, 1]},
                        "legend": {"format": ".0%"},
                    },
                    "tooltip": [
                        {"field": "segment_name", "title": "segment"},
                        {"field": "stage"},
                        {"field": "value", "format": ".1%", "title": "share"},
                        {"field": "lowercl", "format": ".1%", "title": "lower 95%"},
                        {"field": "uppercl", "format": ".1%", "title": "upper 95%"},
                        {"field": "base", "title": "answers"},
                        {"field": "message"},
                        {"field": "channel"},
                        {"field": "offer"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 11},
                "encoding": {
                    "text": {"field": "text"},
                    "color": {
                        "condition": {"test": "datum.value > 0.5", "value": "#ffffff"},
                        "value": "#000000",
                    },
                },
            },
        ],
    }


def funnel_chart(
    funnel: pd.DataFrame,
    limits: pd.DataFrame,
    *,
    service: str,
    area_label: str = "areas",
    synthetic: bool = False,
) -> dict[str, Any]:
    """Funnel plot of areas: ratio of observed to expected against expected, the 95% and
    99.8% limits, and a line at 1 (as expected)."""
    points = funnel[["area_code", "observed", "expected", "ratio", "outcome"]].copy()
    lines = limits.melt(id_vars="expected", var_name="limit", value_name="ratio")
    lines["level"] = (
        lines["limit"].str.contains("99_8").map({True: "99.8% limits", False: "95% limits"})
    )
    outcomes = [
        "below 99.8% limit",
        "below 95% limit",
        "within limits",
        "above 95% limit",
        "above 99.8% limit",
    ]
    x = {
        "field": "expected",
        "type": "quantitative",
        "scale": {"type": "log"},
        "title": "expected activity (log scale)",
    }
    return {
        "$schema": SCHEMA,
        "title": chart_title(
            f"Funnel plot of {area_label}: {service.replace('_', ' ')}",
            "Observed / expected; limits assume Poisson variation only",
            synthetic,
        ),
        "width": 480,
        "height": 320,
        "layer": [
            {
                "data": {"values": records(lines)},
                "mark": {"type": "line", "strokeWidth": 1},
                "encoding": {
                    "x": x,
                    "y": {"field": "ratio", "type": "quantitative"},
                    "detail": {"field": "limit"},
                    "strokeDash": {
                        "field": "level",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": ["95% limits", "99.8% limits"],
                            "range": [[4, 3], [1, 0]],
                        },
                    },
                    "color": {"value": "#000000"},
                },
            },
            {
                "mark": {"type": "rule", "color": "#000000", "strokeWidth": 0.5},
                "encoding": {"y": {"datum": 1}},
            },
            {
                "data": {"values": records(points)},
                "mark": {"type": "point", "filled": True, "size": 30},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "ratio",
                        "type": "quantitative",
                        "title": "observed / expected",
                        "scale": {"zero": False},
                    },
                    "color": {
                        "field": "outcome",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": outcomes,
                            "range": [
                                OKABE_ITO[4],
                                OKABE_ITO[1],
                                "#7f7f7f",
                                OKABE_ITO[5],
                                OKABE_ITO[0],
                            ],
                        },
                        "legend": {"orient": "bottom", "columns": 3},
                    },
                    "shape": {
                        "field": "outcome",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": outcomes},
                        "legend": {"orient": "bottom", "columns": 3},
                    },
                    "tooltip": [
                        {"field": "area_code"},
                        {"field": "observed"},
                        {"field": "expected", "format": ".1f"},
                        {"field": "ratio", "format": ".2f"},
                        {"field": "outcome"},
                    ],
                },
            },
        ],
    }


def uptake_need_chart(
    uptake: pd.DataFrame, grouping: str, *, service: str, synthetic: bool = False
) -> dict[str, Any]:
    """Each category's share of need beside its share of activity: a group whose activity
    bar is shorter than its need bar gets less than its share of the service."""
    rows = uptake[uptake["grouping"] == grouping]
    if rows.empty:
        raise InputError(f"no audit rows for grouping {grouping!r}", rule="unknown_grouping")
    long = rows.melt(
        id_vars=["category"],
        value_vars=["share_of_need", "share_of_activity"],
        var_name="measure",
        value_name="share",
    )
    long["measure"] = long["measure"].map(
        {"share_of_need": "share of need", "share_of_activity": "share of activity"}
    )
    long["text"] = (long["share"] * 100).round(1).astype(str) + "%"
    y = {
        "field": "category",
        "type": "nominal",
        "title": None,
        "sort": None,
        "axis": {"labelLimit": 320},
    }
    measures = ["share of need", "share of activity"]
    return {
        "$schema": SCHEMA,
        "title": chart_title(
            f"Uptake against need by {grouping.replace('_', ' ')}: {service.replace('_', ' ')}",
            "Shorter activity bar than need bar = less than a fair share",
            synthetic,
        ),
        "data": {"values": records(long)},
        "width": 420,
        "height": {"step": 14},
        "encoding": {"y": y, "yOffset": {"field": "measure", "sort": measures}},
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "x": {
                        "field": "share",
                        "type": "quantitative",
                        "axis": {"format": "%"},
                        "title": "share of the total",
                    },
                    "color": {
                        "field": "measure",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": measures, "range": [OKABE_ITO[5], OKABE_ITO[0]]},
                        "legend": {"orient": "bottom"},
                    },
                    "tooltip": [
                        {"field": "category"},
                        {"field": "measure"},
                        {"field": "text", "title": "share"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 9},
                "encoding": {
                    "x": {"field": "share", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    }
