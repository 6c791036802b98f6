"""Population and deaths of every area at every level, summed once and indexed by area.

The pages of a national workspace (33,800 small areas, 15 years, 8 causes: tens of millions
of rows) must not filter or re-aggregate the whole small-area tables on each request. So,
once per workspace content, the rows of the smallest areas are summed to every higher level
(:func:`~healthgap.data.level_sums.sum_to_levels`, the same sums as
:func:`healthgap.data.aggregate` on integer codes; areas that have rows of their own keep
them), the rows of each area are kept together in period order, and each request slices the
rows of the areas it needs in microseconds. Pooled periods (``"2022-24"``) are pooled from
those slices with :func:`healthgap.data.pool_periods`; for very large selections (the whole
country's small areas) the pooled table of the period is built once
(:func:`~healthgap.data.level_sums.pool_rows`) and kept.

>>> areas = pd.DataFrame({"area_code": ["L", "S1", "S2"], "level": ["la", "lsoa", "lsoa"],
...                       "parent_la": [None, "L", "L"]})
>>> pop = pd.DataFrame({"area_code": ["S1", "S2"], "period": "2014", "sex": "male",
...                     "age_start": 0, "person_years": [10, 5]})
>>> rows = AreaRows.build(areas, {"population": pop})
>>> rows.select("population", ["L"])["person_years"].tolist()
[15]
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from healthgap.data.aggregate import select_period, stored_labels
from healthgap.data.level_files import FILE_SUFFIX, LevelFile, write_level_file
from healthgap.data.level_sums import area_positions, pool_rows, sum_to_levels
from healthgap.errors import InputError
from healthgap.periods import Period

__all__ = ["AreaRows"]

# A selection of more small areas than this is served from a pooled table kept per period
# (pooling millions of rows on each request would take seconds).
LARGE_SELECTION = 2_000


def _codes_present(values: pd.Series) -> pd.Index:
    """The distinct area codes of a column (fast for a categorical column)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        raw = values.cat.codes.to_numpy()
        used = np.flatnonzero(np.bincount(raw[raw >= 0], minlength=len(values.cat.categories)))
        return pd.Index(values.cat.categories.astype(str)[used])
    return pd.Index(pd.unique(values.astype(str)))


def _sorted_labels(values: pd.Series) -> pd.Index:
    return pd.Index(sorted(_codes_present(values)))


def _as_category(values: pd.Series, codes: pd.Index) -> pd.Categorical:
    """``values`` as a categorical over ``codes`` (looked up per category, not per row)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.equals(codes):
        return values.array  # already so (summed rows, a table read back): no pass over rows
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = codes.get_indexer(values.cat.categories.astype(str))
        raw = values.cat.codes.to_numpy()
        positions = np.where(raw >= 0, lookup[raw], -1)
    else:
        positions = codes.get_indexer(values.astype(str))
    return pd.Categorical.from_codes(positions, categories=codes)


def _runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop of each run of equal codes."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    return np.r_[0, change], np.r_[change, len(codes)]


def _grouped(area: np.ndarray, period: np.ndarray) -> bool:
    """Whether each area's rows are contiguous and in period order (no area missing)."""
    if (area < 0).any():
        return False
    starts, _ = _runs(area)
    if len(np.unique(area[starts])) != len(starts):
        return False
    same_area = area[1:] == area[:-1]
    return bool(np.all(~same_area | (period[1:] >= period[:-1])))


class _Indexed:
    """One table sorted by area (then period) with the row range of each area."""

    def __init__(self, table: pd.DataFrame, codes: pd.Index) -> None:
        area = _as_category(table["area_code"], codes)
        period = _as_category(table["period"], _sorted_labels(table["period"]))
        if _grouped(area.codes, period.codes):  # as summed and pooled rows are: no re-sort
            frame = table.reset_index(drop=True).assign(area_code=area, period=period)
        else:
            order = np.lexsort((period.codes, area.codes))
            frame = table.iloc[order].reset_index(drop=True)
            frame["area_code"] = pd.Categorical.from_codes(area.codes[order], categories=codes)
            frame["period"] = pd.Categorical.from_codes(
                period.codes[order], categories=period.categories
            )
        self._frame: pd.DataFrame | None = frame
        self._stored: LevelFile | None = None
        self.codes = codes
        self._ranges(frame["area_code"].cat.codes.to_numpy())

    @classmethod
    def from_file(cls, stored: LevelFile) -> _Indexed:
        """A table kept by :meth:`AreaRows.save`, read area by area (:mod:`.level_files`)."""
        self = cls.__new__(cls)
        self._frame, self._stored = None, stored
        self.codes = pd.Index(stored.categories("area_code").astype(str))
        self.start, self.stop = stored.start, stored.stop
        return self

    @property
    def frame(self) -> pd.DataFrame:
        """The whole table (a kept one is read in full only when this is asked for)."""
        if self._frame is not None:
            return self._frame
        assert self._stored is not None
        return self._stored.frame

    def empty(self) -> pd.DataFrame:
        """No rows, with the table's columns and dtypes (a kept table is not read for it)."""
        if self._frame is not None:
            return self._frame.iloc[0:0]
        assert self._stored is not None
        return self._stored.empty()

    def period_labels(self) -> list[str]:
        categories = (
            self._frame["period"].cat.categories
            if self._frame is not None
            else self._stored.categories("period")  # type: ignore[union-attr]
        )
        return [str(p) for p in categories]

    def save(self, path: Path) -> None:
        write_level_file(self.frame, self.start, self.stop, path)

    def _ranges(self, area_codes: np.ndarray) -> None:
        """Row range of each area in a frame whose rows of one area are contiguous."""
        starts, stops = _runs(area_codes)
        self.start = np.zeros(len(self.codes), dtype=np.int64)
        self.stop = np.zeros(len(self.codes), dtype=np.int64)
        if len(starts):
            self.start[area_codes[starts]] = starts
            self.stop[area_codes[starts]] = stops

    def select(self, area_codes: Iterable[str]) -> pd.DataFrame:
        found = self.codes.get_indexer(list(area_codes))
        found = np.unique(found[found >= 0])
        starts, stops = self.start[found], self.stop[found]
        lengths = stops - starts
        if lengths.sum() == 0:
            return self.empty()
        # Positions of every row of every chosen area, without a Python loop over areas.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        positions = offsets + np.arange(lengths.sum())
        if self._frame is None:
            return self._stored.select_positions(positions)  # type: ignore[union-attr]
        return self._frame.iloc[positions]


