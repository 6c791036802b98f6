"""Read one user file (CSV, Excel .xlsx, Parquet) into a frame of text cells, within limits.

Every cell comes back as text (``""`` when empty) so that the layout step can report each
non-numeric value with its row, instead of pandas guessing types and losing the evidence. The
frame carries a ``__row__`` column: the row number a spreadsheet user sees (the header is
``header_row``, the first data row is ``header_row + 1``).

Work is bounded for any input (:class:`~healthgap.data.limits.Limits`): the file size is
checked before reading, CSV is read in chunks and Excel row by row (read-only mode), so
reading stops at the first row over ``max_rows``; an ``.xlsx`` whose unpacked size or claimed
sheet size is too large is refused before it is parsed, and Parquet is checked from its
footer.

>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
>>> _ = f.write_bytes("\\ufeffarea;n\\nE1;5\\n".encode())
>>> read_table_file(f).to_dict("list")
{'area': ['E1'], 'n': ['5'], '__row__': [2]}
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from healthgap.data.file_problems import FileProblems
from healthgap.data.limits import EXCEL_SHEET_ROWS, Limits, current_limits
from healthgap.errors import InputError, Problem

__all__ = ["ROW", "read_table_file"]

#: Name of the column holding the spreadsheet row number of each record.
ROW = "__row__"

_DELIMITERS = ",;\t|"
_CHUNK_ROWS = 200_000
_BLOCK = 1 << 20


def _fail(name: str, rule: str, message: str, row: int | None = None) -> InputError:
    return InputError([Problem(name, row, None, rule, message)])


def read_table_file(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    limits: Limits | None = None,
) -> pd.DataFrame:
    """Read ``path`` into text cells plus :data:`ROW`; raise InputError on unreadable files.

    Rules raised here: ``file_not_found``, ``empty_file``, ``wrong_encoding``,
    ``unreadable_file``, ``unsupported_format``, ``file_too_large``, ``too_many_rows``,
    ``too_many_columns``, ``duplicate_column`` and ``cell_too_large``.
    """
    limits = current_limits(limits)
    file = Path(path)
    name = str(path)
    if not file.is_file():
        raise _fail(name, "file_not_found", "no such file")
    suffix = file.suffix.lower()
    size = file.stat().st_size
    if size == 0:
        raise _fail(name, "empty_file", "the file is empty")
    if size > limits.max_file_bytes:
        raise _fail(
            name,
            "file_too_large",
            f"the file has {size:,} bytes, more than the limit of {limits.max_file_bytes:,} "
            "(HEALTHGAP_MAX_FILE_BYTES); split it, e.g. one file per year",
        )
    if suffix in {".csv", ".txt", ".tsv"}:
        frame = _read_csv(file, name, header_row, limits)
    elif suffix in {".xlsx", ".xlsm"}:
        frame = _read_excel(file, name, sheet, header_row, limits)
    elif suffix in {".parquet", ".pq"}:
        frame = _read_parquet(file, name, limits)
        header_row = 1
    else:
        raise _fail(
            name,
            "unsupported_format",
            f"cannot read {suffix or 'extensionless'} files; use .csv, .xlsx or .parquet",
        )
    if frame.empty:
        raise _fail(name, "empty_file", "the file has no data rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_cells(frame, name, header_row, limits)
    frame[ROW] = range(header_row + 1, header_row + 1 + len(frame))
    return frame


def _too_many_rows(name: str, cap: int) -> InputError:
    return _fail(
        name,
        "too_many_rows",
        f"the file has more than {cap:,} data rows (the limit, HEALTHGAP_MAX_ROWS); "
        "reading stopped there. Split it, e.g. one file per year or region",
    )


def _check_columns(name: str, count: int, limits: Limits) -> None:
    if count > limits.max_columns:
        raise _fail(
            name,
            "too_many_columns",
            f"the file has {count:,} columns, more than the limit of {limits.max_columns:,} "
            "(HEALTHGAP_MAX_COLUMNS)",
            row=1,
        )


def _check_unique(name: str, headers: list[str], header_row: int) -> None:
    """Refuse two columns with the same header: which one is meant would be a guess."""
    seen: set[str] = set()
    repeated: list[str] = []
    for header in (str(h).strip() for h in headers):
        if header in seen and header not in repeated:
            repeated.append(header)
        seen.add(header)
    if repeated:
        message = "two columns have this header"
        raise InputError(
            [Problem(name, header_row, h, "duplicate_column", message) for h in repeated]
        )


def _check_cells(frame: pd.DataFrame, name: str, header_row: int, limits: Limits) -> None:
    """Refuse cells (and headers) longer than ``limits.max_cell_chars``."""
    found = FileProblems(name, limits.max_problems_per_rule)
    rows = pd.Series(range(header_row + 1, header_row + 1 + len(frame)), index=frame.index)
    for column in frame.columns:
        if len(str(column)) > limits.max_cell_chars:
            found.add(
                header_row, str(column)[:40] + "...", "cell_too_large", "the header is too long"
            )
            continue
        long = frame[column].str.len() > limits.max_cell_chars
        if long.any():
            found.add_rows(
                rows,
                long,
                str(column),
                "cell_too_large",
                f"the cell has more than {limits.max_cell_chars:,} characters "
                "(HEALTHGAP_MAX_CELL_CHARS)",
            )
    found.raise_if_any()


# -- CSV ---------------------------------------------------------------------------------
def _check_utf8(file: Path, name: str) -> None:
    """Decode the whole file as UTF-8 in blocks (bounded memory); name the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, offset = 1, 0
    with file.open("rb") as handle:
        while block := handle.read(_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                line = lines + block[: exc.start].count(b"\n")
                raise _fail(
                    name,
                    "wrong_encoding",
                    f"byte 0x{block[exc.start]:02x} at line {line} (byte {offset + exc.start:,}) "
                    "is not UTF-8; save the file as UTF-8 (with or without BOM)",
                    row=line,
                ) from None
            lines += block.count(b"\n")
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _fail(
                name, "wrong_encoding", "the file ends inside a UTF-8 character", row=lines
            ) from None


def _read_csv(file: Path, name: str, header_row: int, limits: Limits) -> pd.DataFrame:
    _check_utf8(file, name)
    with file.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(_BLOCK)
    if "\x00" in sample:
        raise _fail(name, "unreadable_file", "the file holds NUL bytes: it is not a text file")
    if not sample.strip():
        raise _fail(name, "empty_file", "the file is empty")
    lines = sample.splitlines()[header_row - 1 : header_row + 20]
    if not lines:
        raise _fail(name, "empty_file", f"the file has fewer than {header_row} lines")
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines)[:65536], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    header = next(csv.reader([lines[0]], delimiter=delimiter), [])
    _check_columns(name, len(header), limits)
    _check_unique(name, header, header_row)
    try:
        reader = pd.read_csv(
            file,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skiprows=header_row - 1,
            skip_blank_lines=True,
            encoding="utf-8-sig",
            chunksize=_CHUNK_ROWS,
        )
        chunks, count = [], 0
        with reader:
            for chunk in reader:
                if not isinstance(chunk.index, pd.RangeIndex):
                    # pandas turns extra cells of the first rows into an index; refuse them.
                    raise _fail(
                        name,
                        "unreadable_file",
                        f"a row has more cells than the header's {len(chunk.columns)}",
                        row=header_row + 1 + count,
                    )
                count += len(chunk)
                if count > limits.max_rows:
                    raise _too_many_rows(name, limits.max_rows)
                chunks.append(chunk)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise _fail(name, "unreadable_file", str(exc).strip()) from None
    if not chunks:
        raise _fail(name, "empty_file", "the file has no data rows")
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]


