"""Vega-Lite v5 chart specifications for explaining gaps (dicts; render with ``render.py``).

Every chart names the comparator in its title and legend, uses the Okabe-Ito
colour-blind-safe palette, carries text labels so colour is never the only cue, and
says SYNTHETIC in its subtitle when drawn from synthetic data.

- :func:`contributions_chart`: Segment-style bars of contributions by age band and cause;
- :func:`scarf_chart`: the "scarf", each cause's share of the gap as a 100% bar;
- :func:`gap_trend_chart`: the gap per period with CIs, trend, projection and target line;
- :func:`sii_chart`: group values with CIs and the fitted slope index of inequality line.

>>> import pandas as pd
>>> rows = pd.DataFrame({"age_start": [0, 0], "age_band": ["0", "0"],
...                      "cause": ["cancer", "other"], "contribution": [0.2, 0.1]})
>>> spec = contributions_chart(rows, base_label="Area A", comparator_label="England")
>>> spec["title"]["text"]
'Contributions to the life expectancy gap: Area A vs England'
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from healthgap.data.model import CAUSE_GROUPS

__all__ = [
    "OKABE_ITO",
    "contributions_chart",
    "gap_trend_chart",
    "scarf_chart",
    "sii_chart",
]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
#: Okabe & Ito (2008) colour-blind-safe palette, in order of use.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
SYNTHETIC_NOTE = "SYNTHETIC data: not real areas"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe rows: NaN becomes null, NumPy scalars become Python numbers."""
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            clean[str(key)] = value
        out.append(clean)
    return out


def _title(text: str, subtitle: str | None, synthetic: bool) -> dict[str, Any]:
    lines = [s for s in (subtitle, SYNTHETIC_NOTE if synthetic else None) if s]
    title: dict[str, Any] = {"text": text, "anchor": "start"}
    if lines:
        title["subtitle"] = lines
    return title


def _cause_order(causes: pd.Series) -> list[str]:
    found = list(dict.fromkeys(causes.astype(str)))
    return [c for c in CAUSE_GROUPS if c in found] + [c for c in found if c not in CAUSE_GROUPS]


def _cause_colour(causes: list[str], comparator_label: str) -> dict[str, Any]:
    return {
        "field": "cause",
        "type": "nominal",
        "sort": causes,
        "scale": {"domain": causes, "range": list(OKABE_ITO[: len(causes)])},
        "legend": {
            "title": f"Cause (gap vs {comparator_label})",
            "orient": "bottom",
            "titleLimit": 0,
            "labelLimit": 0,
        },
    }


def contributions_chart(
    result: pd.DataFrame,
    *,
    base_label: str,
    comparator_label: str,
    synthetic: bool = False,
    subtitle: str | None = None,
) -> dict[str, Any]:
    """Segment-style chart: stacked bars of each age band's contribution, split by cause.

    ``result`` holds ``age_start``, ``age_band``, ``cause`` and ``contribution`` (rows
    of one pair from :func:`healthgap.decomposition.decompose.decompose_gap`). Each bar
    is labelled with its band total in years; causes stack in the legend's order and
    the tooltip names each segment's cause (the scarf chart labels causes in text).
    """
    data = result[["age_start", "age_band", "cause", "contribution"]].astype(
        {"age_band": str, "cause": str}
    )
    causes = _cause_order(data["cause"])
    bands = data.sort_values("age_start")["age_band"].drop_duplicates().tolist()
    totals = data.groupby(["age_start", "age_band"], as_index=False)["contribution"].sum()
    # place each band's total just past the end of its positive stack, clear of the bars
    positive = data["contribution"].clip(lower=0).groupby(data["age_start"]).sum()
    totals["end"] = totals["age_start"].map(positive).to_numpy()
    gap = float(data["contribution"].sum())
    y = {"field": "age_band", "type": "ordinal", "sort": bands, "title": "Age band"}
    x_title = f"Years of the gap ({base_label} vs {comparator_label})"
    return {
        "$schema": SCHEMA,
        "title": _title(
            f"Contributions to the life expectancy gap: {base_label} vs {comparator_label}",
            subtitle
            or f"Gap {gap:.2f} years; positive = {base_label} lower than {comparator_label}",
            synthetic,
        ),
        "width": 520,
        "height": {"step": 18},
        "layer": [
            {
                "data": {"values": _records(data)},
                "mark": {"type": "bar"},
                "encoding": {
                    "y": y,
                    "x": {"field": "contribution", "type": "quantitative", "title": x_title},
                    "color": _cause_colour(causes, comparator_label),
                    "order": {"field": "cause_rank", "type": "quantitative"},
                    "tooltip": [
                        {"field": "age_band", "title": "Age"},
                        {"field": "cause", "title": "Cause"},
                        {"field": "contribution", "format": ".3f", "title": "Years"},
                    ],
                },
                "transform": [
                    {"calculate": f"indexof({causes!r}, datum.cause)", "as": "cause_rank"}
                ],
            },
            {
                "data": {"values": _records(totals)},
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 10},
                "encoding": {
                    "y": y,
                    "x": {"field": "end", "type": "quantitative"},
                    "text": {"field": "contribution", "format": "+.2f"},
                },
            },
        ],
        "description": f"Bar chart of contributions to the gap between {base_label} and "
        f"{comparator_label} by age band and cause; band totals are printed beside bars.",
    }


