"""Load one user file in a named layout into a canonical healthgap table.

>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "deaths_2014.csv"
>>> rows = ["area_code,sex,age_band,deaths"] + [
...     f"E06000001,Female,{b},1" for b in ["<1", "1-4", *[f"{a}-{a + 4}" for a in
...     range(5, 90, 5)], "90+"]]
>>> _ = f.write_text("\\n".join(rows), encoding="utf-8")
>>> t = load(f, "ons_deaths")
>>> t.columns.tolist(), t["period"].iloc[0], len(t)
(['area_code', 'period', 'sex', 'age_start', 'cause', 'deaths'], '2014', 20)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.data.layout_mapper import LayoutMapper
from healthgap.data.layouts import detect_layout, resolve_layout
from healthgap.data.limits import Limits, current_limits
from healthgap.data.readers import ROW, read_table_file
from healthgap.data.vocab import (
    COUNT_COLUMNS,
    PROPORTION_COLUMNS,
)
from healthgap.errors import InputError, Problem

__all__ = [
    "BANDS_REPORTED",
    "LOST_AREA_CODES",
    "LOST_ROWS",
    "TAINTED_AREAS",
    "load",
    "load_checked",
    "read_header",
]

#: ``attrs`` key of a loaded table: area codes that had rows with bad cells. Those rows are
#: left out, so whole-group checks (age bands, deaths against population) skip these areas
#: rather than report a gap that is only a follow-on of a bad cell.
TAINTED_AREAS = "tainted_areas"
#: ``attrs`` key: ``(file, spreadsheet row, area code)`` of the rows dropped for a bad cell.
LOST_AREA_CODES = "lost_area_codes"
#: ``attrs`` key: the key cells (age included; ``None`` if unreadable) of the rows dropped
#: for a bad cell, so that the age-band check still judges the other groups of their area.
LOST_ROWS = "lost_rows"
#: ``attrs`` key: areas whose age-band problems the file's own check already reported.
BANDS_REPORTED = "bands_reported"

_NUMERIC = COUNT_COLUMNS | PROPORTION_COLUMNS | {"value", "lowercl", "uppercl", "deprivation_score"}


def read_header(path: str | os.PathLike[str], *, limits: Limits | None = None) -> list[str]:
    """Column headers of a file (used to detect its layout)."""
    return [c for c in read_table_file(path, limits=limits).columns if c != ROW]


def load(
    path: str | os.PathLike[str],
    layout: str | os.PathLike[str] | Mapping[str, Any] | None,
    *,
    name: str | None = None,
    limits: Limits | None = None,
) -> pd.DataFrame:
    """Read one file in a layout and return the canonical tidy table.

    Parameters
    ----------
    path
        A ``.csv`` (any delimiter; UTF-8 with or without BOM), ``.xlsx`` or ``.parquet`` file.
    layout
        A built-in layout name (see :data:`healthgap.data.layouts.BUILTIN_LAYOUTS`), the path
        of a YAML mapping spec, a mapping spec, or ``None`` to detect it from the headers.
    name
        How to name the file in problems (default: the path as given).

    Returns
    -------
    pandas.DataFrame
        Columns of ``TABLE_COLUMNS[table]`` (then any ``extra`` columns): ``period`` as a
        string, ``age_start`` as int, ``sex`` in male/female/persons, counts as float,
        re-banded to the 20 standard bands when the file has single years or other bands.
        ``attrs`` holds ``table``, ``source``, ``layout``, ``area_codes`` and, when rows map
        one to one, ``source_rows`` (the spreadsheet row of each output row).

    Raises
    ------
    InputError
        Listing every problem found (file, spreadsheet row, column, rule): missing columns,
        non-numeric or negative counts, unknown sex codes, unreadable ages, missing or
        overlapping age bands, duplicate keys, empty files, wrong encodings, files over
        the :class:`~healthgap.data.limits.Limits`. Whole-file checks (duplicate keys, age
        bands) run on the rows whose cells are clean, so one pass reports everything.

    Notes
    -----
    Age re-banding sums counts: :math:`V_j = \\sum_{[a_i,b_i) \\subseteq [t_j,t_{j+1})} v_i`
    (see :func:`healthgap.data.bands.reband`), warning with
    :class:`~healthgap.errors.BandingWarning` when the standard bands cannot be reached.
    """
    table, problems = load_checked(path, layout, name=name, limits=limits)
    if problems or table is None:
        raise InputError(problems)
    return table


def load_checked(
    path: str | os.PathLike[str],
    layout: str | os.PathLike[str] | Mapping[str, Any] | None,
    *,
    name: str | None = None,
    limits: Limits | None = None,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """As :func:`load`, but return ``(table, problems)`` instead of raising.

    ``table`` holds the rows whose cells are clean (``None`` when the file cannot be read or
    mapped at all), so that checks across tables can still run on it; its
    ``attrs[TAINTED_AREAS]`` names the areas that lost rows.
    """
    limits = current_limits(limits)
    source = name or str(path)
    try:
        raw = None
        if layout is None:
            raw = read_table_file(path, limits=limits)
            layout = detect_layout([c for c in raw.columns if c != ROW], source)
        spec = resolve_layout(layout)
        sheet, header_row = spec.get("sheet"), int(spec.get("header_row", 1))
        if raw is None or sheet is not None or header_row != 1:
            raw = read_table_file(path, sheet=sheet, header_row=header_row, limits=limits)
        mapper = LayoutMapper(spec, raw, source, Path(path).name, limits)
        table = mapper.run()
    except InputError as error:
        return None, [
            Problem(source if p.file == str(path) else p.file, p.row, p.column, p.rule, p.message)
            for p in error.problems
        ]
    problems = mapper.problems.all
    if problems and table.empty:
        return None, problems  # every row had a bad cell: nothing left to check across rows
    table.attrs = {
        "table": spec["table"],
        "source": source,
        "layout": spec.get("name", "custom"),
        "area_codes": spec.get("area_codes", "any"),
        TAINTED_AREAS: mapper.tainted,
        LOST_AREA_CODES: [(source, row, code) for row, code in mapper.lost_codes],
        LOST_ROWS: mapper.lost_rows,
        BANDS_REPORTED: mapper.bands_reported,
        **({"source_rows": mapper.source_rows} if mapper.source_rows is not None else {}),
    }
    return table, problems
