"""The one style of healthgap's Vega-Lite charts: schema, type sizes, palettes, titles, labels.

Every chart the product makes starts from :data:`STYLE` (the Vega-Lite 6 schema and
:data:`CHART_CONFIG`: Arial at 13-18 px, so text stays readable at page size), uses the
Okabe-Ito colour-blind-safe palette (:data:`OKABE_ITO`) and one colour per cause wherever a
cause is drawn (:data:`CAUSE_COLOURS`, through :func:`cause_colour`), labels things by name
(:mod:`healthgap.reports.labels`, never keys), starts bar axes at zero, names its
comparator, and says SYNTHETIC in its subtitle when drawn from synthetic data. See
``docs/web-style.md``; ``tests/reports/test_every_chart.py`` renders every chart and holds
them to these rules.

>>> chart_title("Gap", None, synthetic=True)
{'text': 'Gap', 'anchor': 'start', 'subtitle': ['SYNTHETIC data: not real areas']}
>>> records(pd.DataFrame({"x": [1.0, float("nan")]}))
[{'x': 1.0}, {'x': None}]
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd

from healthgap.data.model import CAUSE_GROUPS
from healthgap.reports.labels import cause_name

__all__ = [
    "CAUSE_COLOURS",
    "CHART_CONFIG",
    "FONT",
    "MIN_FONT_SIZE",
    "OKABE_ITO",
    "SCHEMA",
    "STYLE",
    "SYNTHETIC_NOTE",
    "cause_colour",
    "cause_order",
    "chart_title",
    "decorative_rules",
    "mark_synthetic",
    "records",
    "text_colour",
    "with_cause_names",
]

#: The vendored vega-lite is 6.x; a v5 schema makes vega-embed warn.
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FONT = "Arial, Helvetica, sans-serif"
#: No text in a chart is smaller than this (px at page size; charts are never scaled down).
MIN_FONT_SIZE = 13
INK, SECONDARY_INK = "#0B0C0C", "#505A5F"
#: Characters of a title line (18 px, over a 560 px chart) and of a subtitle line (14 px).
TITLE_CHARS, SUBTITLE_CHARS = 62, 120
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
#: One colour per cause group, the same on every chart (explain, plan, reports).
CAUSE_COLOURS: dict[str, str] = {
    "circulatory": "#D55E00",
    "cancer": "#0072B2",
    "respiratory": "#56B4E9",
    "digestive": "#E69F00",
    "external": "#CC79A7",
    "infant_perinatal": "#F0E442",
    "mental_behavioural": "#009E73",
    "other": "#7F7F7F",
    "all": "#000000",
}
_OTHER_CAUSE_COLOUR = "#BFBFBF"
#: The Vega-Lite ``config`` of every chart: readable type, plain ink colours.
CHART_CONFIG: dict[str, Any] = {
    "font": FONT,
    "title": {
        "fontSize": 18,
        "subtitleFontSize": 14,
        "anchor": "start",
        "color": INK,
        "subtitleColor": SECONDARY_INK,
        "offset": 12,
    },
    "axis": {
        "labelFontSize": MIN_FONT_SIZE,
        "titleFontSize": 14,
        "labelColor": INK,
        "titleColor": INK,
        "titleFontWeight": "normal",
        "labelLimit": 320,
    },
    "legend": {
        "labelFontSize": MIN_FONT_SIZE,
        "titleFontSize": 14,
        "labelColor": INK,
        "titleColor": INK,
        "titleFontWeight": "normal",
        "labelLimit": 0,
        "titleLimit": 0,
    },
    "header": {"labelFontSize": 14, "titleFontSize": 14, "labelColor": INK},
    "text": {"fontSize": MIN_FONT_SIZE, "color": INK},
}
#: The start of every chart spec: ``{**STYLE, "title": ..., ...}``.
STYLE: dict[str, Any] = {"$schema": SCHEMA, "config": CHART_CONFIG}


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
    """A left-aligned title with the subtitle lines and, for synthetic data, the note; a
    long title or subtitle is wrapped into lines (a list) so that it stays over the chart.

    >>> chart_title("A very long title " * 5, None, False)["text"][0]
    'A very long title A very long title A very long title A very'
    """
    lines = [
        line
        for part in (subtitle, SYNTHETIC_NOTE if synthetic else None)
        if part
        for line in textwrap.wrap(part, SUBTITLE_CHARS)
    ]
    wrapped = textwrap.wrap(text, TITLE_CHARS) or [text]
    title: dict[str, Any] = {"text": wrapped[0] if len(wrapped) == 1 else wrapped}
    title["anchor"] = "start"
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


def with_cause_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``cause_name`` column (the name a chart shows for ``cause``).

    >>> with_cause_names(pd.DataFrame({"cause": ["infant_perinatal"]}))["cause_name"].tolist()
    ['Infant and perinatal']
    """
    return frame.assign(cause_name=frame["cause"].astype(str).map(cause_name))


def cause_colour(causes: list[str], legend_title: str | None = "Cause") -> dict[str, Any]:
    """Colour encoding of ``cause_name`` (see :func:`with_cause_names`) for the cause keys
    ``causes`` in order, each in its :data:`CAUSE_COLOURS` colour, legend titled
    ``legend_title`` (``None``: no legend, when the marks are labelled directly).

    >>> cause_colour(["cancer", "circulatory"])["scale"]
    {'domain': ['Cancer', 'Circulatory'], 'range': ['#0072B2', '#D55E00']}
    """
    encoding: dict[str, Any] = {
        "field": "cause_name",
        "type": "nominal",
        "sort": [cause_name(c) for c in causes],
        "scale": {
            "domain": [cause_name(c) for c in causes],
            "range": [CAUSE_COLOURS.get(c, _OTHER_CAUSE_COLOUR) for c in causes],
        },
        "title": legend_title,
    }
    encoding["legend"] = (
        {"orient": "bottom", "direction": "horizontal", "columns": 4}
        if legend_title is not None
        else None
    )
    return encoding


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance).

    >>> text_colour("#D4351C"), text_colour("#FFBF47")
    ('#FFFFFF', '#0B0C0C')
    """
    channels = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return INK if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"
