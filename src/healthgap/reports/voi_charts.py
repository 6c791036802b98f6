"""Vega-Lite charts of sensitivity analyses (dicts; render with ``render.save_chart``).

- :func:`tornado_chart`: each uncertain parameter's swing of the outcome from its 2.5th
  to its 97.5th percentile, widest first, one panel per objective;
- :func:`voi_chart`: the expected value of partial perfect information of each parameter
  group beside the value of perfect information about everything.

>>> import pandas as pd
>>> table = pd.DataFrame({"intervention": ["s"], "parameter": ["p"], "objective": ["gap"],
...     "unit": ["years of gap closed"], "point": [1.0], "at_low": [0.8], "at_high": [1.1],
...     "swing": [0.3]})
>>> tornado_chart(table)["facet"]["row"]["field"]
'unit'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records
from healthgap.reports.labels import intervention_name, parameter_name

__all__ = ["tornado_chart", "voi_chart"]


def tornado_chart(tornado: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Bars from the outcome at the low value to the outcome at the high value."""
    rows = tornado.assign(
        label=[
            parameter_name(i, p)
            for i, p in zip(tornado["intervention"], tornado["parameter"], strict=True)
        ],
        low=tornado[["at_low", "at_high"]].min(axis=1),
        high=tornado[["at_low", "at_high"]].max(axis=1),
    )[["label", "unit", "low", "high", "point", "swing", "at_low", "at_high"]]
    order = list(dict.fromkeys(rows.sort_values("swing", ascending=False)["label"]))
    y = {"field": "label", "type": "nominal", "sort": order, "title": None}
    widest = order[0] if order else "no parameter"
    return {
        **STYLE,
        "description": f"The result with each uncertain parameter at its low and high values; "
        f"{widest} moves it most.",
        "title": chart_title(
            "Which uncertain number moves the result most (one at a time)",
            "Each bar: the outcome with the parameter at its 2.5th and 97.5th percentile; "
            "line: all parameters at their point values",
            synthetic,
        ),
        "data": {"values": records(rows)},
        "facet": {"row": {"field": "unit", "type": "nominal", "title": None}},
        "resolve": {"scale": {"x": "independent", "y": "independent"}},
        "spec": {
            "width": 420,
            "layer": [
                {"mark": {"type": "bar", "color": OKABE_ITO[0]},
                 "encoding": {"y": y,
                              "x": {"field": "low", "type": "quantitative",
                                    "title": "outcome"},
                              "x2": {"field": "high"},
                              "tooltip": [{"field": "label"}, {"field": "at_low", "format": ".5g"},
                                          {"field": "at_high", "format": ".5g"}]}},
                {"mark": {"type": "rule", "color": OKABE_ITO[7]},
                 "encoding": {"x": {"field": "point", "type": "quantitative",
                                    "aggregate": "mean"}}},
            ],
        },
    }  # fmt: skip


def voi_chart(voi: pd.DataFrame, *, synthetic: bool = False) -> dict[str, Any]:
    """Bars of EVPPI by parameter group, the EVPI as the first bar, one panel per unit."""
    rows = voi[["group", "statistic", "unit", "value", "se", "share_of_evpi"]]
    rows = rows.assign(label=rows["group"].map(_group_name))
    order = list(dict.fromkeys(rows.sort_values("value", ascending=False)["label"]))
    return {
        **STYLE,
        "description": "The expected value of perfect information about everything (EVPI) "
        "and about each group of parameters (EVPPI), by unit of outcome.",
        "title": chart_title(
            "What learning more would be worth",
            "Expected value of perfect information: about everything (EVPI) and about each "
            "group of parameters (EVPPI)",
            synthetic,
        ),
        "data": {"values": records(rows)},
        "facet": {"row": {"field": "unit", "type": "nominal", "title": None}},
        "resolve": {"scale": {"x": "independent"}},
        "spec": {
            "width": 420,
            "mark": "bar",
            "encoding": {
                "y": {"field": "label", "type": "nominal", "sort": order, "title": None},
                "x": {"field": "value", "type": "quantitative", "title": "expected value"},
                "color": {
                    "field": "statistic",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": ["EVPI", "EVPPI"], "range": [OKABE_ITO[1], OKABE_ITO[0]]},
                },
                "tooltip": [
                    {"field": "label", "title": "parameters"},
                    {"field": "value", "format": ".5g"},
                    {"field": "se", "format": ".2g", "title": "Monte Carlo SE"},
                    {"field": "share_of_evpi", "format": ".0%"},
                ],
            },  # fmt: skip
        },
    }


def _group_name(group: str) -> str:
    """A parameter group of the value-of-information table in words."""
    suffix = " (all its parameters)"
    if group.endswith(suffix):
        return intervention_name(group.removesuffix(suffix)) + suffix
    if "." in group:
        return parameter_name(*group.split(".", 1))
    return group[:1].upper() + group[1:]
