"""Vega-Lite charts of a scenario run (dicts; render with ``render.save_chart``).

- :func:`waterfall_chart`: from the gap now to the gap with the scenario, one step per
  intervention (added in the scenario's order, combined multiplicatively), on an axis
  from zero so that each step looks as big as it is against the gap;
- :func:`dpp_chart`: deaths prevented or postponed in year T by age band and cause;
- :func:`frontier_chart`: the cost-effectiveness frontier under the year-T gap objective
  and the lifetime life-years objective side by side (their rankings can disagree).

Interventions, causes and the groups compared are named (never keys), causes in their one
colour (``chart_style.CAUSE_COLOURS``); every mark carries a text label or tooltip, and
charts from synthetic data say so in the subtitle.

>>> import pandas as pd
>>> table = pd.DataFrame({"intervention": ["statins", "blood_pressure"], "cost": [4e5, 6e4],
...                       "gap_reduction_alone": [0.0017, 0.0048], "lyg": [728.0, 13.4]})
>>> frontier_chart(table)["hconcat"][0]["title"]["text"]
'Gap closed in the evaluation year'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from healthgap.agebands import band_label
from healthgap.reports.chart_style import (
    OKABE_ITO,
    STYLE,
    cause_colour,
    cause_order,
    chart_title,
    records,
    with_cause_names,
)
from healthgap.reports.formatting import pounds, signed, small, years
from healthgap.reports.labels import comparison_name, intervention_name

__all__ = ["dpp_chart", "frontier_chart", "waterfall_chart"]

#: Pixels two frontier labels need between them so that they do not overlap.
_LABEL_CLEARANCE = 18


def _step_label(change: float) -> str:
    text = signed(change, "years", 2)
    return text if text[1:5] != "0.00" else ("less than 0.01 years" if change else text)


def waterfall_chart(
    waterfall: pd.DataFrame,
    *,
    synthetic: bool = False,
    area_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Waterfall of the gap from ``ScenarioResult.tables["waterfall"]``, one panel per sex
    (first comparison only): the gap now, each intervention's step, the gap with the
    scenario, as horizontal bars from zero with each step's size printed beside it."""
    first = str(waterfall["comparison"].iloc[0])
    rows = waterfall[waterfall["comparison"] == first].sort_values(["sex", "step"]).copy()
    rows["previous"] = rows.groupby("sex")["value"].shift(1)
    rows["start"] = rows["previous"].fillna(0.0)
    rows["end"] = rows["value"]
    rows["name"] = np.where(
        rows["step"] == 0,
        "Gap now",
        rows["statistic"].astype(str).str.removeprefix("+ ").map(intervention_name),
    )
    rows["label"] = np.where(
        rows["step"] == 0,
        rows["value"].map(lambda v: f"{years(v, decimals=2)} years"),
        (rows["value"] - rows["previous"]).map(_step_label),
    )
    last = (
        rows.groupby("sex")
        .tail(1)
        .assign(
            name="Gap with the scenario",
            start=0.0,
            step=lambda f: f["step"] + 1,
            label=lambda f: f["value"].map(lambda v: f"{years(v, decimals=2)} years"),
        )
    )
    rows = pd.concat([rows, last])
    rows["kind"] = np.where(rows["name"].str.startswith("Gap "), "Gap", "Change")
    rows["sex_name"] = rows["sex"].astype(str).str.capitalize() + "s"
    rows["x0"] = rows[["start", "end"]].min(axis=1)
    rows["x1"] = rows[["start", "end"]].max(axis=1)
    order = list(dict.fromkeys(rows.sort_values("step")["name"]))
    y = {"field": "name", "type": "nominal", "sort": order, "title": None}
    compared = comparison_name(first, area_names)
    return {
        **STYLE,
        "title": chart_title(
            "The gap in life expectancy now and with the scenario",
            f"{compared}; each step is the change one intervention makes",
            synthetic,
        ),
        "data": {
            "values": records(rows[["sex_name", "name", "step", "x0", "x1", "label", "kind"]])
        },
        "facet": {
            "row": {
                "field": "sex_name",
                "type": "nominal",
                "title": None,
                "header": {
                    "labelAngle": 0,
                    "labelAlign": "left",
                    "labelAnchor": "start",
                    "labelOrient": "top",
                },
            }
        },
        "spec": {
            "width": 380,
            "height": {"step": 30},
            "layer": [
                {
                    "mark": {"type": "bar"},
                    "encoding": {
                        "y": y,
                        "x": {
                            "field": "x0",
                            "type": "quantitative",
                            "scale": {"zero": True},
                            "title": "Gap (years)",
                        },
                        "x2": {"field": "x1"},
                        "color": {
                            "field": "kind",
                            "type": "nominal",
                            "scale": {
                                "domain": ["Gap", "Change"],
                                "range": [OKABE_ITO[0], OKABE_ITO[1]],
                            },
                            "legend": None,
                        },
                        "tooltip": [
                            {"field": "name", "title": "Step"},
                            {"field": "label", "title": "Years"},
                        ],
                    },
                },
                {
                    "mark": {"type": "text", "align": "left", "dx": 6},
                    "encoding": {
                        "y": y,
                        "x": {"field": "x1", "type": "quantitative"},
                        "text": {"field": "label"},
                    },
                },
            ],
        },
        "description": f"Horizontal bars of the gap in life expectancy ({compared}) now, "
        "each intervention's change and the gap with the scenario, by sex; the size of each "
        "step is printed beside its bar.",
    }


