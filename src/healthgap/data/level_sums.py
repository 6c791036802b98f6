"""Count tables summed to every level and pooled over periods, on integer codes.

:func:`sum_to_levels` gives the rows of every area that has no rows of its own, summed from
the smallest areas that have rows (as :func:`healthgap.data.aggregate` would, level by
level), and :func:`pool_rows` the rows of several periods pooled into one (as
:func:`healthgap.data.pool_periods`). Both work on the integer codes of
:mod:`healthgap.data.coded_sums`, so a national table of 20 million rows is summed to every
level in a few seconds, and both return rows grouped by area in the order of ``codes``
(``area_code`` categorical over ``codes``).

The smallest areas are first summed by their chain of parents (one pass over the big
table), then each level is summed from the chains: exact whether or not levels nest.

>>> areas = pd.DataFrame({"area_code": ["L", "S1", "S2"], "level": ["la", "lsoa", "lsoa"],
...                       "parent_la": [None, "L", "L"]})
>>> pop = pd.DataFrame({"area_code": ["S1", "S2"], "period": "2014", "sex": "male",
...                     "age_start": 0, "person_years": [10, 5]})
>>> codes = pd.Index(["L", "S1", "S2"])
>>> sum_to_levels(areas, pop, codes)[["area_code", "person_years"]].to_dict("list")
{'area_code': ['L'], 'person_years': [15]}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from healthgap.data.coded_sums import KeyCodes, sum_cells
from healthgap.data.model import LEVELS, parent_column
from healthgap.data.vocab import COUNT_COLUMNS, PROPORTION_COLUMNS
from healthgap.errors import InputError

__all__ = ["area_positions", "level_order", "pool_rows", "sum_to_levels"]

# Columns that do not add up (dropped from summed rows, as by aggregate).
_NON_ADDITIVE = frozenset(
    {"value", "lowercl", "uppercl", "lower99_8cl", "upper99_8cl", "deprivation_score"}
)


def level_order(levels: Iterable[str]) -> list[str]:
    """Levels from the smallest up (the standard order, then any user-defined level)."""
    found = list(dict.fromkeys(levels))
    return [lv for lv in LEVELS if lv in found] + [lv for lv in found if lv not in LEVELS]


def area_positions(values: pd.Series, codes: pd.Index) -> np.ndarray:
    """Position of each row's area in ``codes`` (-1 if absent), looked up once per
    category for a categorical column."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        if values.cat.categories.equals(codes):
            return values.cat.codes.to_numpy()
        lookup = codes.get_indexer(values.cat.categories.astype(str))
        raw = values.cat.codes.to_numpy()
        return np.where(raw >= 0, lookup[raw], -1)
    return codes.get_indexer(values.astype(str))


