"""Vega-Lite v5 charts of a scenario run (dicts; render with ``render.save_chart``).

- :func:`waterfall_chart`: from the baseline gap to the scenario gap, one step per
  intervention (added in the scenario's order, combined multiplicatively);
- :func:`dpp_chart`: deaths prevented or postponed in year T by age band and cause;
- :func:`frontier_chart`: the cost-effectiveness frontier under the year-T gap objective
  and the lifetime life-years objective side by side (their rankings can disagree).

Colours are the Okabe-Ito palette; every mark carries a text label or tooltip, and
charts from synthetic data say so in the subtitle.

>>> import pandas as pd
>>> table = pd.DataFrame({"intervention": ["A", "B"], "cost": [4e5, 6e4],
...                       "gap_reduction_alone": [0.0017, 0.0048], "lyg": [728.0, 13.4]})
>>> frontier_chart(table)["hconcat"][0]["title"]
'Year-T gap objective'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from healthgap.agebands import band_label
from healthgap.reports.chart_style import OKABE_ITO, SCHEMA, SYNTHETIC_NOTE, records

__all__ = ["dpp_chart", "frontier_chart", "waterfall_chart"]


def _title(text: str, synthetic: bool, subtitle: str = "") -> dict[str, Any]:
    lines = [s for s in (subtitle, SYNTHETIC_NOTE if synthetic else "") if s]
    return {"text": text, "subtitle": lines} if lines else {"text": text}


def waterfall_chart(waterfall: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Waterfall of the gap from ``ScenarioResult.tables["waterfall"]``, one panel per sex
    (first comparison only)."""
    first = waterfall["comparison"].iloc[0]
    rows = waterfall[waterfall["comparison"] == first].sort_values(["sex", "step"]).copy()
    rows["previous"] = rows.groupby("sex")["value"].shift(1)
    rows["start"] = rows["previous"].fillna(0.0)
    rows["end"] = rows["value"]
    rows["label"] = np.where(
        rows["step"] == 0,
        rows["value"].map(lambda v: f"{v:.3f} y"),
        (rows["value"] - rows["previous"]).map(lambda v: f"{v:+.5f} y"),
    )
    last = rows.groupby("sex").tail(1).assign(
        statistic="scenario gap", start=0.0, label=lambda f: f["value"].map(lambda v: f"{v:.3f} y"),
        step=lambda f: f["step"] + 1,
    )  # fmt: skip
    rows = pd.concat([rows, last])
    rows["kind"] = np.where(rows["statistic"].isin(["baseline", "scenario gap"]), "gap", "change")
    # each sex gets its own axis, starting just below its smallest gap
    floor = rows.groupby("sex")["end"].transform("min") * 0.995
    rows["start"] = np.where(rows["kind"] == "gap", floor, rows["start"])
    order = list(dict.fromkeys(rows.sort_values("step")["statistic"]))
    x = {"field": "statistic", "type": "nominal", "sort": order, "title": None}
    return {
        "$schema": SCHEMA,
        "title": _title(f"Life expectancy gap, baseline to scenario: {first}", synthetic,
                        "Axis does not start at zero: steps are small against the gap"),
        "data": {"values": records(rows[["sex", "statistic", "step", "start", "end",
                                          "label", "kind"]])},
        "facet": {"row": {"field": "sex", "type": "nominal", "title": None}},
        "resolve": {"scale": {"y": "independent"}},
        "spec": {
            "width": 420, "height": 220,
            "layer": [
                {"mark": {"type": "bar"},
                 "encoding": {"x": x,
                              "y": {"field": "start", "type": "quantitative",
                                    "scale": {"zero": False}, "title": "gap (years)"},
                              "y2": {"field": "end"},
                              "color": {"field": "kind", "type": "nominal",
                                        "scale": {"range": [OKABE_ITO[0], OKABE_ITO[2]]},
                                        "title": None},
                              "tooltip": [{"field": "statistic"}, {"field": "label"}]}},
                {"mark": {"type": "text", "dy": -6},
                 "encoding": {"x": x, "y": {"field": "end", "type": "quantitative"},
                              "text": {"field": "label"}}},
            ],
        },
    }  # fmt: skip


