"""Check and line up the two inputs of an equity audit: service activity and need.

*Activity* has one row per area and group (e.g. LSOA x ethnic group x age band x sex) with
a count of what the service did (quitters, checks, people screened). *Need* has the same
keys with either ``need`` (expected cases, or the eligible population) or ``population``
and ``prevalence`` (need = population x prevalence). Every group column of the activity
file must be in the need file, every group value and every cell of the activity file must
exist in the need file, and a need cell with no activity row has zero activity.

Ethnic group columns are read as 2021 Census categories (names, "White: Irish" or NHS
codes) and gain a high-level companion column (``<column>_high_level``); deprivation
deciles given per area add ``deprivation_decile`` and ``deprivation_quintile``
(quintile = ceil(decile / 2); 1 = most deprived).

>>> activity = pd.DataFrame({"area_code": ["E01000001"], "sex": ["female"], "activity": [3]})
>>> need = pd.DataFrame({"area_code": ["E01000001"] * 2, "sex": ["female", "male"],
...                      "population": [100, 90], "prevalence": [0.2, 0.1]})
>>> cells = audit_cells(activity, need)
>>> cells[["sex", "activity", "need"]].to_dict("list")
{'sex': ['female', 'male'], 'activity': [3.0, 0.0], 'need': [20.0, 9.0]}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from healthgap.data.file_problems import FileProblems
from healthgap.data.readers import ROW
from healthgap.data.vocab import parse_numbers
from healthgap.errors import InputError, Problem
from healthgap.insight.ethnicity import normalise_detailed, to_high_level

__all__ = ["ETHNIC_COLUMNS", "audit_cells", "grouping_columns"]

#: Columns read as ethnic group (2021 categories), each getting a ``_high_level`` companion.
ETHNIC_COLUMNS = ("ethnic_group", "ethnicity")
_MEASURES = {"activity", "need", "population", "prevalence", "expected", ROW}


def _rows(frame: pd.DataFrame) -> pd.Series:
    if ROW in frame.columns:
        return frame[ROW].astype(int)
    return pd.Series(np.arange(len(frame)) + 2, index=frame.index)


def _number(frame, column, rows, found, *, rule_negative="negative_count"):
    values, unreadable = parse_numbers(frame[column].astype(str).where(frame[column].notna(), ""))
    found.add_rows(rows, unreadable, column, "non_numeric", "is not a number")
    found.add_rows(rows, values.isna() & ~unreadable, column, "missing_value", "is empty")
    found.add_rows(rows, values < 0, column, rule_negative, "is negative")
    return values


def _ethnicity(frame, column, rows, found) -> pd.DataFrame:
    detailed = normalise_detailed(frame[column])
    found.add_rows(
        rows,
        detailed.isna(),
        column,
        "unknown_ethnic_group",
        "'" + frame[column].astype(str) + "' is not a 2021 Census ethnic group "
        "(19 detailed or 5 high-level categories, an NHS code, or Not stated)",
    )
    out = frame.copy()
    out[column] = detailed
    out[f"{column}_high_level"] = to_high_level(detailed).where(detailed.notna())
    return out


def _prepare(frame: pd.DataFrame, groups: list[str], name: str, kind: str):
    found = FileProblems(name)
    rows = _rows(frame)
    out = frame.copy()
    if kind == "activity":
        out["activity"] = _number(frame, "activity", rows, found)
    elif "need" in frame.columns:
        out["need"] = _number(frame, "need", rows, found)
    else:
        population = _number(frame, "population", rows, found)
        prevalence = _number(frame, "prevalence", rows, found)
        found.add_rows(
            rows,
            prevalence > 1,
            "prevalence",
            "out_of_range",
            "a prevalence is a share between 0 and 1",
        )
        out["need"] = population * prevalence
    for column in groups:
        empty = frame[column].isna() | frame[column].astype(str).str.strip().eq("")
        found.add_rows(rows, empty, column, "missing_value", "is empty")
        if column in ETHNIC_COLUMNS:
            out = _ethnicity(out, column, rows, found)
        else:
            out[column] = frame[column].astype(str).str.strip()
    keys = [c for c in groups if c in out.columns]
    twice = out.duplicated(keys, keep="first")
    found.add_rows(
        rows, twice, keys[-1], "duplicate_key", "the same area and groups appear on an earlier row"
    )
    found.raise_if_any()
    return out, rows


def audit_cells(
    activity: pd.DataFrame,
    need: pd.DataFrame,
    *,
    area: str = "area_code",
    deprivation_decile: pd.Series | None = None,
    activity_source: str = "activity",
    need_source: str = "need",
) -> pd.DataFrame:
    """One row per need cell with its ``activity`` (0 where none) and ``need``.

    Parameters
    ----------
    activity : DataFrame
        ``area`` column, group columns, and ``activity`` (a count).
    need : DataFrame
        ``area`` column, the same group columns (and maybe more), and ``need`` or
        ``population`` with ``prevalence``.
    deprivation_decile : Series, optional
        Decile of each area (1 = most deprived), indexed by area code.

    Raises
    ------
    InputError
        ``missing_column``, ``non_numeric``, ``missing_value``, ``negative_count``,
        ``out_of_range``, ``duplicate_key``, ``unknown_ethnic_group``, ``group_not_in_need``
        (a group value of the activity file absent from the need file), ``area_not_in_need``,
        ``cell_not_in_need``
        and ``no_deprivation`` (an area without a decile); rows named in their own file.
    """
    problems: list[Problem] = []
    for frame, name, needed in (
        (activity, activity_source, [area, "activity"]),
        (need, need_source, [area]),
    ):
        problems += [
            Problem(name, None, c, "missing_column", f"column {c!r} is missing")
            for c in needed
            if c not in frame.columns
        ]
    if "need" not in need.columns and not {"population", "prevalence"} <= set(need.columns):
        problems.append(
            Problem(
                need_source,
                None,
                "need",
                "missing_column",
                "give 'need' or both 'population' and 'prevalence'",
            )
        )
    groups = [c for c in activity.columns if c not in _MEASURES and c != area]
    problems += [
        Problem(
            need_source,
            None,
            c,
            "missing_column",
            f"the activity file is split by {c!r} but the need file is not",
        )
        for c in groups
        if c not in need.columns
    ]
    if problems:
        raise InputError(problems)

    act, act_rows = _prepare(activity, [area, *groups], activity_source, "activity")
    need_groups = [c for c in need.columns if c not in _MEASURES and c != area]
    ned, _ = _prepare(need, [area, *need_groups], need_source, "need")
    found = FileProblems(activity_source)
    keys = [area, *groups]
    found.add_rows(
        act_rows,
        ~act[area].isin(set(ned[area])),
        area,
        "area_not_in_need",
        "area " + act[area].astype(str) + " is not in the need file",
    )
    for column in groups:
        unknown = ~act[column].isin(set(ned[column]))
        found.add_rows(
            act_rows,
            unknown,
            column,
            "group_not_in_need",
            "'" + act[column].astype(str) + "' is not a group of the need file",
        )
    found.raise_if_any()
    # Sum need over any extra splits of the need file that activity does not have.
    keys_all = keys + [f"{c}_high_level" for c in groups if f"{c}_high_level" in ned.columns]
    cells = ned.groupby(keys_all, as_index=False, sort=True, observed=True)["need"].sum()
    joined = act[keys + ["activity"]].merge(cells[keys], on=keys, how="left", indicator=True)
    lost = pd.Series(joined["_merge"].eq("left_only").to_numpy(), index=act.index)
    found.add_rows(
        act_rows, lost, area, "cell_not_in_need", "this area and group combination has no need row"
    )
    found.raise_if_any()
    counts = act.groupby(keys, observed=True)["activity"].sum()
    cells["activity"] = counts.reindex(pd.MultiIndex.from_frame(cells[keys])).fillna(0.0).to_numpy()
    if deprivation_decile is not None:
        decile = cells[area].map(deprivation_decile)
        missing_areas = cells.loc[decile.isna(), area].unique()
        if len(missing_areas):
            raise InputError(
                [
                    Problem(
                        need_source,
                        None,
                        area,
                        "no_deprivation",
                        f"area {code} has no deprivation decile",
                    )
                    for code in missing_areas[:1000]
                ]
            )
        cells["deprivation_decile"] = decile.astype(int)
        cells["deprivation_quintile"] = (cells["deprivation_decile"] + 1) // 2
    return cells


def grouping_columns(cells: pd.DataFrame, area: str = "area_code") -> list[str]:
    """The columns an audit can group by: everything but the area and the measures."""
    return [c for c in cells.columns if c not in {area, "activity", "need"}]
