"""Vega-Lite charts of a service equity audit (dicts; render with ``render.save_chart``).

- :func:`funnel_chart`: areas' observed / expected uptake with 95% and 99.8% limits;
- :func:`uptake_need_chart`: each group's share of need against its share of activity.

Colours are the Okabe-Ito palette; every point has a shape as well as a colour, and
synthetic data say so in the subtitle.

>>> import pandas as pd
>>> uptake = pd.DataFrame({"grouping": ["sex", "sex"], "category": ["female", "male"],
...                        "share_of_need": [0.5, 0.5], "share_of_activity": [0.6, 0.4]})
>>> uptake_need_chart(uptake, "sex", service="screening")["title"]["text"]
'Uptake against need by sex: screening'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from healthgap.errors import InputError
from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records

__all__ = ["funnel_chart", "uptake_need_chart"]


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
        # a log axis labels every tick of a decade: drop those that would touch
        "axis": {"labelOverlap": "greedy", "labelSeparation": 4},
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
                "mark": {"type": "rule", "color": "#000000", "strokeWidth": 0.5, "aria": False},
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
    uptake: pd.DataFrame,
    grouping: str,
    *,
    service: str,
    synthetic: bool = False,
    grouping_label: str | None = None,
) -> dict[str, Any]:
    """Each category's share of need beside its share of activity: a group whose activity
    bar is shorter than its need bar gets less than its share of the service. Categories
    show their ``category_label`` where ``uptake`` has one; ``grouping_label`` names the
    grouping in the title."""
    rows = uptake[uptake["grouping"] == grouping]
    if rows.empty:
        raise InputError(f"no audit rows for grouping {grouping!r}", rule="unknown_grouping")
    if "category_label" in rows.columns:
        rows = rows.assign(category=rows["category_label"])
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
            f"Uptake against need by {grouping_label or grouping.replace('_', ' ')}: "
            f"{service.replace('_', ' ')}",
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
