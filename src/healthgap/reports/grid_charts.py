"""Vega-Lite charts of a scenario grid (dicts; render with ``render.save_chart``).

- :func:`grid_spread_chart`: how much each scenario closes the gap across the grid's
  areas (a box per scenario and sex: median, quartiles, range), at the library's
  parameter values and the volumes as specified;
- :func:`budget_sweep_chart`: the mean gap closed across areas at each budget, one line
  per scenario (the best mix at every budget).

>>> import pandas as pd
>>> rows = pd.DataFrame({"scenario": ["a", "a"], "sex": ["male", "female"],
...                      "area_code": ["E1", "E1"], "value": [0.01, 0.02]})
>>> grid_spread_chart(rows)["mark"]["type"]
'boxplot'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records
from healthgap.reports.labels import SEX_NAMES

__all__ = ["budget_sweep_chart", "grid_spread_chart"]


def grid_spread_chart(rows: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Boxes of the gap reduction (``value``, years) of every area, by scenario and sex."""
    return {
        **STYLE,
        "description": "How many years of the gap each scenario closes in each area, by sex: "
        "median, quartiles and range across the areas.",
        "title": chart_title(
            "How much each scenario closes the gap, across areas",
            "Gap reduction in the evaluation year (years); one value per area; box: "
            "quartiles, whiskers: range",
            synthetic,
        ),
        "data": {"values": records(_sexes_named(rows[["scenario", "sex", "area_code", "value"]]))},
        "width": 460,
        "mark": {"type": "boxplot", "extent": "min-max"},
        "encoding": {
            "y": {"field": "scenario", "type": "nominal", "title": None},
            "yOffset": {"field": "sex"},
            "x": {"field": "value", "type": "quantitative", "title": "gap reduction (years)"},
            "color": {
                "field": "sex",
                "type": "nominal",
                "title": None,
                "scale": {"range": [OKABE_ITO[0], OKABE_ITO[1]]},
            },  # fmt: skip
        },
    }


def budget_sweep_chart(summary: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Mean gap reduction across areas (``mean``) by ``budget``, a line per scenario."""
    rows = _sexes_named(summary[["scenario", "sex", "budget", "mean"]])
    scenarios = sorted(rows["scenario"].unique())
    return {
        **STYLE,
        "description": "The mean years of gap closed across areas at each budget, one line "
        "per scenario, by sex.",
        "title": chart_title(
            "What each budget buys: the gap closed by the best mix",
            "Mean gap reduction across areas (years) in the evaluation year",
            synthetic,
        ),  # fmt: skip
        "data": {"values": records(rows)},
        "facet": {"column": {"field": "sex", "type": "nominal", "title": None}},
        "spec": {
            "width": 300,
            "height": 220,
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {
                    "field": "budget",
                    "type": "quantitative",
                    "title": "budget (£)",
                    "axis": {"format": ",.0f"},
                },
                "y": {"field": "mean", "type": "quantitative", "title": "gap reduction (years)"},
                "color": {
                    "field": "scenario",
                    "type": "nominal",
                    "scale": {
                        "domain": scenarios,
                        "range": list(OKABE_ITO[: max(1, len(scenarios))]),
                    },
                },
                "tooltip": [
                    {"field": "scenario"},
                    {"field": "budget", "format": ",.0f"},
                    {"field": "mean", "format": ".5f"},
                ],
            },  # fmt: skip
        },
    }


def _sexes_named(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(sex=rows["sex"].map(lambda key: SEX_NAMES.get(key, key)))
