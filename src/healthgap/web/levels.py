"""Population and deaths of every area at every level, summed once and indexed by area.

The pages of a national workspace (33,800 small areas, 15 years, 8 causes: tens of millions
of rows) must not filter or re-aggregate the whole small-area tables on each request. So,
once per workspace content, the rows of the smallest areas are summed to every higher level
with :func:`healthgap.data.aggregate` (areas that have rows of their own keep them), the
result is sorted by area and period, and each request slices the rows of the areas it needs
in microseconds. Pooled periods (``"2022-24"``) are pooled from those slices with
:func:`healthgap.data.pool_periods`; for very large selections (the whole country's small
areas) the pooled table of the period is built once and kept.

>>> areas = pd.DataFrame({"area_code": ["L", "S1", "S2"], "level": ["la", "lsoa", "lsoa"],
...                       "parent_la": [None, "L", "L"]})
>>> pop = pd.DataFrame({"area_code": ["S1", "S2"], "period": "2014", "sex": "male",
...                     "age_start": 0, "person_years": [10, 5]})
>>> rows = AreaRows.build(areas, {"population": pop})
>>> rows.select("population", ["L"])["person_years"].tolist()
[15]
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from healthgap.data.aggregate import aggregate, pool_periods
from healthgap.data.model import LEVELS, parent_column
from healthgap.decomposition.comparisons import period_label_years

__all__ = ["AreaRows"]

# A selection of more small areas than this is served from a pooled table kept per period
# (pooling millions of rows on each request would take seconds).
LARGE_SELECTION = 2_000
_CHAIN = "__chain__"


def _level_order(levels: Iterable[str]) -> list[str]:
    """Levels from the smallest up (the standard order, then any user-defined level)."""
    found = list(dict.fromkeys(levels))
    return [lv for lv in LEVELS if lv in found] + [lv for lv in found if lv not in LEVELS]


def _summed_levels(areas: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Rows for every area without rows of its own, summed from the smallest areas that have
    rows (the way a profile of a larger area is defined).

    The smallest areas are first summed once by their chain of parents (one pass over the big
    table), then each level is summed from those chains: exact whether or not levels nest.
    """
    level_of = areas.set_index(areas["area_code"].astype(str))["level"].astype(str)
    present = pd.Index(pd.unique(table["area_code"].astype(str))) if len(table) else pd.Index([])
    data_levels = _level_order(level_of.reindex(present).dropna())
    if not data_levels:
        return table.iloc[0:0]
    smallest = data_levels[0]
    small = areas[areas["level"].astype(str) == smallest]
    wanted = [
        level
        for level in _level_order(areas["level"].astype(str))
        if level != smallest and parent_column(level) in areas.columns
    ]
    missing = {
        level: set(areas.loc[areas["level"].astype(str) == level, "area_code"].astype(str))
        - set(present)
        for level in wanted
    }
    wanted = [level for level in wanted if missing[level]]
    if not wanted:
        return table.iloc[0:0]
    parents = small[[parent_column(level) for level in wanted]].astype(object)
    chain_key = parents.fillna("").astype(str).agg("|".join, axis=1)
    chain_id = pd.factorize(chain_key)[0]
    small_map = pd.DataFrame(
        {"area_code": small["area_code"].astype(str), _CHAIN: [f"c{i}" for i in chain_id]}
    )
    rows = table[table["area_code"].astype(str).isin(set(small_map["area_code"]))]
    chained = aggregate(rows, small_map, _CHAIN)
    chains = parents.assign(area_code=small_map[_CHAIN].to_numpy()).drop_duplicates("area_code")
    out = []
    for level in wanted:
        column = parent_column(level)
        with_parent = chains[chains[column].notna()]
        part = chained[chained["area_code"].isin(set(with_parent["area_code"]))]
        summed = aggregate(part, with_parent[["area_code", column]], level)
        out.append(summed[summed["area_code"].isin(missing[level])])
    return pd.concat(out, ignore_index=True) if out else table.iloc[0:0]


class _Indexed:
    """One table sorted by area (then period) with the row range of each area."""

    def __init__(self, table: pd.DataFrame, codes: pd.Index) -> None:
        area = pd.Categorical(table["area_code"].astype(str), categories=codes)
        order = np.lexsort((table["period"].astype(str).to_numpy(), area.codes))
        self.frame = table.iloc[order].reset_index(drop=True)
        self.frame["area_code"] = pd.Categorical.from_codes(area.codes[order], categories=codes)
        self.codes = codes
        sorted_codes = area.codes[order]
        self.start = np.searchsorted(sorted_codes, np.arange(len(codes)), side="left")
        self.stop = np.searchsorted(sorted_codes, np.arange(len(codes)), side="right")

    def select(self, area_codes: Iterable[str]) -> pd.DataFrame:
        found = self.codes.get_indexer(list(area_codes))
        found = np.unique(found[found >= 0])
        starts, stops = self.start[found], self.stop[found]
        lengths = stops - starts
        if lengths.sum() == 0:
            return self.frame.iloc[0:0]
        # Positions of every row of every chosen area, without a Python loop over areas.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        positions = offsets + np.arange(lengths.sum())
        return self.frame.iloc[positions]


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
            extra = pd.Index(pd.unique(table["area_code"].astype(str))).difference(codes)
            all_codes = codes.append(extra)
            summed = _summed_levels(areas, table)
            whole = pd.concat(
                [table.astype({"area_code": str}), summed.astype({"area_code": str})],
                ignore_index=True,
            )
            if "period" in whole.columns:
                whole["period"] = whole["period"].astype(str).astype("category")
            indexed[name] = _Indexed(whole, all_codes)
        return cls(indexed)

    def has(self, name: str) -> bool:
        return name in self._tables

    def select(
        self, name: str, area_codes: Iterable[str], period: str | None = None
    ) -> pd.DataFrame:
        """Rows of ``area_codes`` (any level); of one ``period`` when given, pooled from its
        single years when the label is a range such as ``"2022-24"``."""
        codes = [str(c) for c in area_codes]
        if period is None:
            return self._tables[name].select(codes)
        if len(codes) > LARGE_SELECTION:
            return self.pooled(name, period).select(codes)
        return _in_period(self._tables[name].select(codes), period)

    def pooled(self, name: str, period: str) -> _Indexed:
        """The whole table in one period (pooled once, then kept)."""
        key = (name, period)
        with self._lock:
            if key in self._pooled:
                return self._pooled[key]
        table = self._tables[name]
        rows = _in_period(table.frame, period)
        indexed = _Indexed(rows, table.codes)
        with self._lock:
            self._pooled[key] = indexed
        return indexed


def _in_period(rows: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rows of ``period``: selected when the label is present, else pooled from its years
    (empty when a year is missing)."""
    labels = rows["period"].astype(str)
    if (labels == period).any():
        return rows[(labels == period).to_numpy()]
    try:
        years = period_label_years(period)
    except Exception:  # noqa: BLE001 - a label that is no year range: nothing to pool
        return rows.iloc[0:0]
    chosen = rows[labels.isin(years).to_numpy()]
    if chosen.empty or chosen["period"].astype(str).nunique() != len(years):
        return rows.iloc[0:0]
    pooled = pool_periods(chosen, years, label=period)
    return pooled.astype({"area_code": str})