class AreaRows:
    """The rows of any area at any level, own or summed, for each count table."""

    def __init__(self, tables: Mapping[str, _Indexed]) -> None:
        self._tables = dict(tables)
        self._pooled: dict[tuple[str, str], _Indexed] = {}
        self._lock = threading.Lock()

    @classmethod
    def build(
        cls,
        areas: pd.DataFrame,
        tables: Mapping[str, pd.DataFrame],
        progress: Callable[[str], None] | None = None,
    ) -> AreaRows:
        """Sum ``tables`` (e.g. population and deaths) to every level of ``areas``."""
        codes = pd.Index(pd.unique(areas["area_code"].astype(str)))
        indexed = {}
        for name, table in tables.items():
            if progress is not None:
                progress(f"summing {name} to every level")
            all_codes = codes.append(_codes_present(table["area_code"]).difference(codes))
            positions = area_positions(table["area_code"], all_codes)
            own = table.assign(area_code=pd.Categorical.from_codes(positions, all_codes))
            summed = sum_to_levels(areas, own, all_codes)
            own.attrs = {}
            frame = pd.concat([own, summed], ignore_index=True) if len(summed) else own
            indexed[name] = _Indexed(frame, all_codes)
        return cls(indexed)

    def save(self, folder: Path) -> None:
        """Keep the summed tables (sorted, :mod:`.level_files`), so a restart only opens them."""
        # this process's own staging folder: another server process may be saving too
        staging = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for name, table in self._tables.items():
            table.save(staging / f"{name}{FILE_SUFFIX}")
        for (name, label), table in self._pooled.items():
            table.save(staging / f"pooled_{name}_{label}{FILE_SUFFIX}")
        shutil.rmtree(folder, ignore_errors=True)
        try:
            staging.rename(folder)
        except OSError:  # another process put the same tables there first: keep theirs
            shutil.rmtree(staging, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, names: Iterable[str]) -> AreaRows | None:
        """The tables kept by :meth:`save` (opened, read area by area when asked), or
        ``None`` when any is missing or damaged."""
        try:
            tables = {
                name: _Indexed.from_file(LevelFile(folder / f"{name}{FILE_SUFFIX}"))
                for name in names
            }
            pooled = {}
            for path in folder.glob(f"pooled_*{FILE_SUFFIX}"):
                name, label = path.stem.removeprefix("pooled_").split("_", 1)
                pooled[name, label] = _Indexed.from_file(LevelFile(path))
        except (OSError, ValueError, KeyError, IndexError):
            return None
        rows = cls(tables)
        rows._pooled = pooled
        return rows

    def has(self, name: str) -> bool:
        return name in self._tables

    def periods(self, name: str) -> list[str]:
        """The period labels of table ``name``."""
        return self._tables[name].period_labels()

    def select(
        self, name: str, area_codes: Iterable[str], period: str | Period | None = None
    ) -> pd.DataFrame:
        """Rows of ``area_codes`` (any level); of one ``period`` when given, pooled from its
        single years when the label is a range such as ``"2022-24"`` (none when the table
        lacks one of its years)."""
        codes = [str(c) for c in area_codes]
        table = self._tables[name]
        if period is None:
            return table.select(codes)
        try:
            stored = stored_labels(period, self.periods(name))
        except InputError:  # a year the table lacks: no rows (the source names the years)
            return table.empty()
        if len(codes) > LARGE_SELECTION:
            return self.pooled(name, period).select(codes)
        rows = table.select(codes)
        if len(stored) > 1 and len(rows):
            # pooled on integer codes: the same rows as pool_periods, in a third of the time
            label = Period.parse(period).label
            pooled = pool_rows(rows, stored, label, table.codes)
            if pooled is not None and len(pooled):
                return pooled.assign(period=label)
        return select_period(rows, period, available=self.periods(name))

    def pooled(self, name: str, period: str | Period) -> _Indexed:
        """The whole table in one period (pooled once, then kept)."""
        key = (name, Period.parse(period).label)
        with self._lock:
            if key in self._pooled:
                return self._pooled[key]
        table = self._tables[name]
        stored = stored_labels(period, self.periods(name))
        label = Period.parse(period).label
        rows = pool_rows(table.frame, stored, label, table.codes)
        if rows is None:  # a cell lacks a year: pool_periods names the cells
            rows = select_period(table.frame, period, available=self.periods(name))
        indexed = _Indexed(rows, table.codes)
        with self._lock:
            self._pooled[key] = indexed
        return indexed