def scarf_chart(
    result: pd.DataFrame,
    *,
    base_label: str,
    comparator_label: str,
    row: str | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """The "scarf": each cause's share of the gap as one 100% stacked bar (per ``row``).

    Shares are of the sum of positive contributions; causes where the base does better
    (negative contributions) are named in the subtitle, since a 100% bar cannot show them.
    Every segment of 4% or more is labelled with its cause and percentage.
    """
    keys = [row] if row else []
    result = result.astype({"cause": str})
    data = result.groupby([*keys, "cause"], as_index=False, observed=True)["contribution"].sum()
    negative = sorted(set(data.loc[data["contribution"] < 0, "cause"]))
    data = data[data["contribution"] > 0].copy()
    positive_total = (
        data.groupby(keys)["contribution"].transform("sum")
        if keys
        else (data["contribution"].sum())
    )
    data["share"] = data["contribution"] / positive_total
    data["label"] = data["cause"] + " " + (100 * data["share"]).round(0).astype(int).astype(str)
    data["label"] = data["label"] + "%"
    dark = {OKABE_ITO[i] for i in (0, 2, 4, 7)}  # white text reads on these, black on the rest
    colour_of = dict(zip(_cause_order(data["cause"]), OKABE_ITO, strict=False))
    data["text_colour"] = ["white" if colour_of[c] in dark else "black" for c in data["cause"]]
    causes = _cause_order(data["cause"])
    note = (
        f"Causes where {base_label} does better than {comparator_label}: {', '.join(negative)}"
        if negative
        else f"Share of the gap between {base_label} and {comparator_label} by cause"
    )
    y = {"field": row, "type": "nominal", "title": row} if row else None
    x = {
        "field": "share",
        "type": "quantitative",
        "stack": "normalize",
        "axis": {"format": "%"},
        "title": f"Share of the gap vs {comparator_label}",
    }
    bar_encoding: dict[str, Any] = {
        "x": x,
        "color": _cause_colour(causes, comparator_label),
        "order": {"field": "cause_rank", "type": "quantitative"},
        "tooltip": [{"field": "cause"}, {"field": "share", "format": ".1%"}],
    }
    text_encoding: dict[str, Any] = {
        "x": {"field": "share", "type": "quantitative", "stack": "normalize", "bandPosition": 0.5},
        "order": {"field": "cause_rank", "type": "quantitative"},
        "text": {"condition": {"test": "datum.share >= 0.04", "field": "label"}, "value": ""},
        "color": {"field": "text_colour", "type": "nominal", "scale": None, "legend": None},
    }
    if y:
        bar_encoding["y"] = y
        text_encoding["y"] = y
    return {
        "$schema": SCHEMA,
        "title": _title(
            f"Causes of the life expectancy gap: {base_label} vs {comparator_label}",
            note,
            synthetic,
        ),
        "width": 560,
        "height": {"step": 40} if row else 40,
        "data": {"values": _records(data)},
        "transform": [{"calculate": f"indexof({causes!r}, datum.cause)", "as": "cause_rank"}],
        "layer": [
            {"mark": {"type": "bar"}, "encoding": bar_encoding},
            {
                "mark": {"type": "text", "fontSize": 9, "angle": 0},
                "encoding": text_encoding,
            },
        ],
    }


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
        "title": _title(
            f"Life expectancy gap: {base_label} vs {comparator_label}", subtitle, synthetic
        ),
        "width": 520,
        "height": 300,
        "data": {"values": _records(data)},
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
        "title": _title(
            f"{measure_label} by deprivation within {area_label}",
            f"Slope index of inequality {slope:+.2f} (line); comparator: the "
            f"least deprived end of the line",
            synthetic,
        ),
        "width": 480,
        "height": 300,
        "layer": [
            {
                "data": {"values": _records(data)},
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
                "data": {"values": _records(data)},
                "mark": {"type": "point", "filled": True, "size": 70, "color": OKABE_ITO[0]},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "tooltip": [{"field": "quantile"}, {"field": "value", "format": ".2f"}],
                },
            },
            {
                "data": {"values": _records(data)},
                "mark": {"type": "text", "dy": -12, "fontSize": 10},
                "encoding": {
                    "x": x,
                    "y": {"field": "uppercl", "type": "quantitative"},
                    "text": {"field": "label", "title": "Group"},
                },
            },
            {
                "data": {"values": _records(line)},
                "mark": {"type": "line", "color": OKABE_ITO[4], "strokeDash": [6, 3]},
                "encoding": {"x": x, "y": {"field": "fitted", "type": "quantitative"}},
            },
        ],
    }
