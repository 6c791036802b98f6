"""``healthgap plan-voi``: which uncertain numbers matter for a scenario's budget decision."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import WorkspaceSource, plan_sensitivity
from healthgap.cli import app, console
from healthgap.cli.compute_options import Scheduler, Timeout, Workers, executor_and_bar
from healthgap.cli.present import announce, frame_table, split_list
from healthgap.errors import InputError
from healthgap.reports.outputs import write_bundle
from healthgap.scenarios import load_scenario


@app.command("plan-voi")
def plan_voi(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (.yaml, .yml or .toml).")],
    workspace: Annotated[Path, typer.Option("--workspace", help="Workspace folder.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for tables and charts.")] = Path(
        "voi-output"
    ),
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws (100 or more).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    budget: Annotated[
        float | None,
        typer.Option("--budget", help="Budget to allocate (default: what the scenario costs)."),
    ] = None,
    metamodel: Annotated[
        str, typer.Option("--metamodel", help="EVPPI regression: auto, gam or gp.")
    ] = "auto",
    periods: Annotated[
        str | None, typer.Option("--periods", help="Years to pool, e.g. 2022,2023,2024.")
    ] = None,
    charts: Annotated[
        str, typer.Option("--charts", help="Chart format: svg, png or json.")
    ] = "svg",
    workers: Workers = 0,
    scheduler: Scheduler = None,
    timeout: Timeout = 10.0,
) -> None:
    """One-way (tornado) and probabilistic sensitivity, and the expected value of perfect and
    partial perfect information per parameter group, in years of life and of gap."""
    if charts not in ("svg", "png", "json"):
        raise InputError(f"--charts must be svg, png or json, not {charts!r}", rule="bad_format")
    spec = load_scenario(scenario)
    source = WorkspaceSource.open(workspace)
    with executor_and_bar(workers, scheduler, timeout, "Monte Carlo draws", draws) as (
        executor,
        advance,
    ):
        bundle = plan_sensitivity(source, spec, periods=split_list(periods) or None,
                                  draws=draws, seed=seed, budget=budget, method=metamodel,
                                  executor=executor, progress=advance)  # fmt: skip
    write_bundle(bundle, out, chart_formats=(charts,))
    announce(bundle)
    tornado = bundle.table("tornado")
    if len(tornado):
        console.print(
            frame_table(
                tornado.groupby("objective").head(8).to_dict("records"),
                ["unit", "intervention", "parameter", "at_low", "at_high", "swing"],
                "One-way sensitivity (2.5th to 97.5th percentile), widest swing first",
            )
        )
    console.print(
        frame_table(
            bundle.table("voi").to_dict("records"),
            ["unit", "statistic", "group", "value", "se", "share_of_evpi"],
            f"Value of information of spending £{bundle.summary['budget']:,.0f} (per year of "
            "the decision)",
        )
    )
    console.print(f"Wrote tornado, psa and voi tables and charts to {out}")
