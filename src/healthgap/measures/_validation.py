"""Input checks and tidy-to-array helpers shared by the measures.

Every check collects *all* the problems it finds and raises one
:class:`~healthgap.errors.InputError`, each :class:`~healthgap.errors.Problem` naming
the table, the spreadsheet-style row (header is row 1, first data row is row 2),
the column and a stable rule key.

>>> parse_confidence(0.95), parse_confidence([0.95, 0.998])
((0.95,), (0.95, 0.998))
>>> ci_column_names((0.95, 0.998))
[('lower95_0cl', 'upper95_0cl'), ('lower99_8cl', 'upper99_8cl')]
>>> confidence_label((0.95, 0.998)), round(z_value(0.95), 6)
('95%, 99.8%', 1.959964)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from healthgap.errors import InputError, Problem

__all__ = [
    "BandedGroups",
    "ci_column_names",
    "confidence_label",
    "level_tag",
    "parse_confidence",
    "pivot_to_bands",
    "require_columns",
    "require_numeric",
    "row_problems",
    "z_value",
]

ARGUMENT = "<arguments>"  # as errors.InputError names argument problems
_MAX_ROW_PROBLEMS = 1000  # enough to show the pattern; the count of the rest is kept


def parse_confidence(confidence: float | Sequence[float]) -> tuple[float, ...]:
    """Confidence level(s) as fractions in (0, 1), e.g. ``0.95`` or ``(0.95, 0.998)``.

    A percentage such as ``95`` is refused rather than guessed at, so that a typo never
    silently changes the width of a published interval.
    """
    levels = (confidence,) if np.isscalar(confidence) else tuple(confidence)  # type: ignore[arg-type]
    problems = []
    if not levels:
        problems.append(Problem(ARGUMENT, None, "confidence", "confidence_empty", "give a level"))
    for level in levels:
        ok = isinstance(level, int | float | np.floating | np.integer) and 0.0 < level < 1.0
        if not ok:
            hint = f" (did you mean {level / 100:g}?)" if _is_percent(level) else ""
            problems.append(
                Problem(
                    ARGUMENT,
                    None,
                    "confidence",
                    "confidence_not_fraction",
                    f"confidence must be a fraction between 0 and 1, got {level!r}{hint}",
                )
            )
    if len(set(levels)) != len(levels):
        problems.append(
            Problem(ARGUMENT, None, "confidence", "confidence_repeated", "levels repeat")
        )
    if problems:
        raise InputError(problems)
    return tuple(float(level) for level in levels)


def _is_percent(level: object) -> bool:
    return isinstance(level, int | float) and 1.0 < float(level) < 100.0


def z_value(level: float) -> float:
    """Two-sided normal quantile for a confidence level, ``norm.ppf((1 + level) / 2)``."""
    return float(norm.ppf((1.0 + level) / 2.0))


def level_tag(level: float) -> str:
    """Column tag of a level as the reference names it: 0.95 -> ``"95_0"``, 0.998 -> ``"99_8"``."""
    return f"{level * 100:.1f}".replace(".", "_")


def ci_column_names(levels: Sequence[float]) -> list[tuple[str, str]]:
    """``[("lowercl", "uppercl")]`` for one level, else ``lower95_0cl``-style pairs."""
    if len(levels) == 1:
        return [("lowercl", "uppercl")]
    return [(f"lower{level_tag(lv)}cl", f"upper{level_tag(lv)}cl") for lv in levels]


def confidence_label(levels: Sequence[float]) -> str:
    """Human label of the levels, e.g. ``"95%"`` or ``"95%, 99.8%"``."""
    return ", ".join(f"{level * 100:g}%" for level in levels)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise one InputError naming every required column that ``frame`` lacks."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns))
        raise InputError(
            Problem(name, None, c, "missing_column", f"required column is missing (have: {have})")
            for c in missing
        )


def row_problems(
    mask: np.ndarray, name: str, column: str, rule: str, message: str
) -> list[Problem]:
    """One Problem per True entry of ``mask`` (positional rows, reported 1-based + header)."""
    positions = np.flatnonzero(mask)
    problems = [
        Problem(name, int(p) + 2, column, rule, message) for p in positions[:_MAX_ROW_PROBLEMS]
    ]
    if len(positions) > _MAX_ROW_PROBLEMS:
        problems.append(
            Problem(name, None, column, rule, f"... and {len(positions) - 1000} more rows")
        )
    return problems


def require_numeric(
    frame: pd.DataFrame, columns: Iterable[str], name: str, *, allow_missing: bool = False
) -> dict[str, np.ndarray]:
    """Columns as float arrays; one InputError listing every non-numeric (or missing) cell."""
    out: dict[str, np.ndarray] = {}
    problems: list[Problem] = []
    for column in columns:
        raw = frame[column]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            values = raw.to_numpy(dtype=float, na_value=np.nan)
            bad = np.zeros(len(values), dtype=bool)
        else:
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            bad = np.isnan(values) & raw.notna().to_numpy()
            problems += row_problems(bad, name, column, "not_numeric", "must be a number")
        if not allow_missing:
            missing = np.isnan(values) & ~bad
            problems += row_problems(missing, name, column, "missing_value", "is empty")
        out[column] = values
    if problems:
        raise InputError(problems)
    return out


@dataclass(frozen=True)
class BandedGroups:
    """Tidy rows pivoted to arrays shaped ``(group, band)``.

    ``keys`` holds one row per group (in order of first appearance); ``values`` maps
    each value column to its ``(group, band)`` sums; ``rows`` counts the input rows
    that fell in each cell (0 = band missing, >1 = band repeated).
    """

    keys: pd.DataFrame
    values: dict[str, np.ndarray]
    rows: np.ndarray
    starts: tuple[int, ...]


def pivot_to_bands(
    frame: pd.DataFrame,
    keys: Sequence[str],
    age_start: str,
    values: Sequence[str],
    starts: Sequence[int],
    name: str,
) -> BandedGroups:
    """Pivot tidy rows keyed by ``keys`` + ``age_start`` into ``(group, band)`` arrays.

    Vectorised: groups are numbered by factorising the keys, bands by a sorted search,
    and the cells filled with :func:`numpy.bincount`, so the cost grows linearly with
    the rows and no Python loop runs over groups. Rows with a start age not in
    ``starts`` are refused (every one is listed).
    """
    require_columns(frame, [*keys, age_start, *values], name)
    numbers = require_numeric(frame, [age_start, *values], name)
    starts = tuple(int(s) for s in starts)
    start_values = numbers[age_start]
    band = np.searchsorted(np.asarray(starts, dtype=float), start_values)
    band = np.minimum(band, len(starts) - 1)
    unknown = np.asarray(starts, dtype=float)[band] != start_values
    if unknown.any():
        allowed = ", ".join(map(str, starts))
        raise InputError(
            row_problems(unknown, name, age_start, "unknown_age_band", f"must be one of {allowed}")
        )
    group, first_rows = _group_codes(frame, keys)
    n_groups, n_bands = len(first_rows), len(starts)
    cell = group * n_bands + band
    size = n_groups * n_bands
    rows = np.bincount(cell, minlength=size).reshape(n_groups, n_bands)
    arrays = {
        column: np.bincount(cell, weights=numbers[column], minlength=size).reshape(
            n_groups, n_bands
        )
        for column in values
    }
    key_frame = frame.iloc[first_rows][list(keys)].reset_index(drop=True)
    return BandedGroups(key_frame, arrays, rows, starts)


def _group_codes(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of every row (by first appearance) and the first row of each group."""
    if not keys:
        return np.zeros(len(frame), dtype=np.int64), np.zeros(1 if len(frame) else 0, dtype=int)
    combined = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for column in keys:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        if span * (len(uniques) + 1) > 2**62:  # renumber densely before the product overflows
            combined, seen = pd.factorize(combined)
            span = len(seen)
        combined = combined * (len(uniques) + 1) + codes
        span *= len(uniques) + 1
    group, _ = pd.factorize(combined)
    group = group.astype(np.int64)
    # factorize numbers groups by first appearance, so a group starts where its code
    # exceeds every code seen before it.
    seen_max = np.maximum.accumulate(group)
    previous = np.concatenate([[-1], seen_max[:-1]])
    return group, np.flatnonzero(group > previous)
