"""Input checks shared by every measure.

Each check *returns* the :class:`~healthgap.errors.Problem` records it finds, so that a
measure can gather every problem of its input (columns, cells, arguments) and raise
one :class:`~healthgap.errors.InputError` with :func:`raise_if_any`. A problem names
the table, the spreadsheet-style row (header is row 1, first data row is row 2), the
column and a stable rule key. Confidence levels, z values and CI column names are in
:mod:`healthgap.measures.intervals`; grouping and pivoting in
:mod:`healthgap.measures._grouping`.

>>> import pandas as pd
>>> frame = pd.DataFrame({"deaths": [3, "x", None]})
>>> [p.rule for p in missing_columns(frame, ["deaths", "person_years"], "data")]
['missing_column']
>>> values, problems = numeric_columns(frame, ["deaths"], "data")
>>> [(p.row, p.rule) for p in problems]
[(3, 'not_numeric'), (4, 'missing_value')]
>>> format_multiplier(100_000), format_multiplier(0.5)
('100000', '0.5')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem

__all__ = [
    "ARGUMENT",
    "format_multiplier",
    "missing_columns",
    "multiplier_problems",
    "numeric_columns",
    "raise_if_any",
    "read_numeric",
    "row_problems",
]

ARGUMENT = "<arguments>"  # as errors.InputError names argument problems
_MAX_ROW_PROBLEMS = 1000  # enough to show the pattern; the count of the rest is kept


def raise_if_any(problems: Sequence[Problem]) -> None:
    """Raise one :class:`~healthgap.errors.InputError` listing ``problems``, if any."""
    if problems:
        raise InputError(problems)


def missing_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> list[Problem]:
    """A problem for every required column that ``frame`` lacks (or if it is no DataFrame)."""
    if not isinstance(frame, pd.DataFrame):
        message = f"{name} must be a pandas DataFrame, got {type(frame).__name__}"
        return [Problem(name, None, None, "not_a_dataframe", message)]
    have = ", ".join(map(str, frame.columns))
    return [
        Problem(name, None, c, "missing_column", f"column {c!r} is missing (have: {have})")
        for c in dict.fromkeys(columns)
        if c not in frame.columns
    ]


def row_problems(
    mask: np.ndarray,
    name: str,
    column: str,
    rule: str,
    message: str,
    values: Sequence[object] | np.ndarray | None = None,
) -> list[Problem]:
    """One problem per True entry of ``mask`` (positional rows, reported 1-based + header).

    ``message`` may use ``{value}``, filled from ``values`` at that row. After 1,000 rows
    one more problem gives the count of the rest: enough to show the pattern without
    building millions of records for a wholly wrong file.
    """
    positions = np.flatnonzero(mask)
    shown = positions[:_MAX_ROW_PROBLEMS]
    if values is None:
        problems = [Problem(name, int(p) + 2, column, rule, message) for p in shown]
    else:
        problems = [
            Problem(name, int(p) + 2, column, rule, message.format(value=values[p])) for p in shown
        ]
    if len(positions) > _MAX_ROW_PROBLEMS:
        more = len(positions) - _MAX_ROW_PROBLEMS
        problems.append(Problem(name, None, column, rule, f"... and {more} more rows"))
    return problems


def numeric_columns(
    frame: pd.DataFrame, columns: Iterable[str], name: str, *, allow_missing: bool = False
) -> tuple[dict[str, np.ndarray], list[Problem]]:
    """Columns as float arrays, and a problem for every cell that is not a number.

    Text that reads as a number is taken; true/false columns are refused (a flag is not a
    count). Empty cells are problems too unless ``allow_missing`` (they are then NaN).
    """
    out: dict[str, np.ndarray] = {}
    problems: list[Problem] = []
    for column in columns:
        raw = frame[column]
        if pd.api.types.is_bool_dtype(raw):
            values = np.full(len(raw), np.nan)
            problems.append(
                Problem(name, None, column, "not_numeric", "must hold numbers, not true/false")
            )
        elif pd.api.types.is_numeric_dtype(raw):
            values = raw.to_numpy(dtype=float, na_value=np.nan)
        else:
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            bad = np.isnan(values) & raw.notna().to_numpy()
            problems += row_problems(bad, name, column, "not_numeric", "must be a number")
        if not allow_missing:
            empty = raw.isna().to_numpy()
            problems += row_problems(empty, name, column, "missing_value", "is empty")
        out[column] = values
    return out, problems


def multiplier_problems(multiplier: float) -> list[Problem]:
    """A problem when the multiplier of a rate or proportion is not above 0."""
    if multiplier > 0:
        return []
    return [Problem(ARGUMENT, None, "multiplier", "bad_multiplier", "must be above 0")]


def format_multiplier(multiplier: float) -> str:
    """Multiplier as the reference prints it: ``100000`` not ``1e+05``, ``0.5`` as is."""
    return str(int(multiplier)) if float(multiplier).is_integer() else str(multiplier)


def read_numeric(
    frame: pd.DataFrame,
    *,
    required: Iterable[str],
    numeric: Iterable[str],
    name: str,
    allow_missing: bool = True,
    more: Sequence[Problem] = (),
) -> dict[str, np.ndarray]:
    """Check that ``required`` columns exist and ``numeric`` ones hold numbers; return those.

    Raises one InputError with the missing columns, or else with every non-numeric cell
    together with ``more`` (e.g. argument problems found by the caller).
    """
    raise_if_any(missing_columns(frame, required, name))
    numbers, problems = numeric_columns(frame, numeric, name, allow_missing=allow_missing)
    raise_if_any([*problems, *more])
    return numbers
