"""Grouping tidy rows by their keys, and pivoting them to ``(group, band)`` arrays.

Shared by every measure. Groups are numbered by factorising the key columns (no
sort of every row, no Python loop over groups); only the small table of distinct
keys is sorted when key order is wanted.

>>> import pandas as pd
>>> data = pd.DataFrame({"area": ["B", "A", "B"], "deaths": [1.0, 2.0, 4.0]})
>>> groups = group_index(data, ["area"])
>>> groups.keys["area"].tolist(), groups.codes.tolist()
(['A', 'B'], [1, 0, 1])
>>> sum_by_group(data["deaths"].to_numpy(), groups.codes, groups.size).tolist()
[2.0, 5.0]
>>> group_index(data, ["area"], sort=False).keys["area"].tolist()
['B', 'A']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthgap.errors import InputError
from healthgap.measures._validation import (
    missing_columns,
    numeric_columns,
    raise_if_any,
    row_problems,
)

__all__ = ["BandedGroups", "GroupIndex", "group_index", "pivot_to_bands", "sum_by_group"]


@dataclass(frozen=True)
class GroupIndex:
    """Integer group code of every row, and the table of distinct keys (one row a group)."""

    codes: np.ndarray
    keys: pd.DataFrame

    @property
    def size(self) -> int:
        return len(self.keys)


def group_index(data: pd.DataFrame, keys: Sequence[str], *, sort: bool = True) -> GroupIndex:
    """Group rows by ``keys``; missing keys form groups of their own.

    With ``sort`` the groups follow key order (missing keys last), so codes and output
    do not depend on row order; without it they follow first appearance. With no keys
    every row is in one group, and the key table has one row and no columns.
    """
    keys = list(keys)
    if not keys:
        return GroupIndex(np.zeros(len(data), dtype=np.intp), pd.DataFrame(index=range(1)))
    codes, first_rows = _first_appearance_codes(data, keys)
    table = data.iloc[first_rows][keys].reset_index(drop=True)
    if not sort:
        return GroupIndex(codes, table)
    # Sort the small key table and renumber, rather than sorting every row.
    order = table.sort_values(keys, na_position="last", kind="stable").index.to_numpy()
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return GroupIndex(rank[codes], table.iloc[order].reset_index(drop=True))


def _first_appearance_codes(
    frame: pd.DataFrame, keys: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Group number of every row (by first appearance) and the first row of each group."""
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
    group = group.astype(np.intp)
    # factorize numbers groups by first appearance, so a group starts where its code
    # exceeds every code seen before it.
    seen_max = np.maximum.accumulate(group)
    previous = np.concatenate([[-1], seen_max[:-1]])
    return group, np.flatnonzero(group > previous)


def sum_by_group(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum ``values`` within groups; a missing value makes its group's sum missing."""
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    total = np.bincount(codes, weights=np.where(missing, 0.0, values), minlength=n_groups)
    if missing.any():
        has_missing = np.bincount(codes, weights=missing, minlength=n_groups) > 0
        total[has_missing] = np.nan
    return total


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
    the rows and no Python loop runs over groups. Missing or non-numeric cells, and rows
    with a start age not in ``starts``, are refused (every one is listed).
    """
    raise_if_any(missing_columns(frame, [*keys, age_start, *values], name))
    numbers, problems = numeric_columns(frame, [age_start, *values], name)
    raise_if_any(problems)
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
    groups = group_index(frame, keys, sort=False)
    n_groups, n_bands = groups.size, len(starts)
    cell = groups.codes * n_bands + band
    size = n_groups * n_bands
    rows = np.bincount(cell, minlength=size).reshape(n_groups, n_bands)
    arrays = {
        column: np.bincount(cell, weights=numbers[column], minlength=size).reshape(
            n_groups, n_bands
        )
        for column in values
    }
    return BandedGroups(groups.keys, arrays, rows, starts)
