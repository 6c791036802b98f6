"""Write tables as CSV that a spreadsheet cannot run: every writer of CSV goes through here.

Area names and other text come from uploaded files, so a cell such as ``=cmd|' /C calc'!A0``
would run as a formula when a CSV download is opened in a spreadsheet (CSV or formula
injection). Following OWASP's advice, text cells (and headers) that start with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return get a leading single quote, which spreadsheets show
as text. Numbers are never touched: numeric columns are written as numbers, and a text cell
that is a plain number (``-1.5``, ``+3``, ``1e-5``) is not a formula and is left as it is.

>>> frame = pd.DataFrame({"area_name": ["=1+1", "@SUM(A1)", "Leeds", "-2"],
...                       "value": [-1.5, 2.0, 3.0, -4.0]})
>>> neutralise_formulas(frame).to_dict("list")
{'area_name': ["'=1+1", "'@SUM(A1)", 'Leeds', '-2'], 'value': [-1.5, 2.0, 3.0, -4.0]}
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = [
    "FORMULA_TRIGGERS",
    "neutralise_cell",
    "neutralise_formulas",
    "neutralise_text",
    "restore_cell",
    "write_safe_csv",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = r"[+-]?(?:\d+(?:[.,]\d*)*|\.\d+)(?:[eE][+-]?\d+)?"


def neutralise_text(values: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as a formula, prefixed with ``'``; other
    cells (missing values, plain numbers, ordinary text) unchanged.

    Carriage returns inside a cell become ``\n``: the CSV writer ends lines with ``\n`` and
    quotes cells holding one, but would leave a bare ``\r`` unquoted, which a spreadsheet
    reads as a new row whose first cell could be a formula.
    """
    text = values.astype(str)
    risky = values.notna() & text.str.startswith(FORMULA_TRIGGERS) & ~text.str.fullmatch(_NUMBER)
    broken = values.notna() & text.str.contains("\r", regex=False)
    if not (risky.any() or broken.any()):
        return values
    out = values.astype(object).copy()
    out[broken] = text[broken].str.replace("\r\n?", "\n", regex=True)
    out[risky] = "'" + out[risky].astype(str)
    return out


def neutralise_cell(value: str) -> str:
    """One text cell for a row-by-row CSV writer (``csv.writer``), by the same rule.

    >>> neutralise_cell("=1+1"), neutralise_cell("-2"), neutralise_cell("Leeds")
    ("'=1+1", '-2', 'Leeds')
    """
    return str(neutralise_text(pd.Series([value], dtype=object)).iloc[0])


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell` when healthgap reads back a file it wrote (round trips).

    >>> restore_cell("'=1+1"), restore_cell("'quoted"), restore_cell("Leeds")
    ('=1+1', "'quoted", 'Leeds')
    """
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` safe to open in a spreadsheet: text columns and headers neutralised,
    numeric and boolean columns as they are."""
    out = {}
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        is_number = pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
        out[position] = values if is_number else neutralise_text(values)
    header = neutralise_text(pd.Series([str(c) for c in frame.columns], dtype=object))
    safe = pd.DataFrame(out, index=frame.index)
    safe.columns = header.tolist()
    return safe


def write_safe_csv(
    frame: pd.DataFrame, path: str | os.PathLike[str], *, encoding: str = "utf-8"
) -> Path:
    """Write ``frame`` as CSV (no index, ``\\n`` line ends) after :func:`neutralise_formulas`."""
    target = Path(path)
    neutralise_formulas(frame).to_csv(target, index=False, encoding=encoding, lineterminator="\n")
    return target
