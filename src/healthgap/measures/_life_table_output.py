"""Tidy output of the life-table measures (life expectancy, healthy life expectancy).

The measures compute ``(group, band)`` arrays; these helpers pick the bands asked
for, give the suppression warnings and lay the arrays out as tidy rows, with the
repeated text columns as Categoricals (cheap at a million rows).

>>> from_band_on(np.array([[1.0, 2.0, 3.0]])).tolist()
[[6.0, 5.0, 3.0]]
>>> band_columns((0, 1, 5), [5, 0]).tolist()
[2, 0]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem, SuppressionWarning
from healthgap.measures._validation import ARGUMENT
from healthgap.measures.intervals import confidence_labels, limit_columns, z_value

if TYPE_CHECKING:
    from healthgap.measures.life_expectancy import LifeExpectancyArrays, _Rule

__all__ = [
    "band_columns",
    "from_band_on",
    "text_column",
    "tidy_frame",
    "tidy_result",
    "warn_suppressed",
]


def warn_suppressed(row_reason: np.ndarray, rules: Sequence[_Rule], *, stacklevel: int) -> None:
    """One SuppressionWarning per rule that stopped a value, each text once."""
    fired = np.unique(row_reason[row_reason > 0])
    texts = dict.fromkeys(rules[code - 1].warning for code in fired)
    for text in texts:
        warnings.warn(text, SuppressionWarning, stacklevel=stacklevel + 1)


def band_columns(starts: Sequence[int], ages: str | Sequence[int]) -> np.ndarray:
    """Band positions of the ages asked for (``"all"`` or a list of band starts)."""
    if isinstance(ages, str):
        if ages != "all":
            raise InputError(f'ages must be "all" or a list of band starts, got {ages!r}')
        return np.arange(len(starts))
    wanted = [int(a) for a in np.atleast_1d(ages)]
    unknown = [a for a in wanted if a not in starts]
    if unknown:
        raise InputError(
            Problem(
                ARGUMENT,
                None,
                "ages",
                "unknown_age_band",
                f"{a} is not the start of an age band ({', '.join(map(str, starts))})",
            )
            for a in unknown
        )
    return np.asarray([list(starts).index(a) for a in wanted])


def tidy_frame(
    keys: pd.DataFrame, columns: np.ndarray, starts: Sequence[int], age_start: str
) -> dict[str, object]:
    """Key columns repeated once per selected band, plus the band start column."""
    n_groups, n_cols = len(keys), len(columns)
    take = np.repeat(np.arange(n_groups), n_cols)
    out: dict[str, object] = {c: keys[c].array.take(take) for c in keys.columns}
    out[age_start] = np.tile(np.asarray(starts, dtype=np.int64)[columns], n_groups)
    return out


def text_column(codes: np.ndarray | int, categories: Sequence[str], n_rows: int) -> pd.Categorical:
    """A column of repeated labels (unique ``categories``) as a Categorical: building a
    million Python strings would cost more than the whole life table."""
    codes = np.broadcast_to(np.asarray(codes, dtype=np.int16), (n_rows,))
    return pd.Categorical.from_codes(codes, categories=list(categories))


def tidy_result(
    arrays: LifeExpectancyArrays,
    columns: np.ndarray,
    age_start: str,
    *,
    value: np.ndarray,
    se: np.ndarray,
    row_reason: np.ndarray,
    levels: Sequence[float],
    statistic: str,
    method: str,
    extra: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Tidy output of a life-table measure at the selected bands ``columns``.

    ``value``, ``se``, ``row_reason`` and the ``extra`` columns are ``(group, selected
    band)`` arrays; values (and extras) are shown where ``row_reason`` is 0, limits
    (value -/+ z SE) also where only the CI width hid the value. Gives one
    SuppressionWarning per rule that fired. Shared by life expectancy and HLE.
    """
    warn_suppressed(row_reason, arrays.rules, stacklevel=3)
    out = tidy_frame(arrays.keys, columns, arrays.table.starts, age_start)
    shown = row_reason == 0
    limits_shown = shown | (row_reason == len(arrays.rules))
    out["value"] = np.where(shown, value, np.nan).ravel()
    for level, (lower, upper) in zip(levels, limit_columns(levels), strict=True):
        half = z_value(level) * se
        with np.errstate(invalid="ignore"):  # suppressed groups may hold inf - inf
            out[lower] = np.where(limits_shown, value - half, np.nan).ravel()
            out[upper] = np.where(limits_shown, value + half, np.nan).ravel()
    n_rows = value.size
    out["confidence"] = text_column(0, [confidence_labels(levels)], n_rows)
    statistics = [f"{statistic} at {s}" for s in arrays.table.starts]
    out["statistic"] = text_column(np.tile(columns, len(value)), statistics, n_rows)
    out["method"] = text_column(0, [method], n_rows)
    for name, column in (extra or {}).items():
        out[name] = np.where(shown, column, np.nan).ravel()
    out["person_years_used"] = from_band_on(arrays.population)[:, columns].ravel()
    out["deaths_used"] = from_band_on(arrays.deaths)[:, columns].ravel()
    codes = row_reason.ravel()
    out["suppression_reason"] = text_column(codes, ["", *(r.key for r in arrays.rules)], n_rows)
    out["suppression_note"] = text_column(codes, ["", *(r.note for r in arrays.rules)], n_rows)
    return pd.DataFrame(out)


def from_band_on(values: np.ndarray) -> np.ndarray:
    """Totals at ages at or above each band (reverse cumulative sum along bands)."""
    return np.flip(np.cumsum(np.flip(values, axis=-1), axis=-1), axis=-1)
