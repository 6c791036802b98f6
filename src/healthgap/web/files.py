"""Downloads written by the core's report writers (disclosure control included).

Tables go through :func:`healthgap.reports.tables.write_table` (CSV, Excel with data and
metadata sheets, or the Fingertips CSV layout) and charts through
:func:`healthgap.reports.render.save_chart` (SVG, PNG), into a temporary folder, and are
returned as attachments whose names say what is inside.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi.responses import Response

from healthgap.errors import InputError
from healthgap.reports.render import save_chart
from healthgap.reports.tables import write_table

__all__ = ["TABLE_FORMATS", "chart_file", "slug", "table_file"]

TABLE_FORMATS = {
    "csv": ("tidy", ".csv", "text/csv; charset=utf-8"),
    "xlsx": (
        "tidy",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "fingertips.csv": ("fingertips", ".csv", "text/csv; charset=utf-8"),
}
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def slug(text: str) -> str:
    """File-name-safe form of a label.

    >>> slug("Synthetic District 034 (male)")
    'synthetic-district-034-male'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _attachment(body: bytes, filename: str, media_type: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def table_file(
    frame: pd.DataFrame,
    stem: str,
    fmt: str,
    *,
    metadata: Mapping[str, str],
    synthetic: bool,
    fingertips: Mapping[str, object] | None = None,
) -> Response:
    """``frame`` as a CSV, Excel or Fingertips-layout download named ``<stem>.<fmt>``."""
    if fmt not in TABLE_FORMATS:
        raise InputError(f"{fmt!r} is not one of {', '.join(TABLE_FORMATS)}", rule="bad_format")
    layout, suffix, media_type = TABLE_FORMATS[fmt]
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(
            frame,
            Path(folder) / f"out{suffix}",
            layout=layout,
            metadata=dict(metadata),
            synthetic=synthetic,
            fingertips=fingertips if layout == "fingertips" else None,
        )
        body = path.read_bytes()
    return _attachment(body, f"{stem}.{fmt}", media_type)


def chart_file(spec: dict[str, Any], stem: str, fmt: str) -> Response:
    """A Vega-Lite chart as an SVG or PNG download named ``<stem>.<fmt>``."""
    if fmt not in CHART_TYPES:
        raise InputError(f"{fmt!r} is not one of svg, png", rule="bad_format")
    with tempfile.TemporaryDirectory() as folder:
        body = save_chart(spec, Path(folder) / f"chart.{fmt}").read_bytes()
    return _attachment(body, f"{stem}.{fmt}", CHART_TYPES[fmt])
