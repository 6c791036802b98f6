"""Vocabularies of user data: sex codes, period labels, numbers, and which columns are counts.

>>> normalise_sex(pd.Series(["Male", "F", "2", "Persons", "x"])).tolist()
['male', 'female', 'female', 'persons', nan]
>>> normalise_period(pd.Series(["2016 - 18", "2014.0", " 2018/19 "])).tolist()
['2016-18', '2014', '2018/19']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from healthgap.periods import Period

__all__ = [
    "COUNT_COLUMNS",
    "PROPORTION_COLUMNS",
    "SEX_CODES",
    "normalise_period",
    "normalise_sex",
    "parse_numbers",
]

#: Spellings accepted for each sex (compared case-insensitively); ONS codes 1 and 2.
SEX_CODES: dict[str, str] = {
    **dict.fromkeys(["male", "males", "m", "1", "men", "man"], "male"),
    **dict.fromkeys(["female", "females", "f", "2", "women", "woman"], "female"),
    **dict.fromkeys(
        ["persons", "person", "p", "people", "all", "all persons", "3", "4"], "persons"
    ),
}

#: Columns holding counts: numbers that must be present and not negative.
COUNT_COLUMNS: frozenset[str] = frozenset(
    {"person_years", "deaths", "respondents", "count", "denominator"}
)

#: Columns holding proportions between 0 and 1.
PROPORTION_COLUMNS: frozenset[str] = frozenset({"prevalence"})


def normalise_sex(values: pd.Series) -> pd.Series:
    """Map user spellings to ``male``/``female``/``persons``; NaN where unknown."""
    return values.astype(str).str.strip().str.lower().map(SEX_CODES)


def normalise_period(values: pd.Series) -> pd.Series:
    """Period labels as healthgap strings: each :class:`~healthgap.periods.Period`'s label
    (``"2014"``, ``"2012-14"``, ``"2018/19"``); a label naming no period is kept as written."""
    text = values.astype(str).str.strip()
    codes, distinct = pd.factorize(text)  # files repeat a few labels many times
    labels = []
    for raw in distinct:
        period = Period.try_parse(raw)
        labels.append(period.label if period is not None else raw)
    return pd.Series(np.asarray(labels, dtype=object)[codes], index=values.index)


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from text cells: ``(numbers, unreadable)`` where ``unreadable`` marks cells that
    are not empty and not a number. Thousands separators and spaces are ignored.

    >>> numbers, bad = parse_numbers(pd.Series(["1,234", "", "x", "-2"]))
    >>> numbers.tolist(), bad.tolist()
    ([1234.0, nan, nan, -2.0], [False, False, True, False])
    """
    text = values.astype(str).str.strip().str.replace(r"[,\s]", "", regex=True)
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    numbers = numbers.where(np.isfinite(numbers), np.nan)
    unreadable = numbers.isna() & (text != "")
    return numbers, unreadable
