"""Small-area indicator tables for segmentation: read, check and join them by area and vintage.

An :class:`IndicatorTable` holds one source (a file or a frame): numeric indicator columns
keyed by area code, the boundary vintage of its codes (``"2011"``, ``"2021"``) and, for each
area, the spreadsheet row it came from, so that every problem can name file, row and column.
:func:`join_indicators` puts several sources side by side, refusing mixed vintages and codes
found in one source but not another (rules ``mixed_vintages`` and ``unmatched_code``).

Any frame becomes a table with :func:`indicator_table`; readers for the IMD domain files,
Local Health and other wide files, and the workspace's long ``indicators`` table are in
:mod:`healthgap.insight.indicator_sources`.

>>> frame = pd.DataFrame({"area_code": ["E01000001", "E01000002"], "income": [0.1, 0.3],
...                       "crime": [-1.2, 0.4]})
>>> table = indicator_table(frame, name="mine.csv", vintage="2021")
>>> table.columns, table.vintage
(['income', 'crime'], '2021')
>>> joined = join_indicators([table])
>>> joined.values.round(1).to_dict("list")
{'income': [0.1, 0.3], 'crime': [-1.2, 0.4]}
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthgap.data.file_problems import FileProblems
from healthgap.data.readers import ROW
from healthgap.data.vocab import parse_numbers
from healthgap.errors import InputError, Problem, SuppressionWarning

__all__ = [
    "IMD_DOMAINS",
    "IndicatorTable",
    "JoinedIndicators",
    "indicator_table",
    "join_indicators",
]

#: GSS code form (letter and 8 digits), as the data layer checks it.
_GSS = re.compile(r"^[A-Z]\d{8}$")
#: Area-code column names that carry their boundary year, e.g. ``lsoa21_code``, ``LAD19CD``.
_CODE_WITH_YEAR = re.compile(r"^(oa|lsoa|msoa|ward|wd|lad|ltla|utla|icb|ctyua)(\d{2})_?(code|cd)$")
#: Text columns recognised as carrying the vintage on every row.
_VINTAGE_COLUMNS = ("vintage", "geography", "boundary_year")

#: The seven IMD domains, with the labels shown in profiles (2019 says "Housing_and_Access"
#: where 2025 says "Housing_and_Services"; both read as the barriers domain).
IMD_DOMAINS: dict[str, str] = {
    "Income": "income deprivation",
    "Employment": "employment deprivation",
    "Education": "education, skills and training deprivation",
    "Health": "health deprivation and disability",
    "Crime": "crime",
    "Housing_and_Access": "barriers to housing and services",
    "Housing_and_Services": "barriers to housing and services",
    "Environment": "living environment deprivation",
}


@dataclass(frozen=True)
class IndicatorTable:
    """One source of small-area indicators.

    ``values`` is indexed by area code (one row per area) with one float column per
    indicator; ``rows`` gives each area's spreadsheet row in the source (header = row 1);
    ``labels`` maps columns to the words shown in profiles; ``area_column`` is the source's
    name for the code column (used in problems).
    """

    name: str
    values: pd.DataFrame
    vintage: str
    rows: pd.Series
    area_column: str = "area_code"
    labels: Mapping[str, str] | None = None

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.values.columns]


@dataclass(frozen=True)
class JoinedIndicators:
    """Indicators of several sources side by side: ``values`` indexed by ``area_code``."""

    values: pd.DataFrame
    vintage: str
    sources: tuple[str, ...]
    labels: dict[str, str]


def _vintage_from_name(column: str) -> str | None:
    """``lsoa21_code`` -> ``"2021"``; None when the name carries no year."""
    found = _CODE_WITH_YEAR.match(column.lower())
    return f"20{found.group(2)}" if found else None


def _area_column(frame: pd.DataFrame, given: str | None) -> str | None:
    if given is not None:
        return given if given in frame.columns else None
    if "area_code" in frame.columns:
        return "area_code"
    return next((c for c in frame.columns if _CODE_WITH_YEAR.match(str(c).lower())), None)


def _vintages(frame: pd.DataFrame, area: str, given: str | None) -> tuple[pd.Series, str | None]:
    """The vintage of each row, and the column it came from (None: argument or code name)."""
    if given is not None:
        return pd.Series(str(given), index=frame.index), None
    for column in _VINTAGE_COLUMNS:
        if column in frame.columns:
            text = frame[column].astype(str).str.strip()
            years = text.str.extract(r"((?:19|20)\d{2})\s*$", expand=False)
            return years.fillna(text), column
    from_name = _vintage_from_name(area)
    return pd.Series(from_name, index=frame.index, dtype=object), None


def indicator_table(
    frame: pd.DataFrame,
    *,
    name: str = "data",
    area_column: str | None = None,
    vintage: str | None = None,
    columns: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    missing: str = "error",
) -> IndicatorTable:
    """Check a wide frame of indicators (one row per area) and return it as a table.

    Parameters
    ----------
    frame : DataFrame
        One row per area; cells may be numbers or text (as read from a file). A ``__row__``
        column, when present, gives the spreadsheet rows; otherwise row = position + 2.
    name : str
        The file name or label used in problems.
    area_column : str, optional
        Column of area codes; default ``area_code`` or a column named like ``lsoa21_code``.
    vintage : str, optional
        Boundary year of the codes; default from a ``vintage``/``geography`` column, else
        from the code column's name (``lsoa21_code`` -> ``"2021"``).
    columns : sequence of str, optional
        Indicator columns; default every column other than codes, names and vintage whose
        cells are all numbers or empty.
    missing : {"error", "drop"}
        Empty indicator cells are problems (``missing_value``), or their areas are dropped
        with a :class:`~healthgap.errors.SuppressionWarning`.

    Raises
    ------
    InputError
        Rules: ``missing_column``, ``no_area_column``, ``no_vintage``, ``mixed_vintages``,
        ``bad_area_code``, ``duplicate_area``, ``non_numeric``, ``missing_value``,
        ``no_indicators``.
    """
    found = FileProblems(name)
    rows = (
        frame[ROW].astype(int)
        if ROW in frame.columns
        else pd.Series(np.arange(len(frame)) + 2, index=frame.index)
    )
    area = _area_column(frame, area_column)
    if area is None:
        wanted = area_column or "area_code (or a column like lsoa21_code)"
        found.add(None, area_column, "no_area_column", f"no column of area codes: {wanted}")
        found.raise_if_any()
    assert area is not None
    absent = [c for c in (columns or []) if c not in frame.columns]
    for column in absent:
        found.add(None, column, "missing_column", f"column {column!r} is missing")
    found.raise_if_any()

    codes = frame[area].astype(str).str.strip()
    found.add_rows(
        rows,
        ~codes.str.match(_GSS),
        area,
        "bad_area_code",
        "area code " + codes + " is not a GSS code (letter + 8 digits)",
    )
    duplicated = codes.duplicated(keep="first") & codes.str.match(_GSS)
    found.add_rows(
        rows, duplicated, area, "duplicate_area", "area " + codes + " appears more than once"
    )

    row_vintage, vintage_column = _vintages(frame, area, vintage)
    if row_vintage.isna().all():
        found.add(
            None,
            area,
            "no_vintage",
            "the boundary vintage is unknown: add a 'vintage' column or pass vintage=",
        )
        found.raise_if_any()
    first = str(row_vintage.dropna().iloc[0])
    mixed = row_vintage.astype(str) != first
    found.add_rows(
        rows,
        mixed,
        vintage_column or area,
        "mixed_vintages",
        "vintage " + row_vintage.astype(str) + f" differs from {first} on earlier rows",
    )

    skip = {area, ROW, *(_VINTAGE_COLUMNS), "area_name"}
    candidates = list(columns) if columns else [c for c in frame.columns if c not in skip]
    numbers: dict[str, pd.Series] = {}
    unreadable_cells: dict[str, pd.Series] = {}
    for column in candidates:
        raw = frame[column]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            values, unreadable = raw.astype(float), pd.Series(False, index=frame.index)
        else:
            values, unreadable = parse_numbers(raw)
        if columns is None and unreadable.any():
            continue  # a text column (a name, a flag) is not an indicator unless asked for
        found.add_rows(
            rows,
            unreadable,
            str(column),
            "non_numeric",
            "'" + raw.astype(str) + "' is not a number",
        )
        numbers[str(column)] = values
        unreadable_cells[str(column)] = unreadable
    if not numbers:
        found.add(None, None, "no_indicators", "no numeric indicator columns found")
    values = pd.DataFrame(numbers, index=frame.index)
    empty = values.isna() & ~pd.DataFrame(unreadable_cells, index=frame.index)
    if missing == "error":
        for column in values.columns:
            found.add_rows(rows, empty[column], column, "missing_value", "is empty")
    found.raise_if_any()
    if empty.any(axis=1).any():
        dropped = int(empty.any(axis=1).sum())
        warnings.warn(
            f"{name}: {dropped} areas with an empty indicator were left out",
            SuppressionWarning,
            stacklevel=2,
        )
    keep = ~empty.any(axis=1)
    values = values[keep]
    values.index = pd.Index(codes[keep].to_numpy(dtype=object), name="area_code")
    words = {c: _imd_label(c) for c in values.columns if _imd_label(c)}
    return IndicatorTable(
        name=name,
        values=values,
        vintage=first,
        rows=pd.Series(rows[keep].to_numpy(), index=values.index),
        area_column=area,
        labels={**words, **dict(labels or {})},
    )


def _imd_label(column: str) -> str | None:
    """Words for an IMD-style column name: ``Income_score`` -> "income deprivation score
    (higher = more deprived)"; None for other names."""
    stem, _, measure = column.rpartition("_")
    if measure not in ("score", "rank") or stem not in {*IMD_DOMAINS, "IMD"}:
        return None
    direction = "higher = more deprived" if measure == "score" else "1 = most deprived"
    return f"{IMD_DOMAINS.get(stem, 'index of multiple deprivation')} {measure} ({direction})"


