"""Vega-Lite v5 charts of insight results (dicts; render with ``render.save_chart``).

- :func:`profile_index_chart`: each segment's index against the whole (= 100) per indicator;
- :func:`~healthgap.reports.insight_map.segment_map_chart` (re-exported here): the dominant
  segment of each local authority, drawn offline from a boundary file given by path;
- :func:`stage_heatmap_chart`: the segment x stage matrix of one behaviour;
- the equity audit's funnel and uptake-vs-need charts are in
  :mod:`healthgap.reports.equity_charts` (re-exported here).

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

from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records
from healthgap.reports.equity_charts import funnel_chart, uptake_need_chart
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
    rows["indicator"] = rows["label"].str.split(" (", n=1, regex=False).str[0]
    rows["segment_name"] = segment_names(rows["segment"], names)
    rows["side"] = (rows["index"] >= 100).map({True: "above the whole", False: "below the whole"})
    rows["text"] = rows["index"].round(0).astype(int).astype(str)
    order = list(dict.fromkeys(rows.sort_values("segment")["segment_name"]))
    y = {
        "field": "indicator",
        "type": "nominal",
        "title": None,
        "sort": None,
        "axis": {"labelLimit": 300},
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
                "header": {
                    "labelOrient": "top",
                    "labelAnchor": "start",
                    "labelFontWeight": "bold",
                    "labelFontSize": 14,
                    "labelLimit": 640,
                },
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
                    "mark": {
                        "type": "rule",
                        "color": "#000000",
                        "strokeDash": [4, 3],
                        "aria": False,  # decorative: the subtitle says whole = 100
                    },
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
    grouping: str = "segment",
) -> dict[str, Any]:
    """Heatmap of the share at each stage (columns) in each segment (rows, in the order of
    ``matrix``) for one behaviour (``stage_matrix`` output); cells on a small base are
    marked with an asterisk and their suggestions are in the tooltip. ``grouping`` names
    the rows in the title (e.g. "deprivation fifth")."""
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
        "description": f"Heat map of the share of each {grouping} at each stage of change for "
        f"{behaviour}.",
        "title": chart_title(f"Stages of change by {grouping}: {behaviour}", subtitle, synthetic),
        "data": {"values": records(rows[keep])},
        "width": {"step": 80},
        "height": {"step": 34},
        "encoding": {
            "x": {
                "field": "stage",
                "type": "ordinal",
                "sort": stages,
                "title": None,
                # the longest stage name on two lines: one line would overlap its neighbour
                "axis": {
                    "labelAngle": 0,
                    "orient": "bottom",  # below the cells, where the second line has room
                    "labelExpr": "datum.label == 'precontemplation' "
                    "? ['pre-', 'contemplation'] : datum.label",
                },
            },
            "y": {
                "field": "segment_name",
                "type": "nominal",
                "title": None,
                "sort": list(dict.fromkeys(rows["segment_name"])),
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