# -- Excel -------------------------------------------------------------------------------
def _read_excel(
    file: Path, name: str, sheet: str | int | None, header_row: int, limits: Limits
) -> pd.DataFrame:
    import openpyxl

    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(name, "unreadable_file", f"not an Excel .xlsx file ({exc})") from None
    if unpacked > limits.max_unpacked_bytes:
        raise _fail(
            name,
            "file_too_large",
            f"the workbook unpacks to {unpacked:,} bytes, more than the limit of "
            f"{limits.max_unpacked_bytes:,} (HEALTHGAP_MAX_UNPACKED_BYTES)",
        )
    # Our own handle, closed on the way out even when reading stops mid-sheet (openpyxl's
    # row generator would otherwise keep the file open until garbage collection).
    with file.open("rb") as handle:
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl raises many types for damaged files
            raise _fail(name, "unreadable_file", f"cannot open the workbook: {exc}") from None
        try:
            return _read_sheet(book, name, sheet, header_row, limits)
        except InputError:
            raise
        except Exception as exc:  # damaged sheet XML surfaces only while iterating
            raise _fail(name, "unreadable_file", f"cannot read the sheet: {exc}") from None
        finally:
            book.close()


def _read_sheet(book, name: str, sheet, header_row: int, limits: Limits) -> pd.DataFrame:
    names = book.sheetnames
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise _fail(name, "unreadable_file", f"no sheet {sheet}; sheets: {', '.join(names)}")
        chosen = book[names[sheet]]
    elif sheet is None:
        chosen = book[names[0]]
    elif str(sheet) in names:
        chosen = book[str(sheet)]
    else:
        raise _fail(name, "unreadable_file", f"no sheet {sheet!r}; sheets: {', '.join(names)}")
    cap = min(limits.max_rows, EXCEL_SHEET_ROWS - header_row)
    # The sheet's own claim (its <dimension>) lets an expanding sheet be refused unread.
    claimed_rows = chosen.max_row if isinstance(chosen.max_row, int) else 0
    claimed_columns = chosen.max_column if isinstance(chosen.max_column, int) else 0
    if claimed_rows - header_row > cap:
        raise _too_many_rows(name, cap)
    _check_columns(name, claimed_columns, limits)
    if hasattr(chosen, "reset_dimensions"):
        chosen.reset_dimensions()  # read every row there is, not just the claimed ones
    rows = _sheet_rows(chosen.iter_rows(min_row=header_row, values_only=True), name, cap, limits)
    header = next(rows, None)
    if header is None:
        raise _fail(name, "empty_file", "the sheet has no header row")
    body = list(rows)
    width = max([len(header), *(len(r) for r in body)])
    while width and all(
        _is_blank(r[width - 1] if len(r) >= width else None) for r in [header, *body]
    ):
        width -= 1  # trailing empty columns (formatting only)
    while body and all(_is_blank(v) for v in body[-1]):
        body.pop()  # trailing empty rows (formatting only)
    names = [header[j] if j < len(header) else None for j in range(width)]
    _check_unique(name, [_text(c) for c in names if not _is_blank(c)], header_row)
    columns = _header_names(names)
    cells = [[_text(r[j]) if j < len(r) else "" for j in range(width)] for r in body]
    return pd.DataFrame(cells, columns=columns, dtype=object).astype(str)


