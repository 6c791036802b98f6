"""The heatmap of a self-assessment: topics or places × items, each cell coloured and labelled
with its agreed level, in the order given (no ranking, no totals), and the same values as a
table. Part of :mod:`healthgap.reports.assessment_charts`, which re-exports both functions.

>>> from healthgap.assessment import Assessment, Consensus, Scope, shipped_catalogue
>>> from healthgap.assessment import heatmap_table
>>> pit = shipped_catalogue().get("pit")
>>> done = Assessment("pit", "1.0", Scope("E06000001", "CVD", "2025"), "all",
...                   consensus=(Consensus("centre", "1", "no joint plan yet"),))
>>> spec = heatmap_chart(heatmap_table(pit, [done]), title="Topics")
>>> spec["layer"][0]["encoding"]["y"]["field"], spec["layer"][0]["encoding"]["x"]["sort"]
('item', ['CVD'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from healthgap.reports.chart_style import STYLE, chart_title, records

__all__ = ["heatmap_chart", "heatmap_readable", "text_colour"]

_CELL_WIDTH = 112  # wide enough for "Not yet agreed" and "Established" at 13 px


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance).

    >>> text_colour("#D4351C"), text_colour("#FFBF47")
    ('#FFFFFF', '#0B0C0C')
    """
    channels = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#0B0C0C" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"


def heatmap_chart(heatmap: pd.DataFrame, *, title: str, synthetic: bool = False) -> dict[str, Any]:
    """Cells of :func:`~healthgap.assessment.heatmap_table`: one row per item (in the
    framework's order, named in full), one column per topic or place in the order given
    (never ranked), each cell coloured and labelled with its agreed level."""
    cells = heatmap.assign(
        item=heatmap["item_number"] + " " + heatmap["item_name"],
        text_colour=heatmap["colour"].map(text_colour),
        cell_text=heatmap["level_label"].where(heatmap["level"] != "", "not agreed"),
        spread=np.where(
            heatmap["lowest_label"] == "",
            "",
            heatmap["lowest_label"] + " to " + heatmap["highest_label"],
        ),
    )
    items = list(dict.fromkeys(cells.sort_values("item_order")["item"]))
    columns = list(dict.fromkeys(cells.sort_values("row_order")["row_label"]))
    x = {
        "field": "row_label",
        "type": "nominal",
        "sort": columns,
        "title": None,
        "axis": {"orient": "top", "labelAngle": 0, "labelLimit": _CELL_WIDTH - 6},
    }
    y = {
        "field": "item",
        "type": "nominal",
        "sort": items,
        "title": None,
        "axis": {"labelLimit": 260},
    }
    return {
        **STYLE,
        "title": chart_title(title, "Agreed level per cell; columns are not ranked", synthetic),
        "description": f"Heatmap of {len(items)} items by {len(columns)} topics or places "
        "showing the agreed level of each; the same values are given as a table.",
        "data": {
            "values": records(
                cells[
                    [
                        "row_label",
                        "item",
                        "level_label",
                        "cell_text",
                        "colour",
                        "text_colour",
                        "spread",
                        "ratings",
                    ]
                ]
            )
        },
        "width": {"step": _CELL_WIDTH},
        "height": {"step": 30},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#FFFFFF", "strokeWidth": 2},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": {"field": "colour", "type": "nominal", "scale": None},
                    "tooltip": [
                        {"field": "row_label", "title": "topic or place"},
                        {"field": "item"},
                        {"field": "level_label", "title": "agreed"},
                        {"field": "spread", "title": "individual ratings"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 13, "limit": _CELL_WIDTH - 8},
                "encoding": {
                    "x": x,
                    "y": y,
                    "text": {"field": "cell_text"},
                    "color": {"field": "text_colour", "type": "nominal", "scale": None},
                },
            },
        ],
    }


def heatmap_readable(heatmap: pd.DataFrame) -> pd.DataFrame:
    """Rows × items of agreed level labels, rows in the order given."""
    cells = heatmap.assign(item=heatmap["item_number"] + " " + heatmap["item_name"])
    wide = cells.pivot_table(index=["row_order", "row_label"], columns="item",
                             values="level_label", aggfunc="first").reset_index()  # fmt: skip
    items = list(dict.fromkeys(cells.sort_values("item_order")["item"]))
    return wide.sort_values("row_order")[["row_label", *items]].reset_index(drop=True)
