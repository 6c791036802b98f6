"""The one path from a :class:`~healthgap.reports.bundle.ResultBundle` to files.

A table becomes a CSV, an Excel workbook (data and metadata sheets) or the Fingertips CSV
layout through :func:`healthgap.reports.tables.write_table`, a chart an SVG, PNG, JSON or
HTML file through :func:`healthgap.reports.render.save_chart`, and a whole result a workbook
of every table. Disclosure control and the SYNTHETIC note are applied here, for every file,
from the bundle's own provenance: no interface passes them by hand.

>>> import pandas as pd, tempfile, pathlib
>>> from healthgap.reports.bundle import Provenance, ResultBundle, Table
>>> bundle = ResultBundle("example", Provenance("ws", synthetic=True),
...                       tables={"t": Table(pd.DataFrame({"deaths": [3.0]}), "deaths")})
>>> path = write_bundle_table(bundle, "t", pathlib.Path(tempfile.mkdtemp()) / "t.csv")
>>> path.read_text().splitlines()[1].split(",", 2)[1:]
['deaths suppressed (1-7)', '"SYNTHETIC: made-up demonstration data, not real statistics"']
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.render import save_chart
from healthgap.reports.tables import DisclosurePolicy, write_table, write_workbook

__all__ = [
    "CHART_FILE_FORMATS",
    "MEDIA_TYPES",
    "TABLE_FILE_FORMATS",
    "bundle_file",
    "bundle_workbook",
    "write_bundle",
    "write_bundle_chart",
    "write_bundle_table",
    "write_bundle_workbook",
]

#: Table file formats by name: (layout, suffix).
TABLE_FILE_FORMATS = {
    "csv": ("tidy", ".csv"),
    "xlsx": ("tidy", ".xlsx"),
    "fingertips.csv": ("fingertips", ".csv"),
}
CHART_FILE_FORMATS = ("svg", "png", "json", "html")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "fingertips.csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "png": "image/png",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}
DEFAULT_POLICY = DisclosurePolicy()


def write_bundle_table(
    bundle: ResultBundle,
    name: str,
    path: str | os.PathLike[str],
    *,
    layout: str = "tidy",
    policy: DisclosurePolicy | None = DEFAULT_POLICY,
) -> Path:
    """Table ``name`` as published, to ``.csv`` or ``.xlsx`` (``layout`` tidy or fingertips),
    under the table's own disclosure policy when it has one (none for record-level tables)."""
    table = bundle.table_info(name)
    if table.record_level:
        policy = None
    elif table.policy is not None and policy is DEFAULT_POLICY:
        policy = table.policy
    if layout == "fingertips" and table.fingertips is None:
        raise InputError(
            f"the {name} table has no Fingertips layout (it holds no values with confidence "
            "limits); choose csv or xlsx",
            rule="bad_format",
        )
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_table(
        bundle.published(name),
        path,
        layout=layout,
        metadata=bundle.metadata_of(name),
        synthetic=bundle.synthetic,
        policy=policy,
        fingertips=table.fingertips if layout == "fingertips" else None,
    )


def write_bundle_chart(bundle: ResultBundle, name: str, path: str | os.PathLike[str]) -> Path:
    """Chart ``name`` as SVG, PNG, JSON or HTML (the suffix says which)."""
    return save_chart(bundle.chart(name), path)


def write_bundle_workbook(
    bundle: ResultBundle,
    path: str | os.PathLike[str],
    names: Iterable[str] | None = None,
    *,
    policy: DisclosurePolicy | None = DEFAULT_POLICY,
) -> Path:
    """Every table (or ``names``) in one workbook: a sheet each, then the metadata."""
    chosen = list(bundle.tables if names is None else names)
    metadata = {"question": bundle.question, **bundle.metadata}
    metadata |= {f"table {n}": bundle.table_info(n).title for n in chosen}
    metadata |= bundle.provenance.as_metadata()
    return write_workbook(
        {n: bundle.published(n) for n in chosen},
        path,
        metadata=metadata,
        synthetic=bundle.synthetic,
        policy=policy,
        policies={n: p for n in chosen if (p := bundle.table_info(n).policy) is not None},
    )


def bundle_file(bundle: ResultBundle, name: str, fmt: str) -> bytes:
    """The bytes of table or chart ``name`` in format ``fmt`` (``csv``, ``xlsx``,
    ``fingertips.csv``; ``svg``, ``png``, ``json``, ``html``), for a download."""
    with tempfile.TemporaryDirectory() as folder:
        if fmt in TABLE_FILE_FORMATS:
            layout, suffix = TABLE_FILE_FORMATS[fmt]
            path = write_bundle_table(bundle, name, Path(folder) / f"out{suffix}", layout=layout)
        elif fmt in CHART_FILE_FORMATS:
            path = write_bundle_chart(bundle, name, Path(folder) / f"chart.{fmt}")
        else:
            known = ", ".join([*TABLE_FILE_FORMATS, *CHART_FILE_FORMATS])
            raise InputError(f"{fmt!r} is not one of {known}", rule="bad_format")
        return path.read_bytes()


def bundle_workbook(bundle: ResultBundle) -> bytes:
    """The bytes of :func:`write_bundle_workbook` (every table in one workbook)."""
    with tempfile.TemporaryDirectory() as folder:
        return write_bundle_workbook(bundle, Path(folder) / "all.xlsx").read_bytes()


def write_bundle(
    bundle: ResultBundle,
    folder: str | os.PathLike[str],
    *,
    tables: Iterable[str] | None = None,
    table_formats: Iterable[str] = ("csv",),
    charts: Iterable[str] | None = None,
    chart_formats: Iterable[str] = ("svg",),
    workbook: str | None = None,
) -> list[Path]:
    """Write tables and charts as ``<folder>/<name>.<format>`` (the Fingertips layout only for
    tables that have one; with ``workbook``, every table also in ``<folder>/<workbook>``);
    returns the paths written."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in bundle.tables if tables is None else tables:
        for fmt in table_formats:
            layout, suffix = TABLE_FILE_FORMATS[fmt]
            if layout == "fingertips" and bundle.table_info(name).fingertips is None:
                continue  # the layout needs values with limits; this table has none
            stem = f"{name}.fingertips" if layout == "fingertips" else name
            written.append(
                write_bundle_table(bundle, name, target / f"{stem}{suffix}", layout=layout)
            )
    for name in bundle.charts if charts is None else charts:
        for fmt in chart_formats:
            written.append(write_bundle_chart(bundle, name, target / f"{name}.{fmt}"))
    if workbook is not None:
        written.append(write_bundle_workbook(bundle, target / workbook))
    return written
