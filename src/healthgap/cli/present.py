"""How the CLI presents a result bundle: its warnings, the SYNTHETIC note, files written.

Files are written by :mod:`healthgap.reports.outputs` (disclosure control and the SYNTHETIC
note included); this module only prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.table import Table

from healthgap.cli import console, err_console, styled
from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.tables import SYNTHETIC_NOTE

__all__ = ["announce", "frame_table", "show_warnings", "split_list", "table_path", "wrote"]


def split_list(text: str | None) -> list[str]:
    """``"a, b"`` -> ``["a", "b"]`` (a comma-separated option)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def announce(bundle: ResultBundle) -> None:
    """Print the bundle's warnings and, for SYNTHETIC data, the note."""
    show_warnings(bundle.warnings)
    if bundle.synthetic:
        console.print(SYNTHETIC_NOTE, style="bold yellow")


def show_warnings(warnings: Iterable[str]) -> None:
    """Each healthgap warning as one readable line ("warning (Kind): message")."""
    for warning in warnings:
        kind, _, text = warning.partition(": ")
        err_console.print(styled((f"warning ({kind}):", "yellow"), f" {text}"), soft_wrap=True)


def wrote(paths: Iterable[Path]) -> None:
    console.print("wrote " + ", ".join(str(p) for p in paths), soft_wrap=True)


def table_path(out: Path, layout: str) -> tuple[Path, str]:
    """Check an output file's suffix and layout before any work is done."""
    problems = []
    if out.suffix.lower() not in (".csv", ".xlsx"):
        problems.append(f"--out must end in .csv or .xlsx, got {out.name!r}")
    if layout not in ("tidy", "fingertips"):
        problems.append(f'--format must be "tidy" or "fingertips", got {layout!r}')
    if problems:
        raise InputError("; ".join(problems), rule="invalid_output")
    return out, layout


def frame_table(rows: Sequence[dict], columns: Sequence[str], title: str) -> Table:
    """A Rich table of ``rows`` (numbers to 4 significant figures)."""
    table = Table(title=title)
    for column in columns:
        table.add_column(str(column), overflow="fold")
    for row in rows:
        table.add_row(
            *(f"{row[c]:,.4g}" if isinstance(row[c], float) else str(row[c]) for c in columns)
        )
    return table
