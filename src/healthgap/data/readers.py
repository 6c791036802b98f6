"""Read one user file (CSV, Excel .xlsx, Parquet) into a frame of text cells.

Every cell comes back as text (``""`` when empty) so that the layout step can report each
non-numeric value with its row, instead of pandas guessing types and losing the evidence. The
frame carries a ``__row__`` column: the row number a spreadsheet user sees (the header is
``header_row``, the first data row is ``header_row + 1``).

>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
>>> _ = f.write_bytes("\\ufeffarea;n\\nE1;5\\n".encode())
>>> read_table_file(f).to_dict("list")
{'area': ['E1'], 'n': ['5'], '__row__': [2]}
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from healthgap.errors import InputError, Problem

__all__ = ["ROW", "read_table_file"]

#: Name of the column holding the spreadsheet row number of each record.
ROW = "__row__"

_DELIMITERS = ",;\t|"


def read_table_file(
    path: str | Path, *, sheet: str | int | None = None, header_row: int = 1
) -> pd.DataFrame:
    """Read ``path`` into text cells plus :data:`ROW`; raise InputError on unreadable files.

    Rules raised here: ``file_not_found``, ``empty_file``, ``wrong_encoding``,
    ``unreadable_file`` and ``unsupported_format``.
    """
    file = Path(path)
    name = str(path)
    if not file.is_file():
        raise InputError([Problem(name, None, None, "file_not_found", "no such file")])
    suffix = file.suffix.lower()
    if file.stat().st_size == 0:
        raise InputError([Problem(name, None, None, "empty_file", "the file is empty")])
    if suffix in {".csv", ".txt", ".tsv"}:
        frame = _read_csv(file, name, header_row)
    elif suffix in {".xlsx", ".xlsm"}:
        frame = _read_excel(file, name, sheet, header_row)
    elif suffix in {".parquet", ".pq"}:
        frame = _read_parquet(file, name)
        header_row = 1
    else:
        raise InputError(
            [
                Problem(
                    name,
                    None,
                    None,
                    "unsupported_format",
                    f"cannot read {suffix or 'extensionless'} files; use .csv, .xlsx or .parquet",
                )
            ]
        )
    if frame.empty:
        raise InputError([Problem(name, None, None, "empty_file", "the file has no data rows")])
    frame.columns = [str(c).strip() for c in frame.columns]
    frame[ROW] = range(header_row + 1, header_row + 1 + len(frame))
    return frame


def _read_csv(file: Path, name: str, header_row: int) -> pd.DataFrame:
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    name,
                    line,
                    None,
                    "wrong_encoding",
                    f"byte 0x{raw[exc.start]:02x} at line {line} is not UTF-8; "
                    "save the file as UTF-8 (with or without BOM)",
                )
            ]
        ) from None
    if not text.strip():
        raise InputError([Problem(name, None, None, "empty_file", "the file is empty")])
    sample = "\n".join(text.splitlines()[header_row - 1 : header_row + 20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skiprows=header_row - 1,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError([Problem(name, None, None, "unreadable_file", str(exc))]) from None


def _read_excel(file: Path, name: str, sheet: str | int | None, header_row: int) -> pd.DataFrame:
    try:
        frame = pd.read_excel(
            file,
            sheet_name=0 if sheet is None else sheet,
            header=header_row - 1,
            dtype=object,
            keep_default_na=False,  # "n/a" or "-" in a count is reported, not silently blank
        )
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError([Problem(name, None, None, "unreadable_file", str(exc))]) from None
    return _as_text(frame)


def _read_parquet(file: Path, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(file)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise InputError([Problem(name, None, None, "unreadable_file", str(exc))]) from None
    return _as_text(frame)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as text; whole floats lose their ``.0`` so codes and counts read back cleanly."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        text = values.astype(str).where(values.notna(), "")
        if pd.api.types.is_float_dtype(values) or values.dtype == object:
            text = text.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
        out[column] = text
    return pd.DataFrame(out)
