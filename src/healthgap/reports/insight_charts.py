"""Vega-Lite v5 charts of insight results (dicts; render with ``render.save_chart``).

- :func:`profile_index_chart`: each segment's index against the whole (= 100) per indicator;
- :func:`~healthgap.reports.insight_map.segment_map_chart` (re-exported here): the dominant
  segment of each local authority, drawn offline from a boundary file given by path;
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

from typing import Any

import pandas as pd

from healthgap.errors import InputError
from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records
from healthgap.reports.insight_map import ECOLOGICAL, segment_map_chart, segment_names

__all__ = [
    "funnel_chart",
    "profile_index_chart",
    "segment_map_chart",
    "stage_heatmap_chart",
    "uptake_need_chart",
]

STAGE_NOTE = "Stages of change are a communication aid, not a prediction"


def profile_index_chart(
    profile: pd.DataFrame, *, names: pd.DataFrame | None = None, synthetic: bool = False
) -> dict[str, Any]:
    """Bars of each indicator's index in each segment (one panel per segment), a rule at
    100 and the index written at each bar."""
    rows = profile[["segment", "label", "index"]].copy()
    rows["segment_name"] = segment_names(rows["segment"], names)
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
        **STYLE,
        "description": "Bars of each segment's index against the whole for each indicator (100 "
        "= the whole).",
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
                    "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 13},
                    "encoding": {
                        "y": y,
                        "x": {"field": "index", "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ],
        },
    }


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
    rows["segment_name"] = segment_names(rows["segment"], names)
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
        **STYLE,
        "description": f"Heat map of the share of each segment at each stage of change for "
        f"{behaviour}.",
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
                "mark": {"type": "text", "fontSize": 13},
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
        **STYLE,
        "description": f"Funnel plot of {area_label}: observed over expected against the "
        f"expected count, with 95% and 99.8% limits.",
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
        **STYLE,
        "description": "Paired bars of each group's share of activity and share of need.",
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
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 13},
                "encoding": {
                    "x": {"field": "share", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    }