def _columns(table: pd.DataFrame, drop: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """Key, count and share columns of a table (shares are weighted by respondents)."""
    counts = [c for c in table.columns if c in COUNT_COLUMNS]
    shares = [c for c in table.columns if c in PROPORTION_COLUMNS]
    if shares and "respondents" not in table.columns:
        raise InputError(
            f"cannot combine {shares[0]} without respondents to weight it", rule="missing_column"
        )
    keys = [
        c
        for c in table.columns
        if c not in COUNT_COLUMNS | PROPORTION_COLUMNS | _NON_ADDITIVE
        and c not in drop
        and not pd.api.types.is_float_dtype(table[c])
    ]
    return keys, counts, shares


def _addends(table: pd.DataFrame, counts: list[str], shares: list[str]) -> list[np.ndarray]:
    """What is added: each count, and each share times its respondents."""
    weights = table["respondents"].to_numpy(dtype=float) if shares else None
    return [table[c].to_numpy() for c in counts] + [
        table[s].to_numpy(dtype=float) * weights for s in shares
    ]


def _sums(
    values: Sequence[np.ndarray], counts: list[str], shares: list[str]
) -> dict[str, np.ndarray]:
    """Summed counts by name, and each share as its respondent-weighted mean."""
    out = dict(zip(counts, values[: len(counts)], strict=True))
    for share, weighted in zip(shares, values[len(counts) :], strict=True):
        with np.errstate(invalid="ignore", divide="ignore"):
            out[share] = weighted / out["respondents"]
    return out


def _frame(
    table: pd.DataFrame,
    groups: np.ndarray,
    codes: pd.Index,
    keys: KeyCodes,
    cells: np.ndarray,
    sums: dict[str, np.ndarray],
    fixed: dict[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Summed rows in the column order of ``table`` (non-additive columns left out)."""
    columns: dict[str, object] = {
        "area_code": pd.Categorical.from_codes(groups.astype(np.int64), categories=codes)
    }
    decoded = keys.frame(cells)
    for name in table.columns:
        if name in sums:
            columns[name] = sums[name]
        elif fixed and name in fixed:
            columns[name] = fixed[name]
        elif name in decoded.columns:
            columns[name] = decoded[name].array
    order = [c for c in table.columns if c in columns]
    return pd.DataFrame({c: columns[c] for c in order})


def sum_to_levels(areas: pd.DataFrame, table: pd.DataFrame, codes: pd.Index) -> pd.DataFrame:
    """Rows for every area of ``areas`` without rows of its own in ``table``, summed from
    the smallest areas that have rows, grouped by area in the order of ``codes`` (which
    holds every area code). Shares (prevalence) are averaged weighted by respondents."""
    key_names, counts, shares = _columns(table, ("area_code",))
    level = areas["level"].astype(str).to_numpy()
    position = codes.get_indexer(areas["area_code"].astype(str))
    level_of = pd.Series(level, index=position)
    row_area = area_positions(table["area_code"], codes)
    present = np.zeros(len(codes), dtype=bool)
    present[np.flatnonzero(np.bincount(row_area[row_area >= 0], minlength=len(codes)))] = True
    data_levels = level_order(level_of[level_of.index.isin(np.flatnonzero(present))])
    empty = table.iloc[0:0]
    if not data_levels:
        return empty
    smallest = data_levels[0]
    wanted = [
        lv for lv in level_order(level) if lv != smallest and parent_column(lv) in areas.columns
    ]
    missing = {lv: np.zeros(len(codes), dtype=bool) for lv in wanted}
    for lv in wanted:
        missing[lv][position[(level == lv) & ~present[position]]] = True
    wanted = [lv for lv in wanted if missing[lv].any()]
    if not wanted:
        return empty
    small = areas[level == smallest]
    parents = small[[parent_column(lv) for lv in wanted]].astype(object)
    chain = parents.fillna("").groupby(list(parents.columns), sort=False).ngroup().to_numpy()
    chain_of = np.full(len(codes), -1, dtype=np.int64)
    chain_of[codes.get_indexer(small["area_code"].astype(str))] = chain
    keys = KeyCodes.of(table, key_names)
    n_chains = int(chain.max()) + 1 if len(chain) else 0
    chained = sum_cells(
        chain_of[row_area], keys.cells, n_chains, keys.size, _addends(table, counts, shares)
    )
    chain_parents = parents.assign(__chain__=chain).drop_duplicates("__chain__")
    chain_parents = chain_parents.set_index("__chain__").sort_index()
    parts = []
    for lv in wanted:
        target = codes.get_indexer(chain_parents[parent_column(lv)].astype(str))
        target = np.where(chain_parents[parent_column(lv)].notna().to_numpy(), target, -1)
        target = np.where((target >= 0) & missing[lv][np.maximum(target, 0)], target, -1)
        summed = sum_cells(
            target[chained.groups], chained.cells, len(codes), keys.size, chained.values
        )
        parts.append(summed)
    groups = np.concatenate([p.groups for p in parts])
    cells = np.concatenate([p.cells for p in parts])
    values = [np.concatenate([p.values[i] for p in parts]) for i in range(len(chained.values))]
    return _frame(table, groups, codes, keys, cells, _sums(values, counts, shares))


def pool_rows(
    frame: pd.DataFrame, stored: Sequence[str], label: str, codes: pd.Index
) -> pd.DataFrame | None:
    """The rows of the periods ``stored`` summed into one period ``label``, grouped by
    area in the order of ``codes``; ``None`` when a table other than deaths lacks one of the
    periods in some cell (:func:`healthgap.data.pool_periods` then names the cells)."""
    key_names, counts, shares = _columns(frame, ("area_code", "period"))
    period = frame["period"]
    if isinstance(period.dtype, pd.CategoricalDtype):
        chosen_categories = period.cat.categories.astype(str).isin(list(stored))
        raw = period.cat.codes.to_numpy()
        chosen = (raw >= 0) & chosen_categories[np.maximum(raw, 0)]
    else:
        chosen = period.astype(str).isin(list(stored)).to_numpy()
    rows = frame[chosen]
    keys = KeyCodes.of(rows, key_names)
    area = area_positions(rows["area_code"], codes)
    summed = sum_cells(area, keys.cells, len(codes), keys.size, _addends(rows, counts, shares))
    if "deaths" not in frame.columns and (summed.rows != len(stored)).any():
        return None
    sums = _sums(summed.values, counts, shares)
    labels = pd.Categorical.from_codes(np.zeros(len(summed.groups), dtype=np.int8), [label])
    return _frame(frame, summed.groups, codes, keys, summed.cells, sums, {"period": labels})
