"""``healthgap profile``: an area's life expectancy over time, against its country, inside it.

Writes the same tables and chart as the web's area profile: ``life_expectancy``,
``benchmark``, ``inequality`` and ``small_areas`` (CSV, Excel or the Fingertips layout) and
the ``trend`` chart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from healthgap.analyses import WorkspaceSource, profile_area
from healthgap.cli import app, console
from healthgap.cli.present import announce, split_list, wrote
from healthgap.errors import InputError
from healthgap.reports.outputs import CHART_FILE_FORMATS, TABLE_FILE_FORMATS, write_bundle

__all__ = ["profile"]


@app.command()
def profile(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder (see `healthgap import`).")],
    area: Annotated[str, typer.Option("--area", help="Code of the area to profile.")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="Period of the small areas and the inequality within the "
            "area (default: the latest three years pooled).",
        ),
    ] = None,
    formats: Annotated[
        str, typer.Option("--formats", help="Table formats: csv, xlsx, fingertips.csv.")
    ] = "csv,xlsx",
    charts: Annotated[str, typer.Option("--charts", help="Chart formats: svg, png.")] = "svg,png",
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("profile-output"),
) -> None:
    """Profile an area: life expectancy by sex and period, against the country, inequality
    within it and its smaller areas."""
    table_formats, chart_formats = split_list(formats), split_list(charts)
    unknown = [f for f in table_formats if f not in TABLE_FILE_FORMATS]
    unknown += [f for f in chart_formats if f not in CHART_FILE_FORMATS]
    if unknown:
        raise InputError(f"unknown formats {unknown}", rule="bad_format")
    bundle = profile_area(WorkspaceSource.open(workspace), area, period=period)
    written = write_bundle(bundle, out, table_formats=table_formats, chart_formats=chart_formats)
    announce(bundle)
    summary = bundle.summary
    if summary["latest"]:
        table = Table(
            title=f"{summary['area'].get('area_name', area)}: life expectancy at "
            f"birth, {summary['latest']}"
        )
        for column in ("sex", "years", "95% CI", f"vs {summary['comparator_name'] or '-'}"):
            table.add_column(column)
        for row in summary["headline"]:
            label = row.get("cmp_benchmark_label", "")
            table.add_row(
                row["sex"],
                f"{row['value']:.2f}",
                f"{row['lowercl']:.2f} to {row['uppercl']:.2f}",
                str(label),
            )
        console.print(table)
    else:
        console.print("the workspace has no deaths and population for this area")
    wrote(written)