def dpp_chart(dpp: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Stacked bars of combined deaths postponed in year T by age band and cause."""
    rows = dpp[dpp["intervention"] == "combined"]
    rows = rows.groupby(["age_start", "cause"], as_index=False)["value"].sum()
    starts = sorted(rows["age_start"].unique())
    all_starts = sorted({*starts, 0, 1, *range(5, 95, 5)})
    rows["age_band"] = [band_label(s, all_starts) for s in rows["age_start"]]
    causes = sorted(rows["cause"].unique())
    return {
        "$schema": SCHEMA,
        "title": _title("Deaths prevented or postponed in the evaluation year", synthetic,
                        "By age band and cause; all interventions combined"),
        "data": {"values": records(rows)},
        "width": 480, "height": 260,
        "mark": "bar",
        "encoding": {
            "x": {"field": "age_band", "type": "ordinal", "sort": [band_label(s, all_starts)
                                                                for s in starts],
                  "title": "age band"},
            "y": {"field": "value", "type": "quantitative", "stack": "zero",
                  "title": "deaths prevented or postponed"},
            "color": {"field": "cause", "type": "nominal",
                      "scale": {"domain": causes, "range": list(OKABE_ITO[: len(causes)])}},
            "tooltip": [{"field": "age_band"}, {"field": "cause"},
                        {"field": "value", "format": ".3f"}],
        },
    }  # fmt: skip


def _frontier(table: pd.DataFrame, effect: str) -> pd.DataFrame:
    rows = table[["intervention", "cost", effect]].rename(columns={effect: "effect"}).copy()
    rows = rows[rows["cost"] > 0]
    rows["per_pound"] = rows["effect"] / rows["cost"]
    rows = rows.sort_values("per_pound", ascending=False)
    rows["cumulative_cost"] = rows["cost"].cumsum()
    rows["cumulative_effect"] = rows["effect"].cumsum()
    rows["rank"] = np.arange(1, len(rows) + 1)
    rows["label"] = [f"{r}. {i}" for r, i in zip(rows["rank"], rows["intervention"], strict=True)]
    start = pd.DataFrame({"intervention": [""], "cumulative_cost": [0.0],
                          "cumulative_effect": [0.0], "rank": [0], "label": [""]})  # fmt: skip
    return pd.concat([start, rows], ignore_index=True)


def frontier_chart(interventions: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Cost-effectiveness frontiers (interventions added best value first) under the
    year-T gap objective and the lifetime objective, side by side."""
    panels = []
    for effect, title, axis in (
        ("gap_reduction_alone", "Year-T gap objective", "gap closed (years)"),
        ("lyg", "Lifetime objective", "life-years gained"),
    ):
        rows = _frontier(interventions, effect)
        enc = {
            "x": {"field": "cumulative_cost", "type": "quantitative", "title": "cost (£)"},
            "y": {"field": "cumulative_effect", "type": "quantitative", "title": axis},
        }
        panels.append({
            "title": title, "width": 300, "height": 240,
            "data": {"values": records(rows)},
            "layer": [
                {"mark": {"type": "line", "point": True, "color": OKABE_ITO[0]},
                 "encoding": {**enc, "order": {"field": "rank"},
                              "tooltip": [{"field": "label"},
                                          {"field": "cumulative_cost", "format": ",.0f"},
                                          {"field": "cumulative_effect", "format": ".4g"}]}},
                {"mark": {"type": "text", "align": "left", "dx": 5, "dy": -5},
                 "encoding": {**enc, "text": {"field": "label"}}},
            ],
        })  # fmt: skip
    return {
        "$schema": SCHEMA,
        "title": _title(
            "Cost-effectiveness frontier: best value first",
            synthetic,
            "The two objectives can rank interventions differently",
        ),
        "hconcat": panels,
    }
