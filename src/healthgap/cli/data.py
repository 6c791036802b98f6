"""Data commands: ``validate``, ``import`` and ``info`` (the ``demo`` command lives in demo.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from healthgap.analyses import WorkspaceSource, import_data, validate_files, workspace_info
from healthgap.cli import app, console, styled
from healthgap.cli.present import show_warnings

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


@contextmanager
def _progress(verb: str, total: int) -> Iterator[object]:
    """A transient bar of files read; yields the callback the data layer calls per file."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with bar:
        task = bar.add_task(verb, total=total)

        def step(path: str) -> None:
            bar.update(task, description=f"reading {Path(path).name}", advance=1)

        yield step


@app.command()
def validate(files: FilesArgument, layout: LayoutOption = None) -> None:
    """Check files without importing them; list every problem (file, row, column, rule)."""
    with _progress("reading", len(files)) as step:
        checked = validate_files(files, layout=layout, progress=step)  # type: ignore[arg-type]
    show_warnings(checked.warnings)
    names = ", ".join(f"{name} ({len(frame):,} rows)" for name, frame in checked.tables.items())
    console.print(f"no problems: {len(files)} file(s) read as {names}")


@app.command("import")
def import_command(
    files: FilesArgument,
    into: Annotated[Path, typer.Option("--into", "-i", help="Workspace folder to import into.")],
    layout: LayoutOption = None,
) -> None:
    """Import files into a workspace, all or nothing (the workspace is unchanged on any problem)."""
    with _progress("importing", len(files)) as step:
        imported = import_data(files, into, layout=layout, progress=step)  # type: ignore[arg-type]
    show_warnings(imported.warnings)
    workspace = imported.workspace
    rows = ", ".join(f"{t} {workspace.manifest['tables'][t]['rows']:,}" for t in workspace.tables)
    console.print(f"imported {len(files)} file(s) into {into}: {rows} rows")


@app.command()
def info(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder.")],
) -> None:
    """Summarise a workspace: tables, rows, areas by level, periods, sexes, totals."""
    bundle = workspace_info(WorkspaceSource.open(workspace))
    title = f"workspace {workspace}" + (" — SYNTHETIC data" if bundle.synthetic else "")
    table = Table(title=title)
    for column in ("table", "rows", "periods", "sexes", "total"):
        table.add_column(column, overflow="fold")
    for row in bundle.table("tables").to_dict("records"):
        table.add_row(row["table"], f"{row['rows']:,}", row["periods"], row["sexes"], row["total"])
    console.print(table)
    levels = bundle.summary["areas_by_level"]
    if levels:
        console.print("areas by level: " + ", ".join(f"{lvl} {n:,}" for lvl, n in levels.items()))
    if bundle.synthetic:
        console.print(
            styled(("SYNTHETIC", "bold"), ": made-up data for demonstration, not real statistics.")
        )
