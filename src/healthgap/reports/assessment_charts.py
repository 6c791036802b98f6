"""Vega-Lite v5 charts of a self-assessment (dicts; render with ``render.save_chart``).

- :func:`radar_chart`: items on spokes; the current agreed level, the target and the
  previous assessment as three outlines told apart by dash as well as colour, and a whisker
  from the lowest to the highest individual rating on each spoke (the spread, not a mean);
- :func:`heatmap_chart`: topics or places × items, each cell coloured and labelled with its
  agreed level, rows in the order given (no ranking, no totals);
- :func:`triangle_chart`: the Population Intervention Triangle, its three segments, three
  seams and centre shaded by agreed level and labelled.

Each takes the table from :mod:`healthgap.assessment.profiles` that it draws, and each has
a ``*_readable`` twin returning that table laid out for reading (screen readers, print).
Colours are the levels' own (RAG); every mark also carries its level as text.

>>> from healthgap.assessment import Assessment, Consensus, Scope, shipped_catalogue
>>> from healthgap.assessment import profile_table
>>> hinst = shipped_catalogue().get("hinst_cbo")
>>> done = Assessment("hinst_cbo", "1.0", Scope("E06000001", "CVD", "2025"), "quick",
...                   consensus=(Consensus("known_needs", "2", "no breakdown by group", "3"),))
>>> spec = radar_chart(profile_table(hinst, done), title="CVD in Hartlepool")
>>> spec["title"]["text"], len(spec["layer"])
('CVD in Hartlepool', 8)
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np
import pandas as pd

from healthgap.reports.assessment_heatmap import heatmap_chart, heatmap_readable, text_colour
from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records

__all__ = [
    "heatmap_chart",
    "heatmap_readable",
    "radar_chart",
    "radar_readable",
    "text_colour",
    "triangle_chart",
    "triangle_readable",
]

_PROFILES = ("current", "target", "previous")
_DASH = {"current": [1, 0], "target": [6, 3], "previous": [2, 2]}
_HALF_WIDTH, _HALF_HEIGHT, _PIXELS_PER_UNIT = 1.9, 1.2, 170
_LABEL_LIMIT = {"left": 170, "right": 170, "center": 280}  # px; top and bottom have room
_INNER = 0.15  # radius of the lowest level: a point at the very centre would hide its spoke
#: The radar's legend names the profiles in words ("current" is the agreed level now).
_PROFILE_LEGEND = {
    "title": None,
    "orient": "bottom",
    "labelExpr": "datum.label == 'current' ? 'agreed now' : datum.label == 'previous'"
    " ? 'previous assessment' : datum.label",
}


def _levels(profile: pd.DataFrame) -> tuple[int, int]:
    known = profile["level_position"].dropna().astype(int)
    spread = pd.concat([known, profile["lowest_position"].dropna().astype(int),
                        profile["highest_position"].dropna().astype(int)])  # fmt: skip
    low = int(spread.min()) if len(spread) else 0
    return min(low, 0), max(int(spread.max()) if len(spread) else 1, low + 1)


def radar_chart(
    profile: pd.DataFrame,
    *,
    title: str,
    level_labels: dict[int, str] | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """Radar of :func:`~healthgap.assessment.profile_table` (current, target, previous).

    ``level_labels`` maps positions to level names for the rings (default: from the table).
    """
    items = profile.drop_duplicates("item_id").sort_values("item_order")
    n = len(items)
    low, high = _levels(profile)
    if level_labels is None:
        named = profile.dropna(subset=["level_position"])
        level_labels = dict(zip(named["level_position"].astype(int), named["level_label"],
                                strict=True))  # fmt: skip
    angle = {item: 2 * math.pi * i / n for i, item in enumerate(items["item_id"])}

    def radius(position: pd.Series) -> pd.Series:
        return _INNER + (1 - _INNER) * (position.astype(float) - low) / (high - low)

    def place(frame: pd.DataFrame, r: pd.Series, suffix: str = "") -> pd.DataFrame:
        theta = frame["item_id"].map(angle)
        return frame.assign(**{f"x{suffix}": r * np.sin(theta), f"y{suffix}": r * np.cos(theta)})

    lines = place(profile, radius(profile["level_position"]))
    lines = lines[lines["profile"].isin(_PROFILES)]
    first = lines.sort_values("item_order").groupby("profile").head(1).assign(item_order=n)
    outline = pd.concat([lines, first]).dropna(subset=["x"])  # close each outline
    current = profile[(profile["profile"] == "current") & profile["lowest_position"].notna()]
    whiskers = place(place(current, radius(current["lowest_position"])),
                     radius(current["highest_position"]), "2")  # fmt: skip
    whiskers = whiskers.assign(
        spread=whiskers["lowest_position"].astype(int).map(level_labels)
        + " to "
        + whiskers["highest_position"].astype(int).map(level_labels)
    )
    steps = np.arange(low, high + 1)
    ring_rows = [(lv, k, angle_k) for lv in steps for k, angle_k in enumerate(
        [*angle.values(), 0.0])]  # fmt: skip
    rings = pd.DataFrame(ring_rows, columns=["level", "order", "theta"])
    rings_r = radius(rings["level"])
    rings = rings.assign(x=rings_r * np.sin(rings["theta"]), y=rings_r * np.cos(rings["theta"]))
    spokes = place(items.assign(x0=0.0, y0=0.0), pd.Series(1.0, index=items.index))
    labels = place(items, pd.Series(1.08, index=items.index))
    labels = labels.assign(
        label=labels["item_number"] + " " + labels["item_name"],
        side=np.select([labels["x"] > 0.05, labels["x"] < -0.05], ["left", "right"], "center"),
    )
    ring_labels = pd.DataFrame(
        {
            "level": steps,
            "x": 0.02,
            "y": radius(pd.Series(steps)),
            "label": [level_labels.get(int(s), str(s)) for s in steps],
        }
    )
    # equal pixels per unit on both axes, with room beside the spokes for their labels
    x_axis = {"axis": None, "scale": {"domain": [-_HALF_WIDTH, _HALF_WIDTH]}}
    y_axis = {"axis": None, "scale": {"domain": [-_HALF_HEIGHT, _HALF_HEIGHT]}}
    x = {"field": "x", "type": "quantitative", **x_axis}
    y = {"field": "y", "type": "quantitative", **y_axis}
    shown = [p for p in _PROFILES if p in set(outline["profile"])]
    return {
        **STYLE,
        "title": chart_title(title, "Agreed levels; whiskers span the individual ratings",
                             synthetic),  # fmt: skip
        "description": f"Radar of {n} items: agreed level (current), target and previous "
        "assessment; a table of the same values is given beside the chart.",
        "width": _PIXELS_PER_UNIT * 2 * _HALF_WIDTH,
        "height": _PIXELS_PER_UNIT * 2 * _HALF_HEIGHT,
        "datasets": {
            "rings": records(rings[["level", "order", "x", "y"]]),
            "spokes": records(spokes[["item_id", "x", "y", "x0", "y0"]]),
            "outline": records(outline[["item_id", "item_name", "item_order", "profile",
                                        "level_label", "x", "y"]]),  # fmt: skip
            "whiskers": records(whiskers[["item_name", "spread", "ratings", "x", "y", "x2",
                                          "y2"]]),  # fmt: skip
            "labels": records(labels[["label", "side", "x", "y"]]),
            "ring_labels": records(ring_labels),
        },
        "layer": [
            {"data": {"name": "rings"}, "mark": {"type": "line", "color": "#B1B4B6",
                                                 "strokeWidth": 0.8},
             "encoding": {"x": x, "y": y, "detail": {"field": "level"},
                          "order": {"field": "order"}}},
            {"data": {"name": "spokes"}, "mark": {"type": "rule", "color": "#B1B4B6"},
             "encoding": {"x": {"field": "x0", "type": "quantitative", **x_axis},
                          "y": {"field": "y0", "type": "quantitative", **y_axis},
                          "x2": {"field": "x"}, "y2": {"field": "y"}}},
            {"data": {"name": "ring_labels"},
             "mark": {"type": "text", "align": "left", "fontSize": 13, "color": "#505A5F"},
             "encoding": {"x": x, "y": y, "text": {"field": "label"}}},
            {"data": {"name": "whiskers"},
             "mark": {"type": "rule", "color": "#0B0C0C", "strokeWidth": 3, "opacity": 0.35},
             "encoding": {"x": x, "y": y, "x2": {"field": "x2"}, "y2": {"field": "y2"},
                          "tooltip": [{"field": "item_name", "title": "item"},
                                      {"field": "spread", "title": "individual ratings"},
                                      {"field": "ratings", "title": "people rating"}]}},
            {"data": {"name": "outline"},
             "mark": {"type": "line", "point": True, "strokeWidth": 2},
             "encoding": {
                 "x": x, "y": y, "order": {"field": "item_order"},
                 "color": {"field": "profile", "type": "nominal", "sort": shown,
                           "scale": {"domain": shown,
                                     "range": list(OKABE_ITO[: len(shown)])},
                           "legend": _PROFILE_LEGEND},
                 "strokeDash": {"field": "profile", "type": "nominal", "sort": shown,
                                "scale": {"domain": shown,
                                          "range": [_DASH[p] for p in shown]},
                                "legend": _PROFILE_LEGEND},
                 "tooltip": [{"field": "item_name", "title": "item"},
                             {"field": "profile"}, {"field": "level_label", "title": "level"}],
             }},
            *[{"data": {"name": "labels"},
               "transform": [{"filter": {"field": "side", "equal": side}}],
               "mark": {"type": "text", "fontSize": 13, "limit": _LABEL_LIMIT[side],
                        "align": side, "baseline": "middle"},
               "encoding": {"x": x, "y": y, "text": {"field": "label"}}}
              for side in ("left", "center", "right")],
        ],
    }  # fmt: skip


def radar_readable(
    profile: pd.DataFrame, level_labels: dict[int, str] | None = None
) -> pd.DataFrame:
    """One row per item: current, target and previous level and the individual range
    (``level_labels`` names every position; by default those agreed or targeted)."""
    wide = profile.pivot_table(index=["item_order", "item_number", "item_name"],
                               columns="profile", values="level_label", aggfunc="first",
                               observed=True).reset_index()  # fmt: skip
    current = profile[profile["profile"] == "current"].set_index("item_order")
    names = profile.dropna(subset=["level_position"]).drop_duplicates("level_position")
    label = level_labels or dict(
        zip(names["level_position"].astype(int), names["level_label"], strict=True)
    )

    def span(row: pd.Series) -> str:
        if pd.isna(row["lowest_position"]):
            return ""
        low, high = label.get(int(row["lowest_position"]), ""), label.get(
            int(row["highest_position"]), "")  # fmt: skip
        return low if low == high else f"{low} to {high}"

    wide["individual_ratings"] = wide["item_order"].map(current.apply(span, axis=1))
    columns = ["item_number", "item_name", *[p for p in _PROFILES if p in wide.columns],
               "individual_ratings"]  # fmt: skip
    return wide.sort_values("item_order")[columns].reset_index(drop=True)


def _triangle_polygons(side: float = 400.0, inner: float = 0.3) -> dict[str, list[list[float]]]:
    """Seven regions partitioning a triangle: corners, edge seams and a central triangle."""
    height = side * math.sqrt(3) / 2
    corners = {"civic": np.array([side / 2, height]), "service": np.array([0.0, 0.0]),
               "community": np.array([side, 0.0])}  # fmt: skip
    centre = sum(corners.values()) / 3
    core = {k: centre + inner * (v - centre) for k, v in corners.items()}

    def third(a: str, b: str) -> np.ndarray:
        return corners[a] + (corners[b] - corners[a]) / 3

    names = list(corners)
    shapes: dict[str, list[np.ndarray]] = {}
    for a in names:
        b, c = (n for n in names if n != a)
        shapes[a] = [corners[a], third(a, b), core[a], third(a, c)]
    for a, b, seam in (("civic", "community", "civic_community"),
                       ("service", "community", "service_community"),
                       ("civic", "service", "civic_service")):  # fmt: skip
        shapes[seam] = [third(a, b), third(b, a), core[b], core[a]]
    shapes["centre"] = [core[n] for n in names]
    return {k: [[float(x), float(y)] for x, y in [*v, v[0]]] for k, v in shapes.items()}


def triangle_chart(triangle: pd.DataFrame, *, title: str, synthetic: bool = False
                   ) -> dict[str, Any]:  # fmt: skip
    """The triangle of :func:`~healthgap.assessment.triangle_table`, shaded by agreed level:
    civic interventions at the top, services bottom left, communities bottom right, the
    seams between them and place-based planning at the centre."""
    polygons = _triangle_polygons()
    rows = triangle.assign(text_colour=triangle["colour"].map(text_colour))
    features, labels = [], []
    for row in records(rows):
        ring = polygons[row["pit_position"]]
        features.append(
            {
                "type": "Feature",
                "properties": row,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
        xs, ys = zip(*ring[:-1], strict=True)
        labels.append({**row, "lon": sum(xs) / len(xs), "lat": sum(ys) / len(ys),
                       "text": "\n".join([*textwrap.wrap(row["item_name"], 20),
                                           row["level_label"]])})  # fmt: skip
    projection = {"type": "identity", "reflectY": True}
    return {
        **STYLE,
        "title": chart_title(title, "Segments, seams and centre shaded by agreed level",
                             synthetic),  # fmt: skip
        "description": "Population Intervention Triangle with each of its seven components "
        "labelled with its agreed level; the same values are given as a table.",
        "width": 520,
        "height": 450,
        "projection": projection,
        "layer": [
            {"data": {"values": features},
             "mark": {"type": "geoshape", "stroke": "#FFFFFF", "strokeWidth": 2},
             "encoding": {"color": {"field": "properties.colour", "type": "nominal",
                                    "scale": None},
                          "tooltip": [{"field": "properties.item_name", "title": "component"},
                                      {"field": "properties.level_label", "title": "agreed"}]}},
            {"data": {"values": labels},
             "mark": {"type": "text", "fontSize": 13, "lineBreak": "\n", "limit": 110},
             "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                          "latitude": {"field": "lat", "type": "quantitative"},
                          "text": {"field": "text"},
                          "color": {"field": "text_colour", "type": "nominal",
                                    "scale": None}}},
        ],
    }  # fmt: skip


def triangle_readable(triangle: pd.DataFrame) -> pd.DataFrame:
    """The seven components, where each sits in the triangle, and its agreed level."""
    where = {"civic": "segment (top)", "service": "segment (bottom left)",
             "community": "segment (bottom right)", "civic_community": "seam (right side)",
             "service_community": "seam (bottom)", "civic_service": "seam (left side)",
             "centre": "centre"}  # fmt: skip
    return pd.DataFrame({
        "component": triangle["item_name"],
        "place_in_triangle": triangle["pit_position"].map(where),
        "agreed_level": triangle["level_label"],
    }).reset_index(drop=True)  # fmt: skip