def _sheet_rows(rows: Iterator[tuple], name: str, cap: int, limits: Limits) -> Iterator[tuple]:
    for count, row in enumerate(rows):
        if count > cap:  # row 0 is the header
            raise _too_many_rows(name, cap)
        if len(row) > limits.max_columns:
            _check_columns(name, len(row), limits)
        yield row


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    """A cell as text; whole floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_names(cells: list[object]) -> list[str]:
    """Headers as pandas names them: ``Unnamed: j`` for blanks, ``x.1`` for repeats."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for j, cell in enumerate(cells):
        base = f"Unnamed: {j}" if _is_blank(cell) else _text(cell).strip()
        label = base
        while label in seen:
            seen[base] += 1
            label = f"{base}.{seen[base]}"
        seen.setdefault(label, 0)
        names.append(label)
    return names


# -- Parquet -----------------------------------------------------------------------------
def _read_parquet(file: Path, name: str, limits: Limits) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(file) as parquet:
            meta = parquet.metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise _fail(name, "unreadable_file", f"not a Parquet file: {exc}") from None
    _check_columns(name, meta.num_columns, limits)
    _check_unique(name, list(meta.schema.names), 1)
    if meta.num_rows > limits.max_rows:
        raise _too_many_rows(name, limits.max_rows)
    if unpacked > limits.max_unpacked_bytes:
        raise _fail(
            name,
            "file_too_large",
            f"the table unpacks to {unpacked:,} bytes, more than the limit of "
            f"{limits.max_unpacked_bytes:,} (HEALTHGAP_MAX_UNPACKED_BYTES)",
        )
    try:
        frame = pq.read_table(file).to_pandas()
    except Exception as exc:
        raise _fail(name, "unreadable_file", f"cannot read the Parquet table: {exc}") from None
    return _as_text(frame)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as text; whole floats lose their ``.0`` so codes and counts read back cleanly."""
    out = {}
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        text = values.astype(str).where(values.notna(), "")
        if pd.api.types.is_float_dtype(values) or values.dtype == object:
            text = text.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
        out[str(column) if str(column) not in out else f"{column}.{position}"] = text
    return pd.DataFrame(out)
