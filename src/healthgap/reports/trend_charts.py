"""Vega-Lite charts of inequality over time and across deprivation: gap trend and SII.

- :func:`gap_trend_chart`: the gap per period with CIs, trend, projection and target line;
- :func:`sii_chart`: group values with CIs and the fitted slope index of inequality line.

>>> groups = pd.DataFrame({"quantile": [1, 2], "value": [76.0, 80.0],
...                        "lowercl": [75.0, 79.0], "uppercl": [77.0, 81.0]})
>>> spec = sii_chart(groups, pd.DataFrame({"sii": [8.0], "intercept": [74.0]}),
...                  measure_label="Life expectancy", area_label="Area A")
>>> spec["title"]["text"]
'Life expectancy by deprivation within Area A'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from healthgap.reports.chart_style import OKABE_ITO, SCHEMA, chart_title, records

__all__ = ["gap_trend_chart", "sii_chart"]


def gap_trend_chart(
    trajectory: pd.DataFrame,
    *,
    base_label: str,
    comparator_label: str,
    verdict: str | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """Gap per period with CI error bars, the fitted trend, its projection and the target.

    ``trajectory`` is :attr:`healthgap.frameworks.targets.TargetAssessment.trajectory`
    (``year``, ``kind``, ``value``, ``lowercl``, ``uppercl``, ``trend``, ``target``).
    """
    data = trajectory[
        ["period", "year", "kind", "value", "lowercl", "uppercl", "trend", "target"]
    ].copy()
    target = float(data["target"].iloc[0])
    x = {
        "field": "year",
        "type": "quantitative",
        "title": "Year (period mid-point)",
        "axis": {"format": "d"},
        "scale": {"zero": False},
    }
    y_title = "Gap in life expectancy (years)"  # the title names both sides
    target_text = {
        "data": {"values": [{}]},  # one label, not one per row of the layer's data
        "mark": {"type": "text", "align": "right", "dy": -8, "color": "black"},
        "encoding": {
            "x": {"datum": float(data["year"].max()), "type": "quantitative"},
            "y": {"datum": target, "type": "quantitative"},
            "text": {"value": f"target {target:.2f}"},
        },
    }
    shape = {
        "field": "kind",
        "type": "nominal",
        "title": "Gap",
        "scale": {"domain": ["observed", "projected"], "range": ["circle", "diamond"]},
    }
    subtitle = f"Target: {target:.2f} years (dashed line)" + (f"; {verdict}" if verdict else "")
    return {
        "$schema": SCHEMA,
        "title": chart_title(
            f"Life expectancy gap: {base_label} vs {comparator_label}", subtitle, synthetic
        ),
        "width": 520,
        "height": 300,
        "data": {"values": records(data)},
        "layer": [
            {
                "mark": {"type": "rule", "color": OKABE_ITO[0]},
                "encoding": {
                    "x": x,
                    "y": {"field": "lowercl", "type": "quantitative", "title": y_title},
                    "y2": {"field": "uppercl"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 70, "color": OKABE_ITO[0]},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "shape": shape,
                    "tooltip": [
                        {"field": "period"},
                        {"field": "kind"},
                        {"field": "value", "format": ".2f"},
                        {"field": "lowercl", "format": ".2f"},
                        {"field": "uppercl", "format": ".2f"},
                    ],
                },
            },
            {
                "mark": {"type": "line", "strokeDash": [2, 2], "color": OKABE_ITO[4]},
                "encoding": {"x": x, "y": {"field": "trend", "type": "quantitative"}},
            },
            {
                "mark": {"type": "rule", "strokeDash": [6, 4], "color": OKABE_ITO[1], "size": 2},
                "encoding": {"y": {"datum": target}},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 6, "dy": -8, "color": "black"},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "text": {"field": "period"},
                },
            },
            target_text,
        ],
    }


def sii_chart(
    groups: pd.DataFrame,
    sii: pd.DataFrame,
    *,
    measure_label: str,
    area_label: str,
    synthetic: bool = False,
) -> dict[str, Any]:
    """Values by deprivation group with CIs and the fitted slope index of inequality line.

    ``groups`` has ``quantile`` (1 = most deprived), ``value``, ``lowercl``, ``uppercl``
    and optionally ``rank`` (the group's mid-point relative rank, 0 = most deprived;
    equal-sized groups are assumed otherwise). ``sii`` has one row with ``sii`` and
    ``intercept``: the line is value = intercept + sii x rank, drawn from rank 0 to 1.
    """
    data = groups.copy()
    n = len(data)
    if "rank" not in data.columns:
        data["rank"] = (data["quantile"].astype(float) - 0.5) / n
    data["label"] = "Q" + data["quantile"].astype(int).astype(str)
    slope, intercept = float(sii["sii"].iloc[0]), float(sii["intercept"].iloc[0])
    line = pd.DataFrame({"rank": [0.0, 1.0], "fitted": [intercept, intercept + slope]})
    x = {
        "field": "rank",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "title": "Relative deprivation rank (0 = most deprived, 1 = least deprived)",
    }
    return {
        "$schema": SCHEMA,
        "title": chart_title(
            f"{measure_label} by deprivation within {area_label}",
            f"Slope index of inequality {slope:+.2f} (line); comparator: the "
            f"least deprived end of the line",
            synthetic,
        ),
        "width": 480,
        "height": 300,
        "layer": [
            {
                "data": {"values": records(data)},
                "mark": {"type": "rule", "color": OKABE_ITO[0]},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "lowercl",
                        "type": "quantitative",
                        "title": measure_label,
                        "scale": {"zero": False},
                    },
                    "y2": {"field": "uppercl"},
                },
            },
            {
                "data": {"values": records(data)},
                "mark": {"type": "point", "filled": True, "size": 70, "color": OKABE_ITO[0]},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "tooltip": [{"field": "quantile"}, {"field": "value", "format": ".2f"}],
                },
            },
            {
                "data": {"values": records(data)},
                "mark": {"type": "text", "dy": -12, "fontSize": 10},
                "encoding": {
                    "x": x,
                    "y": {"field": "uppercl", "type": "quantitative"},
                    "text": {"field": "label", "title": "Group"},
                },
            },
            {
                "data": {"values": records(line)},
                "mark": {"type": "line", "color": OKABE_ITO[4], "strokeDash": [6, 3]},
                "encoding": {"x": x, "y": {"field": "fitted", "type": "quantitative"}},
            },
        ],
    }