def dpp_chart(dpp: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Stacked bars of combined deaths postponed in year T by age band and cause."""
    rows = dpp[dpp["intervention"] == "combined"]
    rows = rows.groupby(["age_start", "cause"], as_index=False)["value"].sum()
    starts = sorted(rows["age_start"].unique())
    all_starts = sorted({*starts, 0, 1, *range(5, 95, 5)})
    rows["age_band"] = [band_label(s, all_starts) for s in rows["age_start"]]
    causes = cause_order(rows["cause"])
    rows = with_cause_names(rows)
    rows["shown"] = rows["value"].map(small)
    return {
        **STYLE,
        "title": chart_title(
            "Deaths prevented or postponed in the evaluation year",
            "By age band and cause; all interventions combined",
            synthetic,
        ),
        "data": {"values": records(rows)},
        "width": 520,
        "height": 260,
        "mark": "bar",
        "encoding": {
            "x": {
                "field": "age_band",
                "type": "ordinal",
                "sort": [band_label(s, all_starts) for s in starts],
                "title": "Age band",
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "stack": "zero",
                "scale": {"zero": True},
                "title": "Deaths prevented or postponed",
            },
            "color": cause_colour(causes, "Cause"),
            "tooltip": [
                {"field": "age_band", "title": "Age"},
                {"field": "cause_name", "title": "Cause"},
                {"field": "shown", "title": "Deaths"},
            ],
        },
        "description": "Stacked bars of deaths prevented or postponed in the evaluation year "
        "by age band, split by cause.",
    }


def _frontier(table: pd.DataFrame, effect: str) -> pd.DataFrame:
    rows = table[["intervention", "cost", effect]].rename(columns={effect: "effect"}).copy()
    rows = rows[rows["cost"] > 0]
    rows["per_pound"] = rows["effect"] / rows["cost"]
    rows = rows.sort_values("per_pound", ascending=False)
    rows["cumulative_cost"] = rows["cost"].cumsum()
    rows["cumulative_effect"] = rows["effect"].cumsum()
    rows["rank"] = np.arange(1, len(rows) + 1)
    rows["name"] = rows["intervention"].map(intervention_name)
    rows["cost_shown"] = rows["cumulative_cost"].map(pounds)
    rows["effect_shown"] = rows["cumulative_effect"].map(small)
    start = pd.DataFrame(
        {
            "intervention": [""],
            "cumulative_cost": [0.0],
            "cumulative_effect": [0.0],
            "rank": [0],
            "name": ["Nothing added"],
            "cost_shown": ["£0"],
            "effect_shown": ["0"],
        }
    )
    return pd.concat([start, rows], ignore_index=True)


def _point_labels(rows: pd.DataFrame, width: int, height: int) -> pd.DataFrame:
    """One label per cluster of points closer than :data:`_LABEL_CLEARANCE` pixels (e.g.
    "2, 3"), placed at the cluster's first point, so labels never overlap; the panel's
    subtitle says which intervention each number is."""
    points = rows[rows["rank"] > 0]
    x_max = max(float(rows["cumulative_cost"].max()), 1e-12)
    y_max = max(float(rows["cumulative_effect"].max()), 1e-12)
    px = points["cumulative_cost"].to_numpy() / x_max * width
    py = points["cumulative_effect"].to_numpy() / y_max * height
    clusters: list[list[int]] = []
    for i in range(len(points)):
        near = clusters and np.hypot(px[i] - px[clusters[-1][0]], py[i] - py[clusters[-1][0]])
        if clusters and near < _LABEL_CLEARANCE:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    ranks = points["rank"].to_numpy()
    return pd.DataFrame(
        {
            "cumulative_cost": [points["cumulative_cost"].iloc[c[0]] for c in clusters],
            "cumulative_effect": [points["cumulative_effect"].iloc[c[0]] for c in clusters],
            "text": [", ".join(str(ranks[i]) for i in c) for c in clusters],
        }
    )


def frontier_chart(interventions: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Cost-effectiveness frontiers (interventions added best value first) under the
    year-T gap objective and the lifetime objective, side by side; points are numbered in
    the order added and each panel's subtitle names them."""
    panels = []
    width, height = 300, 240
    for effect, title, axis in (
        ("gap_reduction_alone", "Gap closed in the evaluation year", "Gap closed (years)"),
        ("lyg", "Life-years gained over a lifetime", "Life-years gained"),
    ):
        rows = _frontier(interventions, effect)
        key = [f"{r}. {n}" for r, n in zip(rows["rank"], rows["name"], strict=True) if r > 0]
        enc = {
            "x": {
                "field": "cumulative_cost",
                "type": "quantitative",
                "title": "Cost (£)",
                "scale": {
                    "zero": True,
                    "nice": False,
                    "domain": [0, float(rows["cumulative_cost"].max()) * 1.1 or 1],
                },
                "axis": {"format": "~s", "tickCount": 4},
            },
            "y": {
                "field": "cumulative_effect",
                "type": "quantitative",
                "title": axis,
                "scale": {
                    "zero": True,
                    "nice": False,
                    "domain": [0, float(rows["cumulative_effect"].max()) * 1.15 or 1],
                },
                "axis": {"tickCount": 5},
            },
        }
        panels.append(
            {
                "title": {"text": title, "subtitle": key, "fontSize": 15, "anchor": "start"},
                "width": width,
                "height": height,
                "layer": [
                    {
                        "data": {"values": records(rows)},
                        "mark": {"type": "line", "point": True, "color": OKABE_ITO[0]},
                        "encoding": {
                            **enc,
                            "order": {"field": "rank"},
                            "tooltip": [
                                {"field": "name", "title": "Added"},
                                {"field": "cost_shown", "title": "Cost so far"},
                                {"field": "effect_shown", "title": axis},
                            ],
                        },
                    },
                    {
                        "data": {"values": records(_point_labels(rows, width, height))},
                        "mark": {"type": "text", "align": "right", "dx": -6, "dy": -8},
                        "encoding": {**enc, "text": {"field": "text"}},
                    },
                ],
            }
        )
    return {
        **STYLE,
        "title": chart_title(
            "Cost-effectiveness frontier: the best value first",
            "The two objectives can rank interventions differently",
            synthetic,
        ),
        "hconcat": panels,
        "description": "Two line charts of the cumulative effect against the cumulative cost "
        "as interventions are added best value first, for the gap in the evaluation year and "
        "for life-years over a lifetime; points are numbered in the order added.",
    }
