"""Bounds on the work one user file may cause, and on how long a writer waits for a workspace.

Any input, however large or hostile, must be refused quickly with a clear message rather
than read whole into memory. The defaults suit real English data (a year of LSOA population
is 1.35 million rows; an ONS mid-year estimates file is about 100 columns) and can be changed
per call (``limits=Limits(max_rows=...)``) or for a whole process through environment
variables (``HEALTHGAP_MAX_ROWS=20000000``), which is how the CLI and the web app pick them up.

>>> Limits().max_rows
5000000
>>> Limits.from_env({"HEALTHGAP_MAX_ROWS": "1000"}).max_rows
1000
>>> Limits.from_env({"HEALTHGAP_MAX_ROWS": "lots"})
Traceback (most recent call last):
...
healthgap.errors.InputError: 1 problem found:
  <settings>, column 'HEALTHGAP_MAX_ROWS': [bad_setting] 'lots' is not a positive number
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from healthgap.errors import InputError, Problem

__all__ = ["EXCEL_SHEET_ROWS", "Limits", "current_limits"]

#: Rows in one Excel worksheet (the header included); no genuine sheet has more.
EXCEL_SHEET_ROWS = 1_048_576


@dataclass(frozen=True)
class Limits:
    """Limits applied to every file read and every workspace write.

    Attributes
    ----------
    max_file_bytes
        Largest file accepted (rule ``file_too_large``), checked before reading.
    max_unpacked_bytes
        Largest uncompressed content of an ``.xlsx`` (a zip archive), so that a small file
        that expands enormously is refused before it is parsed (rule ``file_too_large``).
    max_rows
        Most data rows per file (rule ``too_many_rows``); reading stops at the first row over.
    max_columns
        Most columns per file (rule ``too_many_columns``).
    max_cell_chars
        Longest text in one cell (rule ``cell_too_large``).
    max_count
        Largest plausible count (person-years, deaths, denominators): England has about
        57 million people, so a cell beyond a billion is a mistake (rule ``implausible_value``).
    max_problems_per_rule
        Problems listed per rule and file; the rest are counted in one closing line.
    lock_timeout
        Seconds a second writer waits for a workspace before giving up (``0``: do not wait).
    """

    max_file_bytes: int = 512 * 1024**2
    max_unpacked_bytes: int = 1024**3
    max_rows: int = 5_000_000
    max_columns: int = 1_000
    max_cell_chars: int = 10_000
    max_count: float = 1e9
    max_problems_per_rule: int = 100
    lock_timeout: float = 60.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """Defaults overridden by ``HEALTHGAP_<FIELD IN CAPITALS>`` environment variables."""
        environ = os.environ if environ is None else environ
        problems, values = [], {}
        for item in fields(cls):
            name = f"HEALTHGAP_{item.name.upper()}"
            if name not in environ:
                continue
            text = environ[name].strip().replace("_", "")
            try:
                number = float(text)
            except ValueError:
                number = float("nan")
            if not number >= 0 or number == float("inf"):
                problems.append(
                    Problem(
                        "<settings>",
                        None,
                        name,
                        "bad_setting",
                        f"{text!r} is not a positive number",
                    )
                )
                continue
            values[item.name] = number if item.type in ("float", float) else int(number)
        if problems:
            raise InputError(problems)
        return replace(cls(), **values)


def current_limits(limits: Limits | None = None) -> Limits:
    """``limits`` if given, otherwise the defaults with the environment's overrides."""
    return limits if limits is not None else Limits.from_env()
