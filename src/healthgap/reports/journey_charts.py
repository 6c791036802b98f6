"""Vega-Lite v6 charts of journey maps (dicts; render with ``reports.render.save_chart``).

- :func:`swimlane_chart`: the map, stages (columns) × lanes (rows: the person, front stage,
  back stage, systems, partners), each touchpoint's text in its cell;
- :func:`emotion_curve_chart`: the emotion score (-2 to +2) at each touchpoint in order;
- :func:`funnel_chart`: people reaching each stage, with conversion and its Wilson interval;
- :func:`comparison_chart`: as-is and to-be emotion curves side by side on one scale.

Colour is never the only cue: cells and points carry the score in words, moments of truth are
starred and drawn with a different shape, and every mark has a tooltip. Colours come from the
Okabe-Ito palette; a synthetic journey says SYNTHETIC and a reconstructed template says so in
the subtitle. The accessible table of the same map is
:func:`healthgap.journeys.journey_map_table` (HTML in :mod:`healthgap.reports.journey_outputs`).

>>> from healthgap.journeys import load_template
>>> spec = emotion_curve_chart(load_template("demo_health_check"))
>>> spec["title"]["subtitle"][-1]
'SYNTHETIC data: not real areas'
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from healthgap.journeys.funnel import FUNNEL_STATISTICS, journey_funnel
from healthgap.journeys.map_table import swimlane_cells
from healthgap.journeys.model import LANE_LABELS, LANES, Journey, emotion_words
from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records
from healthgap.reports.formatting import signed

__all__ = [
    "comparison_chart",
    "emotion_curve_chart",
    "funnel_chart",
    "journey_charts",
    "swimlane_chart",
]

#: Fill of a cell by emotion score: Okabe-Ito vermillion/orange for negative, blue/green for
#: positive, light grey for neutral or no score.
EMOTION_DOMAIN = ["very negative", "negative", "neutral", "positive", "very positive", "no score"]
EMOTION_RANGE = ["#D55E00", "#E69F00", "#DDDDDD", "#56B4E9", "#009E73", "#F5F5F5"]
STAR = "★"


def _wrap(text: str, width: int = 22, lines: int = 4) -> str:
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], wrapped[lines - 1][: width - 1] + "…"]
    return "\n".join(wrapped)


def _subtitle(journey: Journey) -> str:
    parts = [f"{journey.segment.label}", f"{journey.kind.replace('_', '-')}",
             f"version {journey.version}, {journey.version_date.isoformat()}"]  # fmt: skip
    if journey.reconstructed:
        parts.append("reconstructed template: replace with local insight")
    return "; ".join(parts)


def _steps(journey: Journey) -> pd.DataFrame:
    names = {s.id: s.name for s in journey.stages}
    rows = [
        {"step": i, "label": f"{i}. {t.name}", "touchpoint": t.name,
         "stage": names.get(t.stage, t.stage), "emotion": t.emotion,
         "emotion_words": emotion_words(t.emotion),
         "moment": "moment of truth" if t.moment_of_truth else "other touchpoint",
         "marker": signed(t.emotion, decimals=0) + (f" {STAR}" if t.moment_of_truth else "")
         if t.emotion is not None else ""}
        for i, t in enumerate(journey.sequence(), start=1)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def swimlane_chart(journey: Journey, *, cell_width: int = 150) -> dict[str, Any]:
    """The swimlane map: one column per stage, one row per lane, one cell per touchpoint."""
    cells = swimlane_cells(journey)
    cells["label"] = cells["step"].astype(str) + ". " + cells["touchpoint"]
    feeling = cells["emotion"].map(lambda e: emotion_words(e) if pd.notna(e) else "no score")
    cells["fill"] = feeling.where(cells["lane"] == "person", "no score")
    cells["cell_text"] = [
        _wrap(text) + (f"\n[{f}]" if lane == "person" and f != "no score" else "")
        + (f"\n{STAR} moment of truth" if mot and lane != "person" else "")
        for text, lane, f, mot in zip(cells["text"], cells["lane"], feeling,
                                      cells["moment_of_truth"], strict=True)
    ]  # fmt: skip
    stages = [s.name for s in journey.ordered_stages() if s.name in set(cells["stage"])]
    lanes = [LANE_LABELS[lane] for lane in LANES]
    x = {"field": "label", "type": "nominal", "sort": {"field": "step"}, "title": None,
         "axis": {"orient": "top", "labelAngle": 0, "labelLimit": cell_width - 10,
                  "labelFontWeight": "bold"}}  # fmt: skip
    y = {"field": "lane_label", "type": "nominal", "sort": lanes, "title": None,
         "scale": {"domain": lanes}, "axis": {"labelLimit": 260}}  # fmt: skip
    columns = ["step", "label", "stage", "lane_label", "text", "cell_text", "fill", "touchpoint"]
    color = {"field": "fill", "type": "nominal",
             "scale": {"domain": EMOTION_DOMAIN, "range": EMOTION_RANGE},
             "legend": {"title": "How the person feels", "orient": "bottom"}}  # fmt: skip
    tooltip = [{"field": "stage"}, {"field": "touchpoint"},
               {"field": "lane_label", "title": "lane"}, {"field": "text"}]  # fmt: skip
    # One panel per stage side by side (not a facet: each stage has its own touchpoints).
    panels = []
    for i, stage in enumerate(stages):
        lane_axis = y if i == 0 else {**y, "axis": None}
        panels.append({
            "title": {"text": stage, "fontSize": 13, "anchor": "start", "frame": "group"},
            "transform": [{"filter": {"field": "stage", "equal": stage}}],
            "width": {"step": cell_width},
            "height": {"step": 120},
            "layer": [
                {"mark": {"type": "rect", "stroke": "#555555", "strokeWidth": 0.5},
                 "encoding": {"x": x, "y": lane_axis, "color": color, "tooltip": tooltip}},
                {"mark": {"type": "text", "lineBreak": "\n", "fontSize": 13, "align": "center",
                          "baseline": "middle"},
                 "encoding": {"x": x, "y": lane_axis, "text": {"field": "cell_text"}}},
            ],
        })  # fmt: skip
    return {
        **STYLE,
        "description": f"Journey map of {journey.title}: one column per stage, one row per lane.",
        "title": chart_title(
            f"Journey map: {journey.title}", _subtitle(journey), journey.synthetic
        ),
        "data": {"values": records(cells[columns])},
        "hconcat": panels,
        "spacing": 6,
        "resolve": {"scale": {"x": "independent", "y": "shared"}},
    }


def _curve_layers() -> list[dict[str, Any]]:
    x = {"field": "label", "type": "ordinal", "sort": {"field": "step"}, "title": None,
         "axis": {"labelAngle": -30, "labelLimit": 160}}  # fmt: skip
    y = {
        "field": "emotion",
        "type": "quantitative",
        "title": "emotion score",
        "scale": {"domain": [-2.4, 2.4], "nice": False},
        "axis": {"values": [-2, -1, 0, 1, 2]},
    }
    tooltip = [{"field": "stage"}, {"field": "touchpoint"}, {"field": "emotion"},
               {"field": "emotion_words", "title": "feeling"}, {"field": "moment"}]  # fmt: skip
    scored = {"filter": "datum.emotion != null"}
    return [
        {"mark": {"type": "rule", "color": "#888888", "strokeDash": [4, 3], "aria": False},
         "encoding": {"y": {"datum": 0}}},
        {"transform": [scored], "mark": {"type": "line", "color": OKABE_ITO[0]},
         "encoding": {"x": x, "y": y}},
        {"transform": [scored], "mark": {"type": "point", "filled": True, "size": 110},
         "encoding": {
             "x": x, "y": y,
             "shape": {"field": "moment", "type": "nominal",
                       "scale": {"domain": ["moment of truth", "other touchpoint"],
                                 "range": ["diamond", "circle"]},
                       "legend": {"title": None, "orient": "bottom"}},
             "color": {"field": "moment", "type": "nominal",
                       "scale": {"domain": ["moment of truth", "other touchpoint"],
                                 "range": [OKABE_ITO[4], OKABE_ITO[0]]},
                       "legend": {"title": None, "orient": "bottom"}},
             "tooltip": tooltip}},
        {"transform": [scored], "mark": {"type": "text", "dy": -14, "fontSize": 13},
         "encoding": {"x": x, "y": y, "text": {"field": "marker"}}},
    ]  # fmt: skip


def emotion_curve_chart(journey: Journey, *, width: int = 560) -> dict[str, Any]:
    """How the person feels at each touchpoint (touchpoints without a score are skipped)."""
    rows = _steps(journey)
    return {
        **STYLE,
        "description": f"Line of how people feel at each step of {journey.title}.",
        "title": chart_title(
            f"Emotion curve: {journey.title}", _subtitle(journey), journey.synthetic
        ),  # fmt: skip
        "data": {"values": records(rows)},
        "width": width,
        "height": 240,
        "layer": _curve_layers(),
    }


def comparison_chart(as_is: Journey, to_be: Journey, *, width: int = 290) -> dict[str, Any]:
    """As-is and to-be emotion curves side by side, on the same -2 to +2 scale."""
    panels = []
    for journey in (as_is, to_be):
        rows = _steps(journey)
        name = "As is" if journey.kind == "as_is" else "To be"
        panels.append({
            "title": {"text": f"{name}: version {journey.version}, "
                              f"{journey.version_date.isoformat()}", "anchor": "start"},
            "data": {"values": records(rows)},
            "width": width, "height": 220,
            "layer": _curve_layers(),
        })  # fmt: skip
    return {
        **STYLE,
        "description": f"Emotion curves of the journey as it is and as it should be: "
        f"{to_be.title}.",
        "title": chart_title(
            f"As is and to be: {to_be.title}",
            as_is.segment.label,
            as_is.synthetic or to_be.synthetic,
        ),  # fmt: skip
        "hconcat": panels,
        "resolve": {"scale": {"y": "shared"}},
    }


def _funnel_label(row: pd.Series, first: str) -> str:
    if pd.isna(row["count"]):
        return "not measured"
    text = f"{int(row['count']):,}"
    if pd.notna(row["value"]):
        text += (f" ({row['value']:.0%} of {first}, {row['lowercl']:.0%} to "
                 f"{row['uppercl']:.0%})")  # fmt: skip
    if pd.notna(row["lost"]):
        text += f"; {int(row['lost']):,} lost"
    return text


def funnel_chart(
    funnel: pd.DataFrame, *, title: str, group: str | None = None, synthetic: bool = False
) -> dict[str, Any]:
    """Bars of the people reaching each step, from :func:`healthgap.journeys.funnel_table`
    (or ``journey_funnel``), labelled with the conversion from the first step and its
    interval; ``group`` names a column to draw one panel per value."""
    rows = funnel[funnel["statistic"] == FUNNEL_STATISTICS[1]].copy()
    drop = funnel[funnel["statistic"] == FUNNEL_STATISTICS[2]]
    keys = [c for c in ("step", group) if c]
    rows = rows.merge(drop[[*keys, "numerator", "value"]].rename(
        columns={"numerator": "lost", "value": "lost_share"}), on=keys, how="left")  # fmt: skip
    first = str(rows.sort_values("step_order")["step"].iloc[0])
    rows["label"] = rows.apply(_funnel_label, axis=1, first=first)
    rows["lost_label"] = [
        f"{int(n):,} lost since the previous stage ({s:.0%})" if pd.notna(n) else ""
        for n, s in zip(rows["lost"], rows["lost_share"], strict=True)
    ]
    rows["count"] = rows["count"].astype(float)
    steps = list(dict.fromkeys(rows.sort_values("step_order")["step"]))
    y = {"field": "step", "type": "nominal", "sort": steps, "title": None,
         "axis": {"labelLimit": 220}}  # fmt: skip
    x = {"field": "count", "type": "quantitative", "title": "people"}
    columns = ["step", "step_order", "count", "label", "lost_label", "value", "lowercl", "uppercl",
               *([group] if group else [])]  # fmt: skip
    spec: dict[str, Any] = {
        "width": 420, "height": {"step": 34},
        "layer": [
            {"mark": {"type": "bar", "color": OKABE_ITO[0]},
             "encoding": {"y": y, "x": x, "tooltip": [
                 {"field": "step"}, {"field": "count", "format": ","},
                 {"field": "label", "title": "conversion"},
                 {"field": "lost_label", "title": "lost"}]}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 13},
             "encoding": {"y": y, "x": x, "text": {"field": "label"}}},
        ],
    }  # fmt: skip
    chart: dict[str, Any] = {
        **STYLE,
        "description": "Bars of the people reaching each stage, labelled with their number and "
        "share of the first stage.",
        "title": chart_title(
            title,
            "People reaching each stage, their share of the first stage (95% Wilson interval) "
            "and the people lost since the stage before",
            synthetic,
        ),  # fmt: skip
        "data": {"values": records(rows[columns])},
    }
    if group:
        chart |= {"facet": {"row": {"field": group, "type": "nominal", "title": None}},
                  "spec": spec}  # fmt: skip
    else:
        chart |= spec
    return chart


def journey_charts(journey: Journey, funnel: pd.DataFrame | None = None) -> dict[str, Any]:
    """Every chart of one journey by name (``swimlane``, ``emotion`` and, given a funnel or
    stage counts, ``funnel``)."""
    charts = {"swimlane": swimlane_chart(journey), "emotion": emotion_curve_chart(journey)}
    if funnel is None and any(s.count is not None for s in journey.stages):
        funnel = journey_funnel(journey)
    if funnel is not None:
        charts["funnel"] = funnel_chart(funnel, title=f"Drop-off: {journey.title}",
                                        synthetic=journey.synthetic)  # fmt: skip
    return charts
