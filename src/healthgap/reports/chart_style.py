"""Shared style of healthgap's Vega-Lite charts: schema, palette, titles and JSON-safe data.

Every chart uses the Okabe-Ito colour-blind-safe palette (:data:`OKABE_ITO`), names its
comparator, and says SYNTHETIC in its subtitle when drawn from synthetic data.

>>> chart_title("Gap", None, synthetic=True)
{'text': 'Gap', 'anchor': 'start', 'subtitle': ['SYNTHETIC data: not real areas']}
>>> records(pd.DataFrame({"x": [1.0, float("nan")]}))
[{'x': 1.0}, {'x': None}]
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from healthgap.data.model import CAUSE_GROUPS

__all__ = [
    "OKABE_ITO",
    "SCHEMA",
    "SYNTHETIC_NOTE",
    "cause_colour",
    "cause_order",
    "chart_title",
    "decorative_rules",
    "mark_synthetic",
    "records",
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


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
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


def chart_title(text: str, subtitle: str | None, synthetic: bool) -> dict[str, Any]:
    """A left-aligned title with the subtitle lines and, for synthetic data, the note."""
    lines = [s for s in (subtitle, SYNTHETIC_NOTE if synthetic else None) if s]
    title: dict[str, Any] = {"text": text, "anchor": "start"}
    if lines:
        title["subtitle"] = lines
    return title


def mark_synthetic(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the SYNTHETIC note as the last line of its subtitle (once).

    >>> mark_synthetic({"title": {"text": "Gap", "subtitle": "by sex"}})["title"]["subtitle"]
    ['by sex', 'SYNTHETIC data: not real areas']
    """
    title = spec.get("title") or {"text": ""}
    title = {"text": title} if isinstance(title, str) else dict(title)
    subtitle = title.get("subtitle")
    lines = [] if not subtitle else [subtitle] if isinstance(subtitle, str) else list(subtitle)
    if SYNTHETIC_NOTE not in lines:
        lines.append(SYNTHETIC_NOTE)
    title["subtitle"] = lines
    return {**spec, "title": title}


def decorative_rules(spec: dict[str, Any]) -> dict[str, Any]:
    """Reference lines (rule marks such as a target line) without a description of their
    own marked decorative (``aria: false``): the chart's description and the text beside it
    say what they show, and an unnamed ARIA image fails WCAG 1.1.1."""
    out = dict(spec)
    mark = out.get("mark")
    if isinstance(mark, dict) and mark.get("type") == "rule" and "description" not in mark:
        out["mark"] = {**mark, "aria": False}
    if isinstance(out.get("layer"), list):
        out["layer"] = [decorative_rules(layer) for layer in out["layer"]]
    return out


def cause_order(causes: pd.Series) -> list[str]:
    """The causes found, in :data:`~healthgap.data.model.CAUSE_GROUPS` order, others after."""
    found = list(dict.fromkeys(causes.astype(str)))
    return [c for c in CAUSE_GROUPS if c in found] + [c for c in found if c not in CAUSE_GROUPS]


def cause_colour(causes: list[str], comparator_label: str) -> dict[str, Any]:
    """Colour encoding of ``cause`` with a legend naming the comparator."""
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
