"""Vocabulary and plausibility rules of the canonical tables: causes, periods, magnitudes and
parent areas. Each check is vectorised and returns its problems plus the positions of the
rows it found bad, so that checks across rows can leave those rows out.

>>> is_period(pd.Series(["2014", "2012-14", "2018/19", "Aug 2017 - Jul 2018",
...                      "2014/15 - 18/19", "2012+2014", "twenty-twenty-four", "14"])).tolist()
[True, True, True, True, True, True, False, False]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from healthgap.data.model import ALL_CAUSES, CAUSE_GROUPS
from healthgap.data.vocab import COUNT_COLUMNS
from healthgap.errors import Problem

__all__ = [
    "CAUSES",
    "MAX_OTHER_MAGNITUDE",
    "cause_problems",
    "is_period",
    "magnitude_problems",
    "parent_problems",
    "period_problems",
]

#: Every cause a deaths table may hold: the cause groups, or ``all`` when not split by cause.
CAUSES: tuple[str, ...] = (*CAUSE_GROUPS, ALL_CAUSES)

#: Numbers that are not counts (indicator values, limits, scores) beyond this size are refused.
MAX_OTHER_MAGNITUDE = 1e15

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_POINT = rf"(?:{_MONTH} )?(?:1[89]|2[01])\d\d(?:/\d\d)?(?: Q[1-4])?"
_SPAN = rf"{_POINT}(?:\s*-\s*(?:{_POINT}|\d\d(?:/\d\d)?))?"
#: A period: a year ("2014"), a span ("2012-14", "2012-2014"), a financial year ("2018/19",
#: "2014/15 - 18/19"), a month or quarter ("May 2017", "2019/20 Q1", "Aug 2017 - Jul 2018"),
#: or periods pooled with "+" ("2012+2014"); years 1800-2199.
PERIOD_PATTERN = rf"^{_SPAN}(?:\+{_SPAN})*$"

Reporter = Callable[[int | None, str | None, str, str], Problem]


def is_period(values: pd.Series) -> pd.Series:
    """Whether each label is a period in healthgap's vocabulary (see :data:`PERIOD_PATTERN`)."""
    return values.astype(str).str.strip().str.fullmatch(PERIOD_PATTERN).fillna(False).astype(bool)


def _first_of_each(
    values: pd.Series, bad: np.ndarray, rows: np.ndarray | None = None
) -> list[tuple[int, object, int]]:
    """``(position, value, count)`` for each distinct bad value, at its first spreadsheet row
    (``rows`` gives each position's row; by default the positions' own order)."""
    positions = np.flatnonzero(bad)
    if rows is not None:
        positions = positions[np.argsort(np.asarray(rows)[positions], kind="stable")]
    picked = values.iloc[positions].astype(str)
    counts = picked.value_counts()
    firsts = ~picked.duplicated().to_numpy()
    return [
        (int(p), v, int(counts[v])) for p, v in zip(positions[firsts], picked[firsts], strict=True)
    ]


def _rows_note(n: int) -> str:
    return "" if n == 1 else f" ({n:,} rows)"


def cause_problems(
    frame: pd.DataFrame, report: Reporter, rows: np.ndarray | None = None
) -> tuple[list[Problem], np.ndarray]:
    """``unknown_cause``: a cause outside :data:`CAUSES`, once per code at its first row."""
    if "cause" not in frame.columns:
        return [], np.zeros(len(frame), bool)
    causes = frame["cause"].reset_index(drop=True)
    bad = (causes.notna() & ~causes.astype(str).isin(CAUSES)).to_numpy()
    problems = [
        report(
            position,
            "cause",
            "unknown_cause",
            f"{value!r} is not a cause group ({', '.join(CAUSES)}){_rows_note(n)}",
        )
        for position, value, n in _first_of_each(causes, bad, rows)
    ]
    return problems, bad


def period_problems(
    frame: pd.DataFrame, report: Reporter, rows: np.ndarray | None = None
) -> tuple[list[Problem], np.ndarray]:
    """``bad_period``: a period label that is not a period, once per label at its first row."""
    if "period" not in frame.columns:
        return [], np.zeros(len(frame), bool)
    periods = frame["period"].reset_index(drop=True)
    text = periods.astype(str).str.strip()
    bad = (periods.notna() & (text != "") & ~is_period(periods)).to_numpy()
    problems = [
        report(
            position,
            "period",
            "bad_period",
            f"{value!r} is not a period (a year such as 2014, a span such as 2012-14, or a "
            f"financial year such as 2018/19){_rows_note(n)}",
        )
        for position, value, n in _first_of_each(periods, bad, rows)
    ]
    return problems, bad


def magnitude_problems(
    frame: pd.DataFrame, report: Reporter, max_count: float, per_rule: int
) -> tuple[list[Problem], np.ndarray]:
    """``implausible_value``: a count above ``max_count``, or any other number that is
    infinite or larger than :data:`MAX_OTHER_MAGNITUDE` (at most ``per_rule`` listed)."""
    bad = np.zeros(len(frame), bool)
    problems = []
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        limit = max_count if column in COUNT_COLUMNS else MAX_OTHER_MAGNITUDE
        over = np.abs(numbers) > limit  # NaN compares False; inf is over
        bad |= over
        positions = np.flatnonzero(over)
        problems += [
            report(
                int(position),
                str(column),
                "implausible_value",
                f"{numbers[position]:g} is beyond any plausible {column} (limit {limit:g})",
            )
            for position in positions[:per_rule]
        ]
        if len(positions) > per_rule:
            problems.append(
                report(None, str(column), "implausible_value", _more(len(positions) - per_rule))
            )
    return problems, bad


def _more(count: int) -> str:
    return f"and {count:,} more problems of rule implausible_value"


def parent_problems(
    areas: pd.DataFrame, report: Reporter, rows: np.ndarray | None = None
) -> list[Problem]:
    """``unknown_parent``: a ``parent_<level>`` code absent from the areas table's codes,
    once per code at its first row (empty cells mean no parent at that level).

    Only where the table holds areas of that level: a table of local authorities alone
    names England as their ``parent_country`` without an England row, and England is then
    the sum of its areas (the data model allows any parent to be built from its children).
    But a ward code missing from a table of wards is a broken link and is refused.
    """
    known = set(areas["area_code"].astype(str))
    levels = set(areas["level"].astype(str)) if "level" in areas.columns else set()
    problems = []
    for column in [c for c in areas.columns if str(c).startswith("parent_")]:
        if str(column).removeprefix("parent_") not in levels:
            continue  # an implicit parent, summed from its children
        parents = areas[column].reset_index(drop=True)
        text = parents.astype(str).str.strip()
        bad = (parents.notna() & (text != "") & ~text.isin(known)).to_numpy()
        problems += [
            report(
                position,
                str(column),
                "unknown_parent",
                f"{value} is not in the areas table, so it has no name or level{_rows_note(n)}",
            )
            for position, value, n in _first_of_each(text, bad, rows)
        ]
    return problems
