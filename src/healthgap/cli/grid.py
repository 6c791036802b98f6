"""``healthgap plan-grid``: run a scenario grid (areas x scenarios x parameters x budgets)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import WorkspaceSource, check_grid, plan_grid
from healthgap.cli import app, console
from healthgap.cli.compute_options import Scheduler, Timeout, Workers, executor_and_bar
from healthgap.cli.present import announce, frame_table, split_list
from healthgap.errors import InputError
from healthgap.reports.outputs import write_bundle
from healthgap.scenarios import load_grid


@app.command("plan-grid")
def plan_grid_command(
    grid: Annotated[
        Path, typer.Argument(help="Grid file (.yaml): areas, scenarios, parameters, budgets.")
    ],
    workspace: Annotated[Path, typer.Option("--workspace", help="Workspace folder.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the grid table and charts.")
    ] = Path("grid-output"),
    periods: Annotated[
        str | None, typer.Option("--periods", help="Years to pool, e.g. 2022,2023,2024.")
    ] = None,
    charts: Annotated[
        str, typer.Option("--charts", help="Chart format: svg, png or json.")
    ] = "svg",
    restart: Annotated[
        bool, typer.Option("--restart", help="Recompute every area, even those already done.")
    ] = False,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    timeout: Timeout = 10.0,
) -> None:
    """Run every scenario of a grid file in every area: one tidy table (grid.parquet and
    grid.csv) and charts. Rerun the same command after an interruption to resume: areas
    already done are not recomputed."""
    if charts not in ("svg", "png", "json"):
        raise InputError(f"--charts must be svg, png or json, not {charts!r}", rule="bad_format")
    spec = load_grid(grid)
    source = WorkspaceSource.open(workspace)
    areas = check_grid(source, spec)  # every unknown name, before anything runs
    console.print(
        f"grid {spec.name!r}: {len(areas)} areas x {len(spec.scenarios)} scenarios x "
        f"{len(spec.parameter_sets)} parameter sets x {1 + len(spec.budgets)} volumes or "
        f"budgets, {spec.draws:,} draws each"
    )
    with executor_and_bar(workers, scheduler, timeout, "areas", len(areas)) as (executor, bar):
        bundle = plan_grid(source, spec, out, periods=split_list(periods) or None,
                           executor=executor, progress=bar, restart=restart)  # fmt: skip
    write_bundle(bundle, out, chart_formats=(charts,))
    announce(bundle)
    if bundle.summary["resumed"]:
        console.print(f"resumed: {bundle.summary['resumed']} areas were already done")
    summary = bundle.table("grid_summary")
    shown = summary[summary["budget"].isna()].head(20)
    console.print(
        frame_table(
            shown.to_dict("records"),
            ["scenario", "parameter_set", "sex", "areas", "mean", "lowest", "highest"],
            "Gap reduction across areas (years), volumes as specified",
        )
    )
    files = ", ".join(str(p) for p in bundle.summary["files"])
    console.print(f"Wrote {files} and the summary and charts to {out}")
