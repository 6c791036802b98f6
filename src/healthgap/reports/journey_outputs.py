"""Journey outputs for people: accessible HTML (map table, feedback sheet) and file exports.

- :func:`journey_map_html`: the journey map as two HTML tables (swimlane grid with row and
  column headers, then every touchpoint), the screen-reader equivalent of the charts;
- :func:`feedback_html`: "what you told us, what we are doing" as a printable HTML fragment,
  and :func:`feedback_sheet` the same as a whole document to print or send;
- :func:`export_journey`: JSON, CSV files, tables and charts of a journey into one folder.

Templates are Jinja2 files in ``healthgap/reports/templates/`` with autoescaping on.

>>> from healthgap.journeys import load_template
>>> html = journey_map_html(load_template("stop_smoking"))
>>> '<th scope="row">The person</th>' in html and "<caption>" in html
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from healthgap.journeys.exchange import write_journey_csv, write_journey_json
from healthgap.journeys.feedback import FeedbackSummary
from healthgap.journeys.funnel import journey_funnel
from healthgap.journeys.map_table import MAP_COLUMNS, journey_map_table, swimlane_grid
from healthgap.journeys.model import Journey
from healthgap.reports.formatting import signed
from healthgap.reports.journey_charts import journey_charts
from healthgap.reports.render import save_chart
from healthgap.reports.tables import write_csv

__all__ = ["export_journey", "feedback_html", "feedback_sheet", "journey_map_html"]

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("healthgap.reports", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["long_date"] = lambda day: f"{day.day} {day:%B %Y}"  # e.g. 1 April 2025


def journey_map_html(journey: Journey) -> str:
    """HTML fragment: the swimlane grid and the touchpoint table, with captions and headers."""
    table = journey_map_table(journey)
    table["emotion"] = [
        "" if pd.isna(e) else f"{signed(e, decimals=0)} ({w})"
        for e, w in zip(table["emotion"], table["emotion_words"], strict=True)
    ]
    shown = [c for c in MAP_COLUMNS if c not in ("step", "touchpoint", "emotion_words")]
    names = table["step"].astype(str) + ". " + table["touchpoint"]
    rows = [[name, *values] for name, *values in
            zip(names, *(table[c] for c in shown), strict=True)]  # fmt: skip
    headings = ["Touchpoint", *[MAP_COLUMNS[c] for c in shown]]
    return _ENVIRONMENT.get_template("journey_map.html").render(
        journey=journey, anchor=f"journey-{journey.id}", grid=swimlane_grid(journey),
        headings=headings, rows=rows,
    )  # fmt: skip


def feedback_html(summary: FeedbackSummary, *, inline_style: bool = True) -> str:
    """HTML fragment of a feedback summary: headings, lists, quotes; prints cleanly.

    ``inline_style=False`` leaves out its ``<style>`` element, for pages whose stylesheet
    carries the same rules (a Content-Security-Policy may refuse inline styles).
    """
    return _ENVIRONMENT.get_template("journey_feedback.html").render(
        summary=summary, inline_style=inline_style
    )


def feedback_sheet(summary: FeedbackSummary) -> str:
    """A whole HTML document of the summary, to print on A4 or send as a file."""
    return _ENVIRONMENT.get_template("journey_feedback_sheet.html").render(
        summary=summary, body=Markup(feedback_html(summary))
    )


def export_journey(
    journey: Journey,
    folder: str | os.PathLike[str],
    *,
    funnel: pd.DataFrame | None = None,
    chart_formats: Sequence[str] = (".svg", ".png"),
) -> list[Path]:
    """Write a journey's files into ``folder``; returns the paths written.

    ``journey.json``, ``journey-csv/`` (the five CSV files), ``map.csv`` (one row per
    touchpoint), ``swimlanes.csv``, ``map.html``, ``funnel.csv`` (given, or from stage counts)
    and each chart in ``chart_formats`` plus its ``.json`` specification.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = [
        write_journey_json(journey, target / "journey.json"),
        write_journey_csv(journey, target / "journey-csv"),
        write_csv(journey_map_table(journey), target / "map.csv", excel_friendly=True),
        write_csv(
            swimlane_grid(journey).reset_index(), target / "swimlanes.csv", excel_friendly=True
        ),
    ]
    html = target / "map.html"
    html.write_text(journey_map_html(journey), encoding="utf-8")
    written.append(html)
    if funnel is None and any(s.count is not None for s in journey.stages):
        funnel = journey_funnel(journey)
    if funnel is not None:
        written.append(write_csv(funnel, target / "funnel.csv", excel_friendly=True))
    for name, spec in journey_charts(journey, funnel).items():
        for suffix in (*chart_formats, ".json"):
            written.append(save_chart(spec, target / f"{name}{suffix}"))
    return written
