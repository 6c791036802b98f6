"""Vega-Lite charts of a gap decomposition: contributions by age and cause, and the scarf.

- :func:`contributions_chart`: Segment-style bars of contributions by age band and cause;
- :func:`scarf_chart`: the "scarf", each cause's share of the gap as a 100% bar.

Text labels (band totals, cause names with percentages) mean colour is never the only cue;
causes are named (never keys) and drawn in their one colour (``chart_style.CAUSE_COLOURS``).

>>> rows = pd.DataFrame({"age_start": [0, 0], "age_band": ["0", "0"],
...                      "cause": ["cancer", "other"], "contribution": [0.2, 0.1]})
>>> spec = scarf_chart(rows, base_label="Area A", comparator_label="England")
>>> [r["label"] for r in spec["data"]["values"]]
['Cancer 67%', 'Other causes 33%']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from healthgap.reports.chart_style import (
    CAUSE_COLOURS,
    MIN_FONT_SIZE,
    STYLE,
    cause_colour,
    cause_order,
    chart_title,
    records,
    text_colour,
    with_cause_names,
)
from healthgap.reports.formatting import signed, years

__all__ = ["contributions_chart", "scarf_chart"]

#: Average width of a character at the chart's text size (Arial 13 px), to fit labels.
_CHAR_PX = 7.4


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
    data = with_cause_names(data)
    data["cause_rank"] = data["cause"].map({c: i for i, c in enumerate(causes)})
    # what a screen reader says of each bar (else every encoded field, keys included)
    data["spoken"] = (
        "Age " + data["age_band"] + ", " + data["cause_name"] + ": "
        + data["contribution"].map(lambda v: signed(v, decimals=3)) + " years"
    )  # fmt: skip
    bands = data.sort_values("age_start")["age_band"].drop_duplicates().tolist()
    totals = data.groupby(["age_start", "age_band"], as_index=False)["contribution"].sum()
    # place each band's total just past the end of its positive stack, clear of the bars
    positive = data["contribution"].clip(lower=0).groupby(data["age_start"]).sum()
    totals["end"] = totals["age_start"].map(positive).to_numpy()
    totals["label"] = totals["contribution"].map(lambda v: signed(v, decimals=2))
    gap = float(data["contribution"].sum())
    y = {"field": "age_band", "type": "ordinal", "sort": bands, "title": "Age band"}
    x_title = f"Years of the gap ({base_label} vs {comparator_label})"
    return {
        **STYLE,
        "title": chart_title(
            f"Contributions to the life expectancy gap: {base_label} vs {comparator_label}",
            subtitle
            or f"Gap {years(gap, decimals=2)} years; positive = {base_label} lower than "
            f"{comparator_label}",
            synthetic,
        ),
        "width": 520,
        "height": {"step": 22},
        "layer": [
            {
                "data": {"values": records(data)},
                "mark": {"type": "bar"},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "contribution",
                        "type": "quantitative",
                        "title": x_title,
                        "scale": {"zero": True},
                    },
                    "color": cause_colour(causes, f"Cause (gap vs {comparator_label})"),
                    "order": {"field": "cause_rank", "type": "quantitative"},
                    "description": {"field": "spoken"},
                    "tooltip": [
                        {"field": "age_band", "title": "Age"},
                        {"field": "cause_name", "title": "Cause"},
                        {"field": "contribution", "format": ".3f", "title": "Years"},
                    ],
                },
            },
            {
                "data": {"values": records(totals)},
                "mark": {"type": "text", "align": "left", "dx": 4},
                "encoding": {
                    "y": y,
                    "x": {"field": "end", "type": "quantitative"},
                    "text": {"field": "label"},
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
    width: int = 560,
) -> dict[str, Any]:
    """The "scarf": each cause's share of the gap as one 100% stacked bar (per ``row``).

    Shares are of the sum of positive contributions; causes where the base does better
    (negative contributions) are named in the subtitle, since a 100% bar cannot show them.
    A segment is labelled with its cause and percentage when the words fit inside it, with
    the percentage alone when only that fits, and not at all otherwise (the legend names
    every cause and the tooltip gives each share), so labels never overlap.
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
    data = with_cause_names(data)
    percent = (100 * data["share"]).round(0).astype(int).astype(str) + "%"
    full = data["cause_name"] + " " + percent
    room = data["share"] * width - 8
    data["label"] = full
    data["shown"] = full.where(full.str.len() * _CHAR_PX <= room, percent)
    data["shown"] = data["shown"].where(data["shown"].str.len() * _CHAR_PX <= room, "")
    causes = cause_order(data["cause"])
    data["cause_rank"] = data["cause"].map({c: i for i, c in enumerate(causes)})
    data["text_colour"] = [text_colour(CAUSE_COLOURS.get(c, "#BFBFBF")) for c in data["cause"]]
    data["spoken"] = data["cause_name"] + ": " + percent + " of the gap"
    names = ", ".join(with_cause_names(pd.DataFrame({"cause": negative}))["cause_name"])
    note = (
        f"Causes where {base_label} does better than {comparator_label}: {names}"
        if negative
        else f"Share of the gap between {base_label} and {comparator_label} by cause"
    )
    y = {"field": row, "type": "nominal", "title": None} if row else None
    x = {
        "field": "share",
        "type": "quantitative",
        "stack": "normalize",
        "axis": {"format": "%"},
        "title": f"Share of the gap vs {comparator_label}",
    }
    bar_encoding: dict[str, Any] = {
        "x": x,
        "color": cause_colour(causes, "Cause"),
        "order": {"field": "cause_rank", "type": "quantitative"},
        "description": {"field": "spoken"},
        "tooltip": [
            {"field": "cause_name", "title": "Cause"},
            {"field": "share", "format": ".1%", "title": "Share of the gap"},
        ],
    }
    text_encoding: dict[str, Any] = {
        "x": {"field": "share", "type": "quantitative", "stack": "normalize", "bandPosition": 0.5},
        "order": {"field": "cause_rank", "type": "quantitative"},
        "text": {"field": "shown"},
        "color": {"field": "text_colour", "type": "nominal", "scale": None},
    }
    if y:
        bar_encoding["y"] = y
        text_encoding["y"] = y
    return {
        **STYLE,
        "title": chart_title(
            f"Causes of the life expectancy gap: {base_label} vs {comparator_label}",
            note,
            synthetic,
        ),
        "width": width,
        "height": {"step": 44} if row else 44,
        "data": {"values": records(data)},
        "layer": [
            # no share to draw (no gap): an empty mark group would be an unnamed image
            {"mark": {"type": "bar", "aria": not data.empty}, "encoding": bar_encoding},
            {
                "mark": {"type": "text", "fontSize": MIN_FONT_SIZE, "angle": 0, "aria": False},
                "encoding": text_encoding,
            },
        ],
        "description": f"The share of the gap between {base_label} and {comparator_label} "
        "by cause, as one bar split by cause; each label gives the cause and its share.",
    }
