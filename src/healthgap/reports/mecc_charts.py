"""Vega-Lite charts of MECC: run charts with the median and marked signals, signposts and
referrals by destination, and staff health figures against their targets.

Every chart plots figures after disclosure control (small counts suppressed, others rounded;
the run chart's median and signals are computed from the raw series and only summarised), says
SYNTHETIC when drawn from the demo, never uses colour alone (shapes, dashes and text labels
carry the same meaning) and has a ``description`` as its text alternative.

>>> from healthgap.engage.mecc_run_charts import run_chart
>>> series = pd.DataFrame({"week_start": pd.date_range("2024-04-01", periods=12, freq="W-MON"),
...                        "conversations": [20, 22, 19, 21, 20, 23, 30, 31, 33, 32, 34, 35]})
>>> spec = run_chart_spec(run_chart(series, value="conversations", period="week_start"),
...                       value="conversations", period="week_start",
...                       title="MECC conversations per week", synthetic=True)
>>> spec["title"]["subtitle"][-1], spec["description"][:46]
('SYNTHETIC data: not real areas', 'Run chart of MECC conversations per week: 12 p')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from healthgap.disclosure import DisclosurePolicy
from healthgap.engage.mecc_run_charts import RULES, RunChart
from healthgap.engage.mecc_vocabulary import load_vocabulary
from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records

__all__ = ["referrals_chart", "run_chart_spec", "staff_health_chart"]

_SIGNALS = ("No signal", "Shift", "Trend", "Shift and trend")
_SIGNAL_COLOURS = ("#7f7f7f", OKABE_ITO[4], OKABE_ITO[0], OKABE_ITO[3])
_SIGNAL_SHAPES = ("circle", "square", "triangle-up", "diamond")


def run_chart_spec(
    chart: RunChart,
    *,
    value: str = "value",
    period: str = "period",
    title: str,
    value_label: str = "Conversations",
    period_label: str = "Week starting",
    synthetic: bool = False,
    policy: DisclosurePolicy | None = DisclosurePolicy(),  # noqa: B008 - immutable
) -> dict[str, Any]:
    """One series of :func:`~healthgap.engage.mecc_run_charts.run_chart` as a run chart:
    the values as a line, each point's shape and colour saying which rule it is part of,
    the median as a dashed rule, and the rules and the runs verdict in the subtitle.

    ``policy`` controls the plotted counts (``value``); ``None`` plots them raw (internal use).
    """
    points = chart.points.copy()
    if policy is not None:
        points, _ = policy.for_columns(counts=[value]).apply(points)
    signal = np.select(
        [points["shift"] & points["trend"], points["shift"], points["trend"]],
        ["Shift and trend", "Shift", "Trend"],
        "No signal",
    )
    data = pd.DataFrame(
        {
            "period": pd.to_datetime(points[period]).dt.strftime("%Y-%m-%d")
            if np.issubdtype(points[period].dtype, np.datetime64)
            else points[period].astype(str),
            "value": points[value],
            "median": points["median"],
            "signal": signal,
        }
    )
    summary = chart.summary.iloc[0]
    verdict = f": {summary['runs_signal']}" if summary["runs_signal"] else ""
    runs = (
        f"{int(summary['runs'])} runs (expected {summary['runs_lower']:.0f}-"
        f"{summary['runs_upper']:.0f}){verdict}"
        if pd.notna(summary["runs_lower"])
        else "too few points to judge runs"
    )
    heading = chart_title(title, f"Dashed line: median {summary['median']:g}. {runs}.", synthetic)
    heading["subtitle"][1:1] = list(RULES.values())
    dated = bool(pd.to_datetime(data["period"], errors="coerce", format="%Y-%m-%d").notna().all())
    x: dict[str, Any] = {"field": "period", "title": period_label}
    if dated:
        x |= {
            "type": "temporal",
            "timeUnit": "utcyearmonthdate",
            "axis": {"format": "%b %Y", "tickCount": "month"},
        }
    else:
        x |= {"type": "ordinal", "axis": {"labelAngle": -45}}
    colour = {
        "field": "signal",
        "type": "nominal",
        "title": "Run chart rule",
        "scale": {"domain": list(_SIGNALS), "range": list(_SIGNAL_COLOURS)},
        "legend": {"orient": "bottom", "labelLimit": 0},
    }
    shape = {**colour, "scale": {"domain": list(_SIGNALS), "range": list(_SIGNAL_SHAPES)}}
    return {
        **STYLE,
        "title": heading,
        "description": _run_description(title, data, summary),
        "width": 640,
        "height": 280,
        "data": {"values": records(data)},
        "layer": [
            {
                "mark": {"type": "line", "color": "#4d4d4d"},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative", "title": value_label},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "color": colour,
                    "shape": shape,
                    "tooltip": [
                        {"field": "period", "title": period_label},
                        {"field": "value", "title": value_label},
                        {"field": "signal", "title": "Rule"},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "strokeDash": [6, 4], "color": "black"},
                "encoding": {"y": {"datum": float(summary["median"])}},
            },
            {
                "data": {"values": [{}]},  # one label, not one per point
                "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "color": "black"},
                "encoding": {
                    "x": {"value": 0},
                    "y": {"datum": float(summary["median"]), "type": "quantitative"},
                    "text": {"value": f"median {summary['median']:g}"},
                },
            },
        ],
    }


def _run_description(title: str, data: pd.DataFrame, summary: pd.Series) -> str:
    counts = data["signal"].value_counts()
    flagged = ", ".join(f"{counts[s]} in a {s.lower()}" for s in _SIGNALS[1:] if s in counts)
    return (
        f"Run chart of {title}: {len(data)} points from {data['period'].iloc[0]} to "
        f"{data['period'].iloc[-1]}, median {summary['median']:g}; "
        f"{int(summary['shifts'])} shift(s), {int(summary['trends'])} trend(s)"
        f"{'; points ' + flagged if flagged else ''}."
    )


def referrals_chart(
    referrals: pd.DataFrame,
    *,
    title: str = "Signposts and referrals by destination",
    synthetic: bool = False,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Horizontal bars of signposts and referrals per destination, side by side, from
    :func:`~healthgap.engage.mecc_dashboards.referrals_by_destination` (already controlled:
    suppressed counts are shown as "suppressed" text instead of a bar)."""
    names = dict(labels or load_vocabulary().labels("destinations"))
    data = referrals[["destination", "action", "conversations"]].copy()
    data["destination"] = data["destination"].map(lambda code: names.get(code, code))
    data["action"] = data["action"].str.capitalize()
    data["label"] = np.where(
        data["conversations"].isna(),
        "suppressed",
        data["conversations"].map(lambda v: f"{v:,.0f}" if pd.notna(v) else ""),
    )
    order = [names[c] for c in names if names[c] in set(data["destination"])]
    actions = ["Signpost", "Referral"]
    y = {"field": "destination", "type": "nominal", "sort": order, "title": None}
    colour = {
        "field": "action",
        "type": "nominal",
        "title": "What was done",
        "scale": {"domain": actions, "range": [OKABE_ITO[5], OKABE_ITO[0]]},
        "legend": {"orient": "bottom"},
    }
    total = data.groupby("action")["conversations"].sum()
    described = "; ".join(f"{a.lower()}s {total.get(a, 0):,.0f}" for a in actions)
    return {
        **STYLE,
        "title": chart_title(title, "Counts of 1-7 suppressed; others rounded to 5", synthetic),
        "description": f"Bar chart of {title.lower()}: {described} in all.",
        "data": {"values": records(data)},
        "width": 420,
        "encoding": {
            "y": y,
            "yOffset": {"field": "action", "type": "nominal", "sort": actions},
        },
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "x": {
                        "field": "conversations",
                        "type": "quantitative",
                        "title": "Conversations",
                    },
                    "color": colour,
                    "tooltip": [
                        {"field": "destination"},
                        {"field": "action"},
                        {"field": "label", "title": "conversations"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 13},
                "encoding": {
                    "x": {"field": "conversations", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            },
        ],
    }


def staff_health_chart(
    figures: pd.DataFrame,
    *,
    metric: str,
    organisation_names: Mapping[str, str] | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """One staff health metric per organisation over time, from
    :func:`~healthgap.engage.staff_health.against_targets`: a solid line per organisation
    with 95% limits where there are some, and its target as a dashed line of the same colour
    (each organisation's own target when the target is a change from its start)."""
    rows = figures[figures["metric"] == metric]
    if rows.empty:
        raise ValueError(f"no figures for the metric {metric!r}")
    label = str(rows["label"].iloc[0])
    unit = "Number" if rows["statistic"].iloc[0] == "count" else "Percentage"
    data = rows[["organisation", "period", "value", "lowercl", "uppercl", "target", "met"]].copy()
    data["met"] = data["met"].map({True: "target met", False: "target not met"}).fillna("no target")
    names = dict(organisation_names or {})
    data["organisation"] = data["organisation"].map(lambda code: names.get(code, code))
    organisations = sorted(data["organisation"].unique())
    palette = list(OKABE_ITO[: len(organisations)])
    colour = {
        "field": "organisation",
        "type": "nominal",
        "title": "Organisation",
        "scale": {"domain": organisations, "range": palette},
        "legend": {"orient": "bottom", "labelLimit": 0, "columns": 2},
    }
    x = {"field": "period", "type": "ordinal", "title": "Month", "axis": {"labelAngle": -45}}
    y = {"field": "value", "type": "quantitative", "title": f"{unit}", "scale": {"zero": False}}
    has_target = data["target"].notna().any()
    # error bars only where there are limits: a layer of nulls gives Vega an infinite extent
    limits = [
        {
            "transform": [{"filter": "datum.lowercl != null && datum.uppercl != null"}],
            "mark": {"type": "rule"},
            "encoding": {
                "x": x,
                "y": {"field": "lowercl", "type": "quantitative"},
                "y2": {"field": "uppercl"},
                "color": colour,
            },
        }
    ]
    layers: list[dict[str, Any]] = [
        *(limits if data["lowercl"].notna().any() else []),
        {
            "mark": {"type": "line", "point": {"filled": True, "size": 40}},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "shape": {
                    "field": "met",
                    "type": "nominal",
                    "title": "Against target",
                    "scale": {
                        "domain": ["target met", "target not met", "no target"],
                        "range": ["circle", "cross", "square"],
                    },
                },
                "tooltip": [
                    {"field": "organisation"},
                    {"field": "period"},
                    {"field": "value", "format": ".1f"},
                    {"field": "target", "format": ".1f"},
                    {"field": "met", "title": "against target"},
                ],
            },
        },
    ]
    if has_target:
        layers.append(
            {
                "mark": {"type": "line", "strokeDash": [6, 4], "strokeWidth": 1.5},
                "encoding": {
                    "x": x,
                    "y": {"field": "target", "type": "quantitative"},
                    "color": colour,
                },
            }
        )
    subtitle = "Dashed lines: targets. " if has_target else ""
    subtitle += "Error bars: 95% confidence intervals where the figure is a share of people."
    latest = data.sort_values("period").groupby("organisation").last()
    described = "; ".join(
        f"{org} {row['value']:.1f} in {row['period']} ({row['met']})"
        for org, row in latest.iterrows()
        if pd.notna(row["value"])
    )
    return {
        **STYLE,
        "title": chart_title(label, subtitle, synthetic),
        "description": f"Line chart of {label.lower()} by organisation. Latest: {described}.",
        "width": 560,
        "height": 280,
        "data": {"values": records(data)},
        "layer": layers,
    }
