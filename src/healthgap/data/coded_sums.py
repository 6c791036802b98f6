"""Sums of count tables over integer-coded keys, in NumPy (national tables in seconds).

A national workspace has tens of millions of population and deaths rows. Summing them with
pandas group-bys on text or categorical keys spends most of its time building and sorting
key labels. Here every key column is first turned into small integer codes (a categorical's
own codes, or the offsets of small integers), the codes of a row are combined into one
integer *cell* (mixed radix), and the rows are summed per (group, cell) with
:func:`numpy.bincount`. The results are the same rows :func:`healthgap.data.aggregate` and
:func:`healthgap.data.pool_periods` give, in the same order (by group, then by each key's
values, a categorical's in category order).

For groups :math:`g` (e.g. parent areas), cells :math:`c` and a count :math:`y`,

.. math:: Y_{g,c} = \\sum_{i:\\ g(i)=g,\\ c(i)=c} y_i ,

kept for every :math:`(g, c)` that has at least one row (as a group-by would).

>>> table = pd.DataFrame({"period": pd.Categorical(["2014", "2013", "2014"]),
...                       "age_start": [0, 0, 0], "deaths": [1, 2, 3]})
>>> keys = KeyCodes.of(table, ["period", "age_start"])
>>> summed = sum_cells(np.array([0, 0, 0]), keys.cells, 1, keys.size, [table["deaths"]])
>>> keys.frame(summed.cells).assign(deaths=summed.values[0]).to_dict("list")
{'period': ['2013', '2014'], 'age_start': [0, 0], 'deaths': [2, 4]}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Coded", "KeyCodes", "Summed", "sum_cells"]

# Up to this many bins per row (or this many in all) a direct bincount beats sorting.
_BINS_PER_ROW = 8
_SMALL_BINS = 1 << 22
_MAX_BINS = 1 << 26  # 64 M bins (512 MB of float64): beyond, sort the keys instead


@dataclass(frozen=True)
class Coded:
    """One key column as integer codes ``0..len(values)-1`` over its ``values`` (sorted, or
    in category order for a categorical), with the dtype to give the values back in."""

    codes: np.ndarray
    values: pd.Index
    dtype: object

    @classmethod
    def of(cls, column: pd.Series) -> Coded:
        """Codes of ``column``: per category for a categorical, by offset for small
        integers, else by :func:`pandas.factorize` (missing values get a code of their own)."""
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):  # in category order, as a group-by sorts
            categories = pd.Index(dtype.categories)
            codes = column.cat.codes.to_numpy().astype(np.int64)
            if (codes < 0).any():  # missing: a code of its own, last (as NaN sorts)
                codes[codes < 0] = len(categories)
                categories = categories.append(pd.Index([np.nan], dtype=categories.dtype))
            return cls(codes, categories, dtype)
        array = column.to_numpy()
        if np.issubdtype(array.dtype, np.integer) and len(array):
            low, high = int(array.min()), int(array.max())
            if high - low < 1 << 20:
                offsets = (array - low).astype(np.int64)
                seen = np.flatnonzero(np.bincount(offsets, minlength=high - low + 1))
                lookup = np.full(high - low + 1, -1, dtype=np.int64)
                lookup[seen] = np.arange(len(seen))
                return cls(lookup[offsets], pd.Index(seen + low, dtype=array.dtype), dtype)
        codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=False)
        return cls(codes.astype(np.int64), pd.Index(uniques), dtype)

    def column(self, codes: np.ndarray) -> pd.Series:
        """The values of ``codes`` as a column of the original dtype."""
        if isinstance(self.dtype, pd.CategoricalDtype):
            categories = self.dtype.categories
            positions = categories.get_indexer(self.values)
            return pd.Series(pd.Categorical.from_codes(positions[codes], dtype=self.dtype))
        return pd.Series(self.values.to_numpy()[codes]).astype(self.dtype)


@dataclass(frozen=True)
class KeyCodes:
    """Several key columns of a table coded together: ``cells`` holds, per row, the mixed
    radix number of its codes (first key most significant), ``size`` the number of cells."""

    names: tuple[str, ...]
    coded: tuple[Coded, ...]
    cells: np.ndarray
    size: int

    @classmethod
    def of(cls, frame: pd.DataFrame, names: Sequence[str]) -> KeyCodes:
        coded = tuple(Coded.of(frame[name]) for name in names)
        cells = np.zeros(len(frame), dtype=np.int64)
        size = 1
        for one in coded:
            cells = cells * len(one.values) + one.codes
            size *= len(one.values)
        return cls(tuple(names), coded, cells, size)

    def frame(self, cells: np.ndarray) -> pd.DataFrame:
        """The key columns of ``cells`` (the inverse of the mixed radix)."""
        columns = {}
        rest = np.asarray(cells, dtype=np.int64)
        for name, one in reversed(list(zip(self.names, self.coded, strict=True))):
            rest, codes = np.divmod(rest, len(one.values))
            columns[name] = one.column(codes)
        return pd.DataFrame({name: columns[name] for name in self.names})


@dataclass(frozen=True)
class Summed:
    """Sums per occupied (group, cell), sorted by group then cell; ``rows`` counts the rows
    that went into each."""

    groups: np.ndarray
    cells: np.ndarray
    values: list[np.ndarray]
    rows: np.ndarray


def _typed(total: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Integer sums back as integers (bincount adds in float64: exact below 2**53), in the
    dtype of the addends when they fit, else int64."""
    if not np.issubdtype(like.dtype, np.integer):
        return total
    whole = np.rint(total)
    limits = np.iinfo(like.dtype)
    fits = not len(whole) or (whole.min() >= limits.min and whole.max() <= limits.max)
    return whole.astype(like.dtype if fits else np.int64)


def sum_cells(
    groups: np.ndarray,
    cells: np.ndarray,
    n_groups: int,
    n_cells: int,
    values: Sequence[pd.Series | np.ndarray],
) -> Summed:
    """Sum each of ``values`` per (group, cell) of each row; rows with a negative group are
    left out. A missing value is skipped; a sum of only missing values is missing (as
    pandas' ``sum(min_count=1)``)."""
    keep = groups >= 0
    arrays = [np.asarray(v) for v in values]
    if not keep.all():
        groups, cells = groups[keep], cells[keep]
        arrays = [a[keep] for a in arrays]
    key = groups.astype(np.int64) * n_cells + cells
    n_bins = n_groups * n_cells
    if n_bins <= max(_BINS_PER_ROW * len(key), _SMALL_BINS) and n_bins <= _MAX_BINS:
        counts = np.bincount(key, minlength=n_bins)
        occupied = np.flatnonzero(counts)
        index, n_index = key, n_bins
    else:
        occupied, index, counts = np.unique(key, return_inverse=True, return_counts=True)
        n_index = len(occupied)
    dense = n_index == n_bins
    picked = occupied if dense else np.arange(len(occupied))
    sums = []
    for array in arrays:
        floats = np.asarray(array, dtype=np.float64)
        missing = None if np.issubdtype(array.dtype, np.integer) else np.isnan(floats)
        if missing is not None and missing.any():
            present = np.bincount(index, weights=~missing, minlength=n_index)[picked]
            total = np.bincount(index, weights=np.where(missing, 0.0, floats), minlength=n_index)
            sums.append(np.where(present > 0, total[picked], np.nan))
        else:
            total = np.bincount(index, weights=floats, minlength=n_index)[picked]
            sums.append(_typed(total, array))
    group, cell = np.divmod(occupied, n_cells)
    return Summed(group, cell, sums, counts[picked])
