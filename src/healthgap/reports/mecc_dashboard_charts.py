"""Vega-Lite charts of the MECC dashboards not drawn by :mod:`healthgap.reports.mecc_charts`:
referrals received and attributable to MECC by service, staff trained by organisation, and
the change in capability scores after training.

Charts take tables that already passed disclosure control and carry label columns (from
:func:`healthgap.analyses.mecc_dashboards.with_labels`); a withheld figure is written as
"suppressed" instead of a bar. Colour is never the only carrier of meaning (text labels,
shapes), and each chart's ``description`` is its text alternative.

>>> table = pd.DataFrame({"service_label": ["Stop smoking service"], "received": [120.0],
...                       "attributed": [45.0], "value": [37.5]})
>>> attribution_chart(table)["description"].split(": ", 1)[1]
'Stop smoking service 120 received, 45 attributable (37.5%).'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records

__all__ = ["attribution_chart", "capability_chart", "training_reach_chart"]


def _shown(values: pd.Series, fmt: str = "{:,.0f}") -> pd.Series:
    """Each figure as text, "suppressed" where disclosure control withheld it."""
    return values.map(lambda v: "suppressed" if pd.isna(v) else fmt.format(v))


def attribution_chart(by_service: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Referrals received per service beside those attributable to MECC (side by side)."""
    long = by_service.melt(
        id_vars=["service_label"],
        value_vars=["received", "attributed"],
        var_name="count_of",
        value_name="referrals",
    )
    long["count_of"] = long["count_of"].map(
        {"received": "Received by the service", "attributed": "Attributable to MECC"}
    )
    long["label"] = _shown(long["referrals"])
    kinds = ["Received by the service", "Attributable to MECC"]
    described = "; ".join(
        f"{row.service_label} {_text(row.received)} received, {_text(row.attributed)} "
        f"attributable ({_text(row.value, '{:.1f}%')})"
        for row in by_service.itertuples()
    )
    return {
        **STYLE,
        "title": chart_title(
            "Referrals received and attributable to MECC",
            "Matched on date, service and area only: an upper bound. Counts of 1-7 "
            "suppressed; others rounded to 5",
            synthetic,
        ),
        "description": "Bar chart of referrals received by each service and those MECC could "
        f"explain: {described}.",
        "width": 420,
        "data": {"values": records(long)},
        "encoding": {
            "y": {"field": "service_label", "type": "nominal", "title": None},
            "yOffset": {"field": "count_of", "type": "nominal", "sort": kinds},
        },
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "x": {
                        "field": "referrals",
                        "type": "quantitative",
                        "title": "Referrals",
                        "scale": {"zero": True},
                    },
                    "color": {
                        "field": "count_of",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": kinds, "range": [OKABE_ITO[5], OKABE_ITO[0]]},
                        "legend": {"orient": "bottom", "labelLimit": 0},
                    },
                    "tooltip": [
                        {"field": "service_label", "title": "Service"},
                        {"field": "count_of", "title": "Count"},
                        {"field": "label", "title": "Referrals"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 13},
                "encoding": {
                    "x": {"field": "referrals", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            },
        ],
    }


def _text(value: object, fmt: str = "{:,.0f}") -> str:
    return "suppressed" if pd.isna(value) else fmt.format(value)  # type: ignore[arg-type]


def training_reach_chart(reach: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Percentage of staff in post trained by any route, per organisation, with 95% limits
    as whiskers and the percentage written beside each bar."""
    rows = reach[reach["route"] == "any"].copy()
    rows["label"] = _shown(rows["value"], "{:.0f}%")
    described = "; ".join(
        f"{row.organisation_name} {_text(row.value, '{:.0f}%')}" for row in rows.itertuples()
    )
    order = rows.sort_values("value", ascending=False)["organisation_name"].tolist()
    y = {"field": "organisation_name", "type": "nominal", "title": None, "sort": order}
    x = {
        "field": "value",
        "type": "quantitative",
        "title": "Staff in post trained (%)",
        "scale": {"domain": [0, 100]},
    }
    return {
        **STYLE,
        "title": chart_title(
            "Staff trained in MECC by any route",
            "Whiskers: 95% confidence intervals (Wilson)",
            synthetic,
        ),
        "description": f"Bar chart of the percentage of staff in post trained: {described}.",
        "width": 420,
        "height": {"step": 34},
        "data": {"values": records(rows)},
        "layer": [
            {
                "mark": {"type": "bar", "color": OKABE_ITO[0]},
                "encoding": {
                    "y": y,
                    "x": x,
                    "tooltip": [
                        {"field": "organisation_name", "title": "Organisation"},
                        {"field": "label", "title": "Trained"},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "black", "aria": False},
                "encoding": {
                    "y": y,
                    "x": {"field": "lowercl", "type": "quantitative"},
                    "x2": {"field": "uppercl"},
                },
            },
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "middle",
                    "dx": 4,
                    "fontSize": 13,
                },
                "encoding": {
                    "y": y,
                    "x": {"field": "uppercl", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            },
        ],
    }


def capability_chart(change: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Mean change in each capability score after training, by route, with 95% limits:
    a point per route and measure (shape and colour by measure), one panel per comparison
    (straight after, and 3-6 months after, against before)."""
    rows = change.copy()
    rows["comparison"] = np.where(
        rows["to_wave"] == "follow_up",
        "Before to 3-6 months after",
        "Before to straight after",
    )
    measures = list(dict.fromkeys(rows["measure_label"]))
    described = "; ".join(
        f"{row.route_label}, {row.measure_label.lower()}, {row.comparison.lower()}: "
        f"{_text(row.value, '{:+.1f}')}"
        for row in rows.itertuples()
    )
    y = {"field": "route_label", "type": "nominal", "title": None, "axis": {"labelLimit": 170}}
    palette = list(OKABE_ITO[: len(measures)])
    return {
        **STYLE,
        "title": chart_title(
            "Change in capability scores after MECC training",
            "Mean paired change on the 1-10 scale; lines: 95% confidence intervals; "
            "means on fewer than 10 people withheld",
            synthetic,
        ),
        "description": f"Dot chart of the mean change in scores: {described}.",
        "data": {"values": records(rows)},
        "facet": {
            "column": {
                "field": "comparison",
                "type": "nominal",
                "title": None,
                "sort": ["Before to straight after", "Before to 3-6 months after"],
            }
        },
        "spec": {
            "width": 190,
            "encoding": {"y": y, "yOffset": {"field": "measure_label", "sort": measures}},
            "layer": [
                {
                    "mark": {"type": "rule", "color": "#505a5f", "aria": False},
                    "encoding": {
                        "x": {"field": "lowercl", "type": "quantitative", "title": "Change"},
                        "x2": {"field": "uppercl"},
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 60},
                    "encoding": {
                        "x": {"field": "value", "type": "quantitative"},
                        "color": {
                            "field": "measure_label",
                            "type": "nominal",
                            "title": "Score",
                            "scale": {"domain": measures, "range": palette},
                            "legend": {"orient": "bottom", "labelLimit": 0},
                        },
                        "shape": {"field": "measure_label", "type": "nominal", "title": "Score"},
                        "tooltip": [
                            {"field": "route_label", "title": "Route"},
                            {"field": "measure_label", "title": "Score"},
                            {"field": "n_pairs", "title": "People"},
                            {"field": "value", "title": "Mean change", "format": "+.2f"},
                        ],
                    },
                },
            ],
        },
    }
