"""Files built at test time to attack the readers: expanding Excel sheets, wide or long
files, huge cells. Kept small on disk; the size lives in what they claim or unpack to."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def xlsx(path: Path, rows: list[list[object]], *, merge: str | None = None) -> Path:
    """A one-sheet workbook written with XlsxWriter (optionally with a merged range)."""
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("data")
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    sheet.write(i, j, value)
        if merge:
            sheet.merge_range(merge, rows[1][0] if len(rows) > 1 else "", None)
    return path


def claim_dimension(path: Path, ref: str) -> Path:
    """Rewrite the sheet's ``<dimension ref=...>`` so the workbook claims ``ref`` (e.g. a
    sheet of 3 million rows) while holding only its few real rows."""
    source = path.read_bytes()
    rebuilt = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
            new.writestr(item, data)
    rebuilt.replace(path)
    assert path.read_bytes() != source
    return path


def expanding_xlsx(path: Path, rows: int) -> Path:
    """A workbook whose sheet really has ``rows`` rows of one repeated tiny record; it packs
    to a few hundred kilobytes per million rows (the zip compresses the repeats)."""
    import xlsxwriter

    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["area_code", "period", "sex", "age_start", "person_years"])
        for i in range(1, rows + 1):
            sheet.write_row(i, 0, ["E06000001", "2014", "male", 0, 1])
    return path
