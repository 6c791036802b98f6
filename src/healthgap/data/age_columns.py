"""Ages in a raw user file: parse an age column, melt a wide file, check band coverage.

The layout step (:mod:`healthgap.data.load`) hands over the raw text cells; every problem
goes to a :class:`~healthgap.data.file_problems.FileProblems` with its spreadsheet row.

>>> found = FileProblems("d.csv")
>>> cells = pd.Series(["<1", "1-4", "5+", "x"])
>>> parse_ages(cells, {"kind": "label"}, "age", pd.Series([2, 3, 4, 5]), found).to_dict("list")
{'age_start': [0.0, 1.0, 5.0, nan], 'age_end': [1.0, 5.0, inf, nan]}
>>> [(p.row, p.rule) for p in found.items]
[(5, 'bad_age_band')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from healthgap.data.bands import band_coverage_problems, parse_age_labels
from healthgap.data.file_problems import FileProblems
from healthgap.data.model import KEY_COLUMNS
from healthgap.data.readers import ROW
from healthgap.data.vocab import parse_numbers

__all__ = ["check_band_coverage", "melt_wide", "parse_ages"]


def parse_ages(
    cells: pd.Series,
    age: Mapping[str, Any],
    column: str,
    rows: pd.Series,
    problems: FileProblems,
) -> pd.DataFrame:
    """``age_start`` and ``age_end`` (exclusive; ``inf`` if open) of each cell; NaN if bad.

    ``age["kind"]`` is ``"label"`` (``"1-4"``, ``"90+"``...; the default), ``"single_year"``
    (labels that must be one year wide, or open) or ``"start"`` (start ages; each band ends
    at the next start found). ``age["open_from"]`` makes that start the open top band.
    ``rows`` maps the index of ``cells`` to spreadsheet rows for the problems.
    """
    text = cells.astype(str).str.strip()
    kind = age.get("kind", "label")
    if kind == "start":
        starts, bad = parse_numbers(text)
        bad |= starts.isna() | (starts < 0) | (starts != np.floor(starts))
        known = np.sort(starts[~bad].unique())
        ends = dict(zip(known, [*known[1:], np.inf], strict=True))
        bands = pd.DataFrame({"age_start": starts, "age_end": starts.map(ends)})
    else:
        bands = parse_age_labels(text)
        if kind == "single_year":
            bad_single = (bands["age_end"] - bands["age_start"] != 1) & np.isfinite(
                bands["age_end"]
            )
            bands.loc[bad_single, ["age_start", "age_end"]] = np.nan
        bad = bands["age_start"].isna()
    if "open_from" in age:
        top = float(age["open_from"])
        bands.loc[bands["age_start"] == top, "age_end"] = np.inf
        above = bands["age_start"] > top
        problems.add_rows(
            rows, above, column, "bad_age_band", "'" + text + f"' is above the open band {top:g}+"
        )
    problems.add_rows(rows, bad, column, "bad_age_band", "'" + text + "' is not an age or age band")
    return bands


def melt_wide(
    raw: pd.DataFrame,
    out: pd.DataFrame,
    wide: Mapping[str, Any],
    total_column: str | None,
    problems: FileProblems,
) -> pd.DataFrame:
    """Long rows (one per age column) from a file with one column per age.

    ``raw`` holds the text cells and :data:`~healthgap.data.readers.ROW`; ``out`` the
    mapped key columns (same index). ``wide["age_columns"]`` is the regular expression of
    the age headers, ``wide["value"]`` the name of the count; the headers are parsed as
    ages with :func:`parse_ages` (``wide`` may give ``kind`` and ``open_from``). When
    ``total_column`` is given, each row's ages must sum to it (rule ``total_mismatch``).
    Bad cells are recorded in ``problems`` (their rows in ``problems.bad_labels``).
    """
    ages = [c for c in raw.columns if c != ROW and re.fullmatch(wide["age_columns"], c)]
    if not ages:
        problems.add(1, None, "missing_column", "no age columns (0, 1, ..., 90)")
        problems.raise_if_any()
    value = wide["value"]
    # All age columns as one column of text, parsed in one go (column by column is slow).
    stacked = raw[ages].astype(str).stack()
    text = stacked.str.strip()
    numbers, unreadable = parse_numbers(text)
    headers = stacked.index.get_level_values(1)
    rows = raw[ROW].reindex(stacked.index.get_level_values(0)).to_numpy()
    checks = [
        (unreadable, "non_numeric", "is not a number"),
        (numbers < 0, "negative_count", "is a negative count"),
        (text == "", "missing_value", "is empty"),
    ]
    labels = stacked.index.get_level_values(0)
    for mask, rule, what in checks:
        hits = np.flatnonzero(mask.to_numpy())
        problems.bad_labels.update(labels[hits].tolist())
        problems.add_positions(
            rows, hits, lambda i: str(headers[i]), rule, lambda i, w=what: f"'{text.iloc[i]}' {w}"
        )
    counts = numbers.unstack()[ages]
    if total_column is not None:
        total, _ = parse_numbers(raw[total_column])
        off = (counts.sum(axis=1) - total).abs() > 0.5
        problems.add_rows(
            raw[ROW],
            off & total.notna(),
            total_column,
            "total_mismatch",
            "the ages sum to "
            + counts.sum(axis=1).map("{:g}".format)
            + ", not "
            + total.map("{:g}".format),
        )
    header_bands = parse_ages(pd.Series(ages, index=ages), wide, "header", raw[ROW], problems)
    long = out.join(counts).melt(
        id_vars=list(out.columns),
        value_vars=ages,
        var_name="__age__",
        value_name=value,
        ignore_index=False,
    )
    return long.join(header_bands, on="__age__").drop(columns="__age__")


def check_band_coverage(
    out: pd.DataFrame, rows: pd.Series, table: str, column: str, problems: FileProblems
) -> None:
    """Each group of ``out`` must run from 0 to an open top band without gaps or overlaps.

    ``rows`` maps the index of ``out`` to spreadsheet rows; problems name ``column``.
    """
    keys = [k for k in KEY_COLUMNS[table] if k != "age_start" and k in out.columns]
    frame = out[[*keys, "age_start", "age_end"]].assign(**{ROW: rows.reindex(out.index).to_numpy()})
    # Deaths rows may be left out where the count is zero, so only their overlaps count.
    for row, rule, message in band_coverage_problems(frame, keys, ROW, complete=table != "deaths"):
        problems.add(row, column, rule, message)
