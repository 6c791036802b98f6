"""Vega-Lite charts of inequality over time and across deprivation: gap trend and SII.

- :func:`gap_trend_chart`: the gap per period with CIs, trend, projection and target line;
- :func:`life_expectancy_trend_chart`: life expectancy by period for males and females with
  CI error bars and the comparator's line;
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

from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records

__all__ = ["gap_trend_chart", "life_expectancy_trend_chart", "sii_chart"]


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
            "text": {"value": f"target {target:.2f} years"},
        },
    }
    shape = {
        "field": "kind",
        "type": "nominal",
        "title": "Gap",
        "scale": {"domain": ["observed", "projected"], "range": ["circle", "diamond"]},
    }
    subtitle = (
        f"Points: the gap with 95% intervals; red dotted line: the trend; black dashed line: "
        f"the target of {target:.2f} years" + (f" ({verdict})" if verdict else "")
    )
    return {
        **STYLE,
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
                "mark": {"type": "line", "strokeDash": [2, 3], "color": OKABE_ITO[4], "size": 2.5},
                "encoding": {"x": x, "y": {"field": "trend", "type": "quantitative"}},
            },
            {
                "mark": {"type": "rule", "strokeDash": [8, 4], "color": "#000000", "size": 2},
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


def life_expectancy_trend_chart(
    area_le: pd.DataFrame,
    *,
    area_label: str,
    comparator_le: pd.DataFrame | None = None,
    comparator_label: str | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """Life expectancy by period, one panel per sex, with 95% CI error bars; the comparator
    (e.g. the country) as a dashed line with its own limits when given.

    ``area_le`` and ``comparator_le`` have ``sex``, ``period``, ``value``, ``lowercl`` and
    ``uppercl`` (as from :func:`healthgap.measures.life_expectancy.life_expectancy`). Each
    series is named by a text label at its latest point and by line style and point shape, so
    colour is never the only cue; the spec's ``description`` is the chart's text alternative.

    >>> le = pd.DataFrame({"sex": ["male", "male"], "period": ["2019-21", "2020-22"],
    ...                    "value": [78.1, 78.4], "lowercl": [77.8, 78.1],
    ...                    "uppercl": [78.4, 78.7]})
    >>> spec = life_expectancy_trend_chart(le, area_label="Area A", comparator_le=le,
    ...                                    comparator_label="England")
    >>> spec["title"]["text"]
    'Life expectancy at birth: Area A and England'
    >>> spec["description"][:60]
    'Life expectancy at birth by period for Area A (solid line) a'
    """
    columns = ["sex", "period", "value", "lowercl", "uppercl"]
    parts = [area_le[columns].assign(series=area_label)]
    has_comparator = comparator_le is not None and comparator_label is not None
    if has_comparator:
        parts.append(comparator_le[columns].assign(series=comparator_label))
    data = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    data = data.sort_values(["series", "sex", "period"], ignore_index=True)
    data["sex"] = data["sex"].astype(str).str.capitalize() + "s"
    last = data.groupby(["series", "sex"])["period"].transform("max")
    data["end_label"] = data["series"].where(data["period"] == last)
    # The higher series is labelled above its latest error bar, the other below its own, so
    # the two labels part instead of crossing the lines.
    latest_value = data["value"].where(data["end_label"].notna())
    highest = latest_value.groupby(data["sex"]).transform("max")
    data["label_side"] = (latest_value == highest).map({True: "above", False: "below"})
    series = [area_label, *([comparator_label] if has_comparator else [])]
    periods = sorted(data["period"].astype(str).unique())
    x = {"field": "period", "type": "ordinal", "sort": periods, "title": "Period"}
    legend = {"title": "Life expectancy of", "orient": "bottom", "labelLimit": 0}
    colour = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": series, "range": list(OKABE_ITO[: len(series)])},
        "legend": legend,
    }
    dash = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": series, "range": [[1, 0], [6, 4]][: len(series)]},
        "legend": legend,  # one legend for colour, dash and shape (merged, no conflict)
    }
    shape = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": series, "range": ["circle", "square"][: len(series)]},
        "legend": legend,
    }
    y_title = "Life expectancy at birth (years)"
    title = f"Life expectancy at birth: {area_label}" + (
        f" and {comparator_label}" if has_comparator else ""
    )
    return {
        **STYLE,
        "title": chart_title(title, "Error bars: 95% confidence intervals", synthetic),
        "description": _trend_description(data, area_label, comparator_label),
        "data": {"values": records(data)},
        "facet": {"column": {"field": "sex", "type": "nominal", "title": None}},
        "resolve": {"scale": {"y": "independent"}},
        "spec": {
            "width": 300,
            "height": 260,
            "layer": [
                {
                    "mark": {"type": "rule"},
                    "encoding": {
                        "x": x,
                        "y": {
                            "field": "lowercl",
                            "type": "quantitative",
                            "title": y_title,
                            "scale": {"zero": False},
                        },
                        "y2": {"field": "uppercl"},
                        "color": colour,
                    },
                },
                {
                    "mark": {"type": "line"},
                    "encoding": {
                        "x": x,
                        "y": {"field": "value", "type": "quantitative"},
                        "color": colour,
                        "strokeDash": dash,
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 50},
                    "encoding": {
                        "x": x,
                        "y": {"field": "value", "type": "quantitative"},
                        "color": colour,
                        "shape": shape,
                        "tooltip": [
                            {"field": "series", "title": "Life expectancy of"},
                            {"field": "sex"},
                            {"field": "period"},
                            {"field": "value", "format": ".1f"},
                            {"field": "lowercl", "format": ".1f"},
                            {"field": "uppercl", "format": ".1f"},
                        ],
                    },
                },
                *(
                    {
                        "transform": [
                            {"filter": f"datum.end_label != null && datum.label_side == '{side}'"}
                        ],
                        "mark": {
                            "type": "text",
                            "align": "right",
                            "baseline": baseline,
                            "dy": dy,
                            "color": "black",
                        },
                        "encoding": {
                            "x": x,
                            "y": {"field": limit, "type": "quantitative"},
                            "text": {"field": "end_label"},
                        },
                    }
                    for side, limit, baseline, dy in (
                        ("above", "uppercl", "bottom", -4),
                        ("below", "lowercl", "top", 4),
                    )
                    # only sides with a label: a layer of no rows gives an infinite extent
                    if (data["end_label"].notna() & (data["label_side"] == side)).any()
                ),
            ],
        },
    }


def _trend_description(data: pd.DataFrame, area_label: str, comparator_label: str | None) -> str:
    """The chart's text alternative: what it shows and the latest values."""
    latest = data[data["end_label"].notna()]
    values = "; ".join(
        f"{row.series}, {row.sex.lower()}, {row.period}: {row.value:.1f} years "
        f"(95% CI {row.lowercl:.1f} to {row.uppercl:.1f})"
        for row in latest.itertuples()
    )
    against = f" and {comparator_label} (dashed line)" if comparator_label else ""
    return (
        f"Life expectancy at birth by period for {area_label} (solid line){against}, "
        f"males and females in separate panels, with 95% confidence intervals. "
        f"Latest: {values}."
    )


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
        **STYLE,
        "description": f"{measure_label} of each deprivation group within {area_label} with 95% "
        f"intervals and the fitted slope index of inequality line.",
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
                "mark": {"type": "text", "dy": -12, "fontSize": 13},
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
