"""The one path from a report bundle to its files: HTML, PDF, Word and PowerPoint.

Charts are drawn once per bundle (:class:`~healthgap.reports.report_html.ChartImages`) and
shared by every format. The report's tables were put in words by the report builder with
the disclosure policy applied (counts through
:func:`~healthgap.reports.formatting.disclosed_count`), and every format carries the
SYNTHETIC note when any input is synthetic.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.report_document import report_of
from healthgap.reports.report_html import ChartImages, report_html

__all__ = [
    "REPORT_FORMATS",
    "REPORT_MEDIA_TYPES",
    "report_file",
    "report_stem",
    "stem_of",
    "write_report",
]

REPORT_FORMATS = ("html", "pdf", "docx", "pptx")
REPORT_MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def check_formats(formats: Iterable[str]) -> list[str]:
    """The formats asked for, each one of :data:`REPORT_FORMATS` (else an InputError)."""
    chosen = [f.strip().lower() for f in formats if f.strip()]
    unknown = [f for f in chosen if f not in REPORT_FORMATS]
    if unknown or not chosen:
        raise InputError(
            f"report formats must be some of {', '.join(REPORT_FORMATS)}, not "
            f"{', '.join(unknown) or 'none'}",
            rule="bad_format",
        )
    return list(dict.fromkeys(chosen))


def report_file(bundle: ResultBundle, fmt: str, images: ChartImages | None = None) -> bytes:
    """The bytes of the report in ``fmt`` (html, pdf, docx or pptx)."""
    (fmt,) = check_formats([fmt])
    drawn = images or ChartImages(bundle)
    if fmt == "html":
        return report_html(bundle, drawn).encode("utf-8")
    if fmt == "pdf":
        from healthgap.reports.report_pdf import report_pdf

        return report_pdf(bundle, drawn)
    if fmt == "docx":
        from healthgap.reports.report_docx import report_docx

        return report_docx(bundle, drawn)
    from healthgap.reports.report_pptx import report_pptx

    return report_pptx(bundle, drawn)


def report_stem(bundle: ResultBundle) -> str:
    """A file name for the report: ``<area code>-<template>``."""
    document = report_of(bundle)
    return stem_of(document.area_code, document.template)


def stem_of(area_code: str, template: str) -> str:
    """The file name of the report of ``template`` for ``area_code`` (before it is built)."""
    return f"{area_code}-{re.sub(r'[^a-z0-9]+', '-', template.lower()).strip('-')}"


def write_report(
    bundle: ResultBundle, folder: str | os.PathLike[str], formats: Iterable[str]
) -> list[Path]:
    """Write the report as ``<folder>/<stem>.<format>`` for each format; returns the paths."""
    chosen = check_formats(formats)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    images = ChartImages(bundle)
    written = []
    for fmt in chosen:
        path = target / f"{report_stem(bundle)}.{fmt}"
        path.write_bytes(report_file(bundle, fmt, images))
        written.append(path)
    return written
