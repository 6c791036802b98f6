"""Data commands: ``validate``, ``import`` and ``info`` (the ``demo`` command lives in demo.py)."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pandas as pd
import pyarrow.parquet as pq
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from healthgap.cli import app, console, err_console, styled
from healthgap.data import Workspace, import_files, load_files, open_workspace, validate_tables
from healthgap.data.layouts import resolve_layout
from healthgap.errors import HealthgapWarning, InputError

__all__ = ["import_command", "info", "validate"]

FilesArgument = Annotated[
    list[Path], typer.Argument(help="Files to read (.csv any delimiter, .xlsx, .parquet).")
]
LayoutOption = Annotated[
    str | None,
    typer.Option(
        "--layout",
        "-l",
        help="Layout of every file: a built-in name (e.g. ons_deaths, ons_mye_wide, "
        "fingertips, population) or a YAML mapping spec. Default: detect from the headers.",
    ),
]


@contextlib.contextmanager
def _shown_warnings() -> Iterator[None]:
    """Print healthgap's warnings (e.g. BandingWarning) as readable lines, not Python warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", HealthgapWarning)
        try:
            yield
        finally:
            for item in caught:
                if issubclass(item.category, HealthgapWarning):
                    label = f"warning ({item.category.__name__}):"
                    err_console.print(styled((label, "yellow"), f" {item.message}"))
                else:
                    warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@app.command()
def validate(files: FilesArgument, layout: LayoutOption = None) -> None:
    """Check files without importing them; list every problem (file, row, column, rule)."""
    if layout is not None:
        resolve_layout(layout)
    with _shown_warnings(), _progress() as bar:
        task = bar.add_task("reading", total=len(files))

        def step(path: str) -> None:
            bar.update(task, description=f"reading {Path(path).name}", advance=1)

        tables, problems = load_files(files, layout=layout, progress=step)
    problems += validate_tables(tables)
    if problems:
        raise InputError(problems)
    names = ", ".join(f"{name} ({len(frame):,} rows)" for name, frame in tables.items())
    console.print(f"no problems: {len(files)} file(s) read as {names}")


@app.command("import")
def import_command(
    files: FilesArgument,
    into: Annotated[Path, typer.Option("--into", "-i", help="Workspace folder to import into.")],
    layout: LayoutOption = None,
) -> None:
    """Import files into a workspace, all or nothing (the workspace is unchanged on any problem)."""
    with _shown_warnings(), _progress() as bar:
        task = bar.add_task("importing", total=len(files))

        def step(path: str) -> None:
            bar.update(task, description=f"reading {Path(path).name}", advance=1)

        workspace = import_files(files, into, layout=layout, progress=step)
    rows = ", ".join(f"{t} {workspace.manifest['tables'][t]['rows']:,}" for t in workspace.tables)
    console.print(f"imported {len(files)} file(s) into {into}: {rows} rows")


@app.command()
def info(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder.")],
) -> None:
    """Summarise a workspace: tables, rows, areas by level, periods, sexes, totals."""
    ws = open_workspace(workspace)
    title = f"workspace {workspace}" + (" — SYNTHETIC data" if ws.is_synthetic else "")
    tables = Table(title=title)
    for column in ("table", "rows", "periods", "sexes", "total"):
        tables.add_column(column, overflow="fold")
    for name in ws.tables:
        stored = ws.manifest["tables"][name]
        frame = _summary_columns(ws, name)
        periods = ", ".join(sorted(frame["period"].unique())) if "period" in frame else ""
        sexes = ", ".join(sorted(frame["sex"].unique())) if "sex" in frame else ""
        total = ""
        for count in ("person_years", "deaths"):
            if count in frame:
                total = f"{count} {frame[count].sum():,.0f}"
        tables.add_row(name, f"{stored['rows']:,}", periods, sexes, total)
    console.print(tables)
    if ws.has("areas"):
        areas = ws.read("areas", columns=["level"])
        levels = areas["level"].value_counts().sort_index()
        console.print("areas by level: " + ", ".join(f"{lvl} {n:,}" for lvl, n in levels.items()))
    if ws.is_synthetic:
        console.print(
            styled(("SYNTHETIC", "bold"), ": made-up data for demonstration, not real statistics.")
        )


def _summary_columns(ws: Workspace, name: str) -> pd.DataFrame:
    """Only the columns ``info`` summarises, so large tables read quickly."""
    present = pq.read_schema(ws.path / ws.manifest["tables"][name]["file"]).names
    wanted = [c for c in ("period", "sex", "person_years", "deaths") if c in present]
    return ws.read(name, columns=wanted)
