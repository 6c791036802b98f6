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


def _flag(found: FileProblems, rows, mask: pd.Series, column: str, rule: str, message) -> None:
    """One problem per row of ``mask``; ``message`` is a text, or a function of the offending
    rows' index giving a text per row (built only when there are problems: a file of
    millions of good rows costs no message at all)."""
    if not mask.any():
        return
    hit = mask[mask]
    text = message(hit.index) if callable(message) else message
    found.add_rows(rows, hit, column, rule, text)


def _number(frame, column, rows, found, *, rule_negative="negative_count"):
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.astype(float)
        unreadable = pd.Series(False, index=frame.index)
    else:  # text cells, read once per distinct text
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        parsed, bad = parse_numbers(pd.Series(np.asarray(uniques, dtype=object)).astype(str))
        values = pd.Series(np.append(parsed.to_numpy(), np.nan)[codes], index=frame.index)
        unreadable = pd.Series(np.append(bad.to_numpy(), False)[codes], index=frame.index)
    _flag(found, rows, unreadable, column, "non_numeric", "is not a number")
    _flag(found, rows, values.isna() & ~unreadable, column, "missing_value", "is empty")
    _flag(found, rows, values < 0, column, rule_negative, "is negative")
    return values


def _categorical(values: pd.Series) -> pd.Series:
    """``values`` as a categorical (codes found by hashing once, not by a look-up per row)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return pd.Series(pd.Categorical.from_codes(codes, uniques), index=values.index)


def _text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Stripped text of each cell as a categorical (each distinct text stripped once) and
    the empty cells."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    stripped = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip()
    again, names = pd.factorize(pd.concat([stripped, pd.Series([""])], ignore_index=True))
    text = pd.Categorical.from_codes(again[codes], names)  # code -1 (empty) takes "" last
    empty = pd.Series(np.asarray(text == ""), index=values.index)
    return pd.Series(text, index=values.index), empty


def _ethnicity(frame, column, rows, found) -> pd.DataFrame:
    detailed = normalise_detailed(frame[column])
    _flag(
        found,
        rows,
        detailed.isna(),
        column,
        "unknown_ethnic_group",
        lambda where: (
            "'" + frame.loc[where, column].astype(str) + "' is not a 2021 Census "
            "ethnic group (19 detailed or 5 high-level categories, an NHS code, or Not stated)"
        ),
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
        _flag(
            found,
            rows,
            prevalence > 1,
            "prevalence",
            "out_of_range",
            "a prevalence is a share between 0 and 1",
        )
        out["need"] = population * prevalence
    for column in groups:
        text, empty = _text(frame[column])
        _flag(found, rows, empty, column, "missing_value", "is empty")
        out[column] = text
        if column in ETHNIC_COLUMNS:
            out = _ethnicity(out, column, rows, found)
    keys = [c for c in groups if c in out.columns]
    twice = out.duplicated(keys, keep="first")
    _flag(
        found, rows, twice, keys[-1], "duplicate_key",
        "the same area and groups appear on an earlier row",
    )  # fmt: skip
    found.raise_if_any()
    return out, rows


def _shared_categories(act: pd.DataFrame, ned: pd.DataFrame, columns: list[str]) -> None:
    """Group columns of both tables as categoricals over one sorted set of categories, so
    that matching, grouping and joining millions of cells compare integer codes."""
    for column in columns:
        both = [t for t in (act, ned) if column in t.columns]
        for table in both:
            table[column] = _categorical(table[column])
        categories = sorted(set().union(*(t[column].cat.categories for t in both)))
        for table in both:
            table[column] = table[column].cat.set_categories(categories)


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
    keys = [area, *groups]
    high_levels = [f"{c}_high_level" for c in groups if f"{c}_high_level" in ned.columns]
    _shared_categories(act, ned, [*keys, *high_levels, *(c for c in need_groups if c not in keys)])
    found = FileProblems(activity_source)
    for column, rule, words in (
        (area, "area_not_in_need", "is not in the need file"),
        *((c, "group_not_in_need", "is not a group of the need file") for c in groups),
    ):
        known = np.zeros(len(act[column].cat.categories) + 1, dtype=bool)
        known[np.unique(ned[column].cat.codes.to_numpy())] = True
        unknown = pd.Series(~known[act[column].cat.codes.to_numpy()], index=act.index)
        _flag(
            found,
            act_rows,
            unknown,
            column,
            rule,
            lambda where, column=column, words=words: (
                "'" + act.loc[where, column].astype(str) + f"' {words}"
            ),
        )
    found.raise_if_any()
    # Sum need over any extra splits of the need file that activity does not have.
    keys_all = keys + high_levels
    cells = ned.groupby(keys_all, as_index=False, sort=True, observed=True)["need"].sum()
    joined = act[keys].merge(cells[keys], on=keys, how="left", indicator=True)
    lost = pd.Series(joined["_merge"].eq("left_only").to_numpy(), index=act.index)
    _flag(
        found, act_rows, lost, area, "cell_not_in_need",
        "this area and group combination has no need row",
    )  # fmt: skip
    found.raise_if_any()
    counts = act.groupby(keys, observed=True)["activity"].sum()
    cells["activity"] = counts.reindex(pd.MultiIndex.from_frame(cells[keys])).fillna(0.0).to_numpy()
    if deprivation_decile is not None:
        decile = pd.Series(
            np.asarray(cells[area].map(deprivation_decile), dtype=float), index=cells.index
        )
        missing_areas = pd.unique(cells.loc[decile.isna(), area].astype(str))
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
