"""One canonical table under validation: its frame, and how to name the file and spreadsheet
row of each of its rows in problems (tables merged from several files and the workspace keep
each row's own file and row).

>>> frame = pd.DataFrame({"area_code": ["E1", "E2"], "deaths": [1.0, -1.0]})
>>> frame.attrs = {"source": "d.csv", "source_rows": [5, 9]}
>>> table = CheckedTable("deaths", frame, None)
>>> str(table.problem(1, "deaths", "negative_count", "is -1"))
"d.csv, row 9, column 'deaths': [negative_count] is -1"
>>> sorted(table.clean(np.array([False, True])).tainted)
['E2']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from healthgap.data.model import KEY_COLUMNS
from healthgap.errors import Problem

__all__ = ["CheckedTable"]


class CheckedTable:
    """One table to check, with how to name its file and rows in problems."""

    def __init__(self, name: str, frame: pd.DataFrame, source: str | None):
        self.name = name
        self.frame = frame.reset_index(drop=True)
        self.source = source or frame.attrs.get("source") or name
        rows = frame.attrs.get("source_rows")
        ok = rows is not None and len(rows) == len(frame)
        self.rows = np.asarray(rows if ok else np.arange(2, len(frame) + 2), dtype=int)
        files = frame.attrs.get("source_files")  # tables stacked from several files
        ok_files = ok and files is not None and len(files) == len(frame)
        self.files = np.asarray(files, dtype=object) if ok_files else None
        self.tainted: frozenset[str] = frozenset(frame.attrs.get("tainted_areas", ()))
        #: ``(file, row, area code)`` of rows dropped for a bad cell (their codes are checked)
        self.lost_codes: list[tuple[str, int, str]] = list(frame.attrs.get("lost_area_codes", ()))
        #: The key cells of every row dropped for a bad cell (``None``/NaN where unreadable)
        self.lost_rows = pd.DataFrame(
            list(frame.attrs.get("lost_rows", ())), columns=self._keys(), dtype=object
        )
        #: Areas whose age-band problems were reported already (by the file's own check)
        self.bands_reported: frozenset[str] = frozenset(frame.attrs.get("bands_reported", ()))

    def _keys(self) -> list[str]:
        return [k for k in KEY_COLUMNS.get(self.name, ()) if k in self.frame.columns]

    def problem(self, position: int | None, column: str | None, rule: str, msg: str) -> Problem:
        row = None if position is None else int(self.rows[position])
        file = self.source if position is None or self.files is None else self.files[position]
        return Problem(str(file), row, column, rule, msg)

    def clean(self, bad: np.ndarray) -> CheckedTable:
        """The rows not marked ``bad``; the areas of the bad rows become tainted."""
        if not bad.any():
            return self
        subset = object.__new__(CheckedTable)
        subset.name, subset.source = self.name, self.source
        subset.frame = self.frame[~bad].reset_index(drop=True)
        subset.rows = self.rows[~bad]
        subset.files = None if self.files is None else self.files[~bad]
        lost = set()
        if "area_code" in self.frame.columns:
            lost = set(self.frame.loc[bad, "area_code"].astype(str))
        subset.tainted = self.tainted | frozenset(lost)
        subset.lost_codes = self.lost_codes
        subset.bands_reported = self.bands_reported
        dropped = self.frame.loc[bad, self._keys()].astype(object)
        parts = [part for part in (self.lost_rows, dropped) if not part.empty]
        subset.lost_rows = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return subset

    def untainted(self) -> pd.Series:
        """Rows whose area did not lose rows to bad cells."""
        if not self.tainted or "area_code" not in self.frame.columns:
            return pd.Series(True, index=self.frame.index)
        return ~self.frame["area_code"].astype(str).isin(self.tainted)
