"""Downloads of a result bundle's tables and charts, written by the one report writer
(:func:`healthgap.reports.outputs.bundle_file`: disclosure control and the SYNTHETIC note
included), returned as attachments whose names say what is inside."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi.responses import Response

from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.outputs import MEDIA_TYPES, TABLE_FILE_FORMATS, bundle_file, bundle_workbook

__all__ = ["attachment", "bundle_download", "slug", "workbook_download"]

CHART_IMAGES = ("svg", "png")


def slug(text: str) -> str:
    """File-name-safe form of a label.

    >>> slug("Synthetic District 034 (male)")
    'synthetic-district-034-male'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def attachment(body: bytes, filename: str, fmt: str) -> Response:
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def bundle_download(
    bundle: ResultBundle, name: str, stem: str, fmt: str, *, formats: Iterable[str] | None = None
) -> Response:
    """Table or chart ``name`` of ``bundle`` as ``<stem>.<fmt>`` (only ``formats`` allowed:
    by default every table format for a table, SVG and PNG for a chart)."""
    default = [*(TABLE_FILE_FORMATS if name in bundle.tables else ())]
    default += [*(CHART_IMAGES if name in bundle.charts else ())]
    allowed = list(formats or default or TABLE_FILE_FORMATS)
    if fmt not in allowed:
        raise InputError(f"{fmt!r} is not one of {', '.join(allowed)}", rule="bad_format")
    return attachment(bundle_file(bundle, name, fmt), f"{stem}.{fmt}", fmt)


def workbook_download(bundle: ResultBundle, stem: str) -> Response:
    """Every table of ``bundle`` in one workbook (a sheet each, and the metadata)."""
    return attachment(bundle_workbook(bundle), f"{stem}.xlsx", "xlsx")
