"""Vega-Lite charts of a gap decomposition: contributions by age and cause, and the scarf.

- :func:`contributions_chart`: Segment-style bars of contributions by age band and cause;
- :func:`scarf_chart`: the "scarf", each cause's share of the gap as a 100% bar.

Text labels (band totals, cause names with percentages) mean colour is never the only cue.

>>> rows = pd.DataFrame({"age_start": [0, 0], "age_band": ["0", "0"],
...                      "cause": ["cancer", "other"], "contribution": [0.2, 0.1]})
>>> spec = scarf_chart(rows, base_label="Area A", comparator_label="England")
>>> [r["label"] for r in spec["data"]["values"]]
['cancer 67%', 'other 33%']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from healthgap.reports.chart_style import (
    OKABE_ITO,
    SCHEMA,
    cause_colour,
    cause_order,
    chart_title,
    records,
)

__all__ = ["contributions_chart", "scarf_chart"]


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
    causes = cause_order(data["cause"])
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
        "title": chart_title(
            f"Contributions to the life expectancy gap: {base_label} vs {comparator_label}",
            subtitle
            or f"Gap {gap:.2f} years; positive = {base_label} lower than {comparator_label}",
            synthetic,
        ),
        "width": 520,
        "height": {"step": 18},
        "layer": [
            {
                "data": {"values": records(data)},
                "mark": {"type": "bar"},
                "encoding": {
                    "y": y,
                    "x": {"field": "contribution", "type": "quantitative", "title": x_title},
                    "color": cause_colour(causes, comparator_label),
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
                "data": {"values": records(totals)},
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
    colour_of = dict(zip(cause_order(data["cause"]), OKABE_ITO, strict=False))
    data["text_colour"] = ["white" if colour_of[c] in dark else "black" for c in data["cause"]]
    causes = cause_order(data["cause"])
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
        "color": cause_colour(causes, comparator_label),
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
        "title": chart_title(
            f"Causes of the life expectancy gap: {base_label} vs {comparator_label}",
            note,
            synthetic,
        ),
        "width": 560,
        "height": {"step": 40} if row else 40,
        "data": {"values": records(data)},
        "transform": [{"calculate": f"indexof({causes!r}, datum.cause)", "as": "cause_rank"}],
        "layer": [
            {"mark": {"type": "bar"}, "encoding": bar_encoding},
            {
                "mark": {"type": "text", "fontSize": 9, "angle": 0},
                "encoding": text_encoding,
            },
        ],
    }
