"""Files of a self-assessment summary: CSV, XLSX, JSON and an accessible HTML summary.

Takes the bundle of :func:`healthgap.analyses.assessment_summary.assessment_summary` and
writes it with the engine's own exporters (:func:`healthgap.assessment.report_csv`,
:func:`~healthgap.assessment.report_xlsx`, :func:`~healthgap.assessment.report_json`), adding
the chart tables and the provenance. The HTML summary is one self-contained page for a
Health and Wellbeing Board (WCAG 2.2: headings in order, tables with captions and headers,
each chart an image with a text alternative followed by a table of the same values), that
prints to PDF from any browser.

The counts here are of workshop participants choosing a level, not of people in the
population, so the small-number disclosure rules of health statistics do not apply; the
participants are numbered unless the bundle was made with ``anonymise=False``. No file
holds an average, median, total or score of ordinal ratings.
"""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import vl_convert

from healthgap.assessment import AssessmentReport, report_csv, report_json, report_xlsx
from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.render import VEGA_LITE_VERSION

__all__ = [
    "ASSESSMENT_FORMATS",
    "assessment_export",
    "assessment_file_stem",
    "summary_html",
    "write_assessment_exports",
]

#: Export formats and their media types.
ASSESSMENT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}
#: Tables of the bundle added to the engine's report in the XLSX and JSON files.
EXTRA_TABLES = (
    "radar_table",
    "heatmap",
    "heatmap_table",
    "heatmap_places",
    "heatmap_places_table",
    "triangle_table",
)
CHART_TEXT = {
    "radar": "Radar chart: each item on a spoke, the agreed level as a solid outline, the "
    "target dashed, the previous assessment dotted, and a line from the lowest to the highest "
    "individual rating on each spoke.",
    "triangle": "The Population Intervention Triangle: civic, community and service segments, "
    "the seams between them and place-based planning at the centre, each shaded by its agreed "
    "level.",
    "heatmap": "Heatmap of topics assessed at this place by item, each cell coloured and "
    "labelled with its agreed level; rows are in the order assessed, not ranked.",
    "heatmap_places": "Heatmap of the places assessed on this topic by item, each cell "
    "coloured and labelled with its agreed level; places are in the order assessed, not "
    "ranked.",
}

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("healthgap.reports", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _number(value: Any, decimals: int = 2) -> str:
    """A value as shown in the summary: numbers to ``decimals`` places, blanks kept."""
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,.{decimals}f}"
    return str(value)


_ENVIRONMENT.filters["number"] = _number


def _report(bundle: ResultBundle) -> AssessmentReport:
    report = bundle.summary.get("report")
    if not isinstance(report, AssessmentReport):
        raise InputError(
            f"the {bundle.question!r} result is not an assessment summary", rule="bad_bundle"
        )
    return report


def _full_report(bundle: ResultBundle) -> AssessmentReport:
    """The engine's report plus the chart tables and a provenance table."""
    report = _report(bundle)
    about = pd.DataFrame(list(bundle.provenance.as_metadata().items()), columns=["field", "value"])
    extra = {name: bundle.table(name) for name in EXTRA_TABLES if name in bundle.tables}
    tables = {**report.tables, **extra, "provenance": about}
    return AssessmentReport(report.version, report.assessment, tables, report.synthetic)


def assessment_file_stem(bundle: ResultBundle) -> str:
    """``assessment-<id>-<framework>-<place>-<topic>``, safe as a file name."""
    summary = bundle.summary
    parts = [
        "assessment",
        str(summary.get("assessment_id") or "new"),
        summary["framework_id"],
        summary["place_code"],
        summary["topic"],
    ]
    text = "-".join(str(p) for p in parts).lower()
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text).strip("-")


def _chart_image(spec: dict[str, Any]) -> str:
    """An SVG data URI of the chart (an <img>: the file stays inert and self-contained)."""
    svg = vl_convert.vegalite_to_svg(spec, VEGA_LITE_VERSION)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def summary_html(bundle: ResultBundle, *, made: datetime | None = None) -> str:
    """The accessible HTML summary of the bundle (one self-contained page)."""
    summary = bundle.summary
    charts = [
        {
            "name": name,
            "image": _chart_image(bundle.chart(name)),
            "alt": CHART_TEXT[name],
            "columns": summary["readable_columns"][name],
            "rows": summary["readable"][name],
        }
        for name in ("radar", "triangle", "heatmap", "heatmap_places")
        if name in bundle.charts
    ]
    return _ENVIRONMENT.get_template("assessment_summary.html").render(
        s=summary,
        charts=charts,
        provenance=bundle.provenance.as_metadata(),
        made=(made or datetime.now(UTC)).strftime("%d %B %Y"),
    )


def assessment_export(bundle: ResultBundle, fmt: str) -> bytes:
    """The bytes of the summary in ``fmt``: ``csv`` (one row per item), ``xlsx`` (a sheet per
    table), ``json`` (every table) or ``html`` (the board summary)."""
    if fmt == "csv":
        return report_csv(_report(bundle)).encode("utf-8")
    if fmt == "xlsx":
        return report_xlsx(_full_report(bundle))
    if fmt == "json":
        return report_json(_full_report(bundle)).encode("utf-8")
    if fmt == "html":
        return summary_html(bundle).encode("utf-8")
    raise InputError(
        f"{fmt!r} is not an export format: use one of {', '.join(ASSESSMENT_FORMATS)}",
        rule="bad_format",
    )


def write_assessment_exports(
    bundle: ResultBundle,
    folder: str | os.PathLike[str],
    formats: tuple[str, ...] | list[str] = tuple(ASSESSMENT_FORMATS),
) -> list[Path]:
    """Write ``<folder>/<stem>.<format>`` for each format; returns the paths written."""
    unknown = [f for f in formats if f not in ASSESSMENT_FORMATS]
    if unknown:
        raise InputError(
            f"unknown export formats {unknown}: use {', '.join(ASSESSMENT_FORMATS)}",
            rule="bad_format",
        )
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    stem = assessment_file_stem(bundle)
    written = []
    for fmt in formats:
        path = target / f"{stem}.{fmt}"
        path.write_bytes(assessment_export(bundle, fmt))
        written.append(path)
    return written
