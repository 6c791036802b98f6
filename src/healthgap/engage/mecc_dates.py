"""Dates typed by people in England: ISO (2024-05-01, 2024-05) read as year-month-day, anything
else (01/05/2024, 1 May 2024, May 2024) read day first, as UK spreadsheets write it.

>>> parse_dates(pd.Series(["2024-05-01", "2024-05", "01/05/2024", "May 2024", "soon"])).tolist()
... # doctest: +NORMALIZE_WHITESPACE
[Timestamp('2024-05-01 00:00:00'), Timestamp('2024-05-01 00:00:00'),
 Timestamp('2024-05-01 00:00:00'), Timestamp('2024-05-01 00:00:00'), NaT]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["parse_dates"]

# Year-month with an optional day and an optional time (Excel date cells read as text).
_ISO = r"^(?P<year>\d{4})-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2})(?:[ T][\d:.]*)?)?$"


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates from text cells; NaT where a cell is not a date (a month alone is its 1st day)."""
    cells = text.astype(str).str.strip()
    parts = cells.str.extract(_ISO)
    iso = parts["year"].notna()
    day = parts["day"].fillna("1")
    stamp = parts["year"] + "-" + parts["month"].str.zfill(2) + "-" + day.str.zfill(2)
    from_iso = pd.to_datetime(stamp.where(iso), format="%Y-%m-%d", errors="coerce")
    others = cells.where(~iso & (cells != ""))
    day_first = pd.to_datetime(others, format="mixed", dayfirst=True, errors="coerce")
    return from_iso.where(iso, day_first)