def join_indicators(
    tables: Sequence[IndicatorTable], *, unmatched: str = "error"
) -> JoinedIndicators:
    """Join indicator tables by area code, after checking their vintages and codes agree.

    Parameters
    ----------
    tables : sequence of IndicatorTable
        The sources, e.g. IMD domains and a user's own file.
    unmatched : {"error", "drop"}
        Areas missing from some source are ``unmatched_code`` problems (one per code,
        naming the file and row it appears in), or are dropped with a
        :class:`~healthgap.errors.SuppressionWarning`.

    Raises
    ------
    InputError
        ``mixed_vintages`` (sources on different boundary years), ``unmatched_code``,
        ``duplicate_indicator`` (the same column name in two sources).
    """
    if not tables:
        raise InputError("give at least one indicator table", rule="no_indicators")
    problems: list[Problem] = []
    first = tables[0]
    for table in tables[1:]:
        if table.vintage != first.vintage:
            problems.append(
                Problem(
                    table.name,
                    None,
                    table.area_column,
                    "mixed_vintages",
                    f"codes are on {table.vintage} boundaries but {first.name} is on "
                    f"{first.vintage}; convert one with a lookup first",
                )
            )
    seen: dict[str, str] = {}
    for table in tables:
        for column in table.columns:
            if column in seen:
                problems.append(
                    Problem(
                        table.name,
                        None,
                        column,
                        "duplicate_indicator",
                        f"indicator {column!r} is also in {seen[column]}; rename one",
                    )
                )
            seen.setdefault(column, table.name)
    if problems:
        raise InputError(problems)

    common = first.values.index
    for table in tables[1:]:
        common = common.intersection(table.values.index, sort=False)
    for table in tables if len(tables) > 1 else []:
        extra = ~table.values.index.isin(common)
        if extra.any() and unmatched == "error":
            others = ", ".join(t.name for t in tables if t is not table)
            problems += [
                Problem(
                    table.name,
                    int(table.rows[code]),
                    table.area_column,
                    "unmatched_code",
                    f"area {code} is not in {others}",
                )
                for code in table.values.index[extra][:1000]
            ]
    if problems:
        raise InputError(problems)
    dropped = sum(int((~t.values.index.isin(common)).sum()) for t in tables)
    if dropped:
        warnings.warn(
            f"{dropped} rows of areas not found in every source were left out",
            SuppressionWarning,
            stacklevel=2,
        )
    order = first.values.index[first.values.index.isin(common)]
    values = pd.concat([t.values.reindex(order) for t in tables], axis=1)
    values.index.name = "area_code"
    labels = {c: c for c in values.columns}
    for table in tables:
        labels.update(dict(table.labels or {}))
    return JoinedIndicators(
        values=values,
        vintage=first.vintage,
        sources=tuple(t.name for t in tables),
        labels=labels,
    )
