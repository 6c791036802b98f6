"""Vega-Lite charts of a pledge campaign, and the share image of one pledge.

Charts take tables that have been through :mod:`healthgap.reports.engage_tables` (so small
counts are already suppressed) and say in the subtitle when some were. Colours are the
Okabe-Ito palette and every mark has a text label or tooltip.

- :func:`pledges_by_day_chart`, :func:`pledges_by_theme_chart`, :func:`district_chart`;
- :func:`followup_chart`: "I kept it / Partly / Not yet" shares per reminder week, with
  Wilson 95% intervals;
- :func:`conversion_chart`: pledges per 100 page views per day, with intervals.

The share image of a pledge is :mod:`healthgap.reports.pledge_share_card`.

>>> import pandas as pd
>>> table = pd.DataFrame({"theme": ["diet", "activity"], "statistic": "pledges",
...                       "count": [40.0, None], "disclosure_note": ["", "count suppressed"]})
>>> spec = pledges_by_theme_chart(table, campaign_title="Small changes")
>>> spec["title"]["subtitle"]
['Counts of 1-7 are not shown; others are rounded to the nearest 5']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from healthgap.engage.campaigns import Theme
from healthgap.engage.pledge_followup import CheckinOutcome
from healthgap.reports.chart_style import OKABE_ITO, STYLE, chart_title, records

__all__ = [
    "conversion_chart",
    "district_chart",
    "followup_chart",
    "pledges_by_day_chart",
    "pledges_by_theme_chart",
]

SUPPRESSION_NOTE = "Counts of 1-7 are not shown; others are rounded to the nearest 5"
_OUTCOME_ORDER = [o.label for o in CheckinOutcome]


def _subtitle(table: pd.DataFrame, extra: str | None = None) -> str | None:
    suppressed = (
        "disclosure_note" in table.columns
        and table["disclosure_note"].astype(str).str.contains("suppressed|not shown").any()
    )
    parts = [p for p in (extra, SUPPRESSION_NOTE if suppressed else None) if p]
    return "; ".join(parts) or None


def _pledge_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["statistic"] == "pledges"].copy()


def pledges_by_day_chart(
    table: pd.DataFrame, *, campaign_title: str, synthetic: bool = False
) -> dict[str, Any]:
    """Bars of pledges per day (from the ``pledges_by_day`` table)."""
    rows = _pledge_rows(table)
    rows["day"] = rows["day"].astype(str)
    return {
        **STYLE,
        "description": f"Bar chart of pledges made each day of {campaign_title}.",
        "title": chart_title(f"Pledges per day: {campaign_title}", _subtitle(rows), synthetic),
        "width": 560,
        "height": 240,
        "data": {"values": records(rows[["day", "count"]])},
        "mark": {"type": "bar", "color": OKABE_ITO[0]},
        "encoding": {
            # one bar a day, labelled as a date (a time axis would stretch a single day's bar
            # across the chart and repeat its date in the ticks)
            "x": {
                "field": "day",
                "type": "ordinal",
                "timeUnit": "yearmonthdate",
                "title": "Day",
                "axis": {"format": "%-d %b %Y", "labelAngle": 0, "labelOverlap": True},
            },
            "y": {"field": "count", "type": "quantitative", "title": "Pledges"},
            "tooltip": [
                {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate"},
                {"field": "count", "type": "quantitative", "title": "pledges"},
            ],
        },
    }


def _horizontal_bars(
    rows: pd.DataFrame, category: str, axis_title: str, title: dict[str, Any]
) -> dict[str, Any]:
    shown = rows[rows["count"].notna()].sort_values("count", ascending=False, kind="stable")
    order = [str(c) for c in shown[category]]
    y = {"field": category, "type": "nominal", "sort": order, "title": axis_title}
    x = {"field": "count", "type": "quantitative", "title": "Pledges"}
    return {
        **STYLE,
        "description": f"Horizontal bars of {category.replace('_', ' ')} counts, largest first; "
        f"each bar is labelled with its count.",
        "title": title,
        "width": 420,
        "data": {"values": records(shown[[category, "count"]])},
        "encoding": {"y": y, "x": x},
        "layer": [
            {"mark": {"type": "bar", "color": OKABE_ITO[0]},
             "encoding": {"tooltip": [{"field": category}, {"field": "count"}]}},
            {"mark": {"type": "text", "align": "left", "dx": 3},
             "encoding": {"text": {"field": "count", "type": "quantitative", "format": ",.0f"}}},
        ],
    }  # fmt: skip


def pledges_by_theme_chart(
    table: pd.DataFrame, *, campaign_title: str, synthetic: bool = False
) -> dict[str, Any]:
    """Pledges per theme (from the ``pledges_by_theme`` table), labelled in words."""
    rows = _pledge_rows(table)
    labels = {t.value: t.label for t in Theme}
    rows["theme"] = rows["theme"].map(lambda t: labels.get(t, str(t)))
    title = chart_title(f"Pledges by theme: {campaign_title}", _subtitle(rows), synthetic)
    return _horizontal_bars(rows, "theme", "Theme", title)


def district_chart(
    table: pd.DataFrame, notes: list[str], *, campaign_title: str, synthetic: bool = False
) -> dict[str, Any]:
    """Pledges per postcode district, largest first (from
    :func:`~healthgap.reports.engage_tables.district_map_table`)."""
    hidden = next((n for n in notes[1:] if "not shown" in n), None)  # notes[0]: the policy
    title = chart_title(f"Pledges by postcode district: {campaign_title}", hidden, synthetic)
    spec = _horizontal_bars(table, "postcode_district", "Postcode district", title)
    spec["height"] = {"step": 16}
    return spec


def followup_chart(
    table: pd.DataFrame, *, campaign_title: str, synthetic: bool = False
) -> dict[str, Any]:
    """Share of check-in answers per outcome, one panel per reminder week, 95% CIs."""
    rows = table.copy()
    rows["answer"] = rows["outcome"].map(lambda o: CheckinOutcome(o).label)
    rows["week_label"] = "Week " + rows["week"].astype(str)
    weeks = [f"Week {w}" for w in sorted(rows["week"].unique())]
    rows["label"] = rows["value"].map(lambda v: "not shown" if pd.isna(v) else f"{v:.0f}%")
    subtitle = _subtitle(rows, "Bars: % of answers; lines: 95% confidence intervals (Wilson)")
    y = {"field": "answer", "type": "nominal", "sort": _OUTCOME_ORDER, "title": None}
    colour = {"field": "answer", "type": "nominal", "legend": None,
              "scale": {"domain": _OUTCOME_ORDER, "range": list(OKABE_ITO[2:5])}}  # fmt: skip
    return {
        **STYLE,
        "description": f"Share of pledges kept at each follow-up week of {campaign_title}, with "
        f"95% intervals.",
        "title": chart_title(f"How pledges went: {campaign_title}", subtitle, synthetic),
        "data": {"values": records(rows[["week_label", "answer", "value", "lowercl",
                                         "uppercl", "label"]])},
        "facet": {"row": {"field": "week_label", "type": "nominal", "title": None,
                          "sort": weeks}},
        "spec": {
            "width": 360,
            "encoding": {"y": y},
            "layer": [
                {"mark": "bar",
                 "encoding": {"x": {"field": "value", "type": "quantitative",
                                    "title": "% of answers", "scale": {"domain": [0, 100]}},
                              "color": colour,
                              "tooltip": [{"field": "answer"}, {"field": "label"}]}},
                {"mark": {"type": "rule", "color": "#000000"},
                 "encoding": {"x": {"field": "lowercl", "type": "quantitative"},
                              "x2": {"field": "uppercl"}}},
                {"mark": {"type": "text", "align": "left", "x": 365},
                 "encoding": {"text": {"field": "label"}}},
            ],
        },
    }  # fmt: skip


def conversion_chart(
    table: pd.DataFrame, *, campaign_title: str, synthetic: bool = False
) -> dict[str, Any]:
    """Pledges per 100 page views per day with 95% intervals (``conversion_by_day``)."""
    rows = table[table["value"].notna()].copy()
    rows["day"] = rows["day"].astype(str)
    subtitle = _subtitle(table, "Points: pledges per 100 views; lines: 95% CI (Wilson)")
    x = {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": "Day"}
    return {
        **STYLE,
        "description": f"Share of page views that became pledges each day of {campaign_title}.",
        "title": chart_title(f"Page views that became pledges: {campaign_title}", subtitle,
                             synthetic),
        "width": 560,
        "height": 240,
        "data": {"values": records(rows[["day", "value", "lowercl", "uppercl"]])},
        "encoding": {"x": x},
        "layer": [
            {"mark": {"type": "rule", "color": OKABE_ITO[0]},
             "encoding": {"y": {"field": "lowercl", "type": "quantitative",
                                "title": "Pledges per 100 page views"},
                          "y2": {"field": "uppercl"}}},
            {"mark": {"type": "point", "filled": True, "color": OKABE_ITO[0]},
             "encoding": {"y": {"field": "value", "type": "quantitative"},
                          "tooltip": [{"field": "day", "type": "temporal",
                                       "timeUnit": "yearmonthdate"},
                                      {"field": "value", "format": ".1f"}]}},
        ],
    }  # fmt: skip
