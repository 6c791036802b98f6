"""``healthgap plan``: run a scenario file on a workspace; write tables, Excel and charts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from healthgap.analyses import WorkspaceSource, plan_scenario
from healthgap.cli import app, console, styled
from healthgap.cli.compute_options import Scheduler, Timeout, Workers, executor_and_bar
from healthgap.cli.present import announce, frame_table, split_list
from healthgap.errors import InputError
from healthgap.reports.outputs import write_bundle
from healthgap.scenarios import load_scenario


def _cell(row: pd.Series, stat: str, fmt: str, draws: int) -> str:
    text = format(row[("value", stat)], fmt)
    if draws:
        low, high = row[("lowercl", stat)], row[("uppercl", stat)]
        text += f" ({format(low, fmt)} to {format(high, fmt)})"
    return text


def _gap_table(result_gap: pd.DataFrame, draws: int) -> Table:
    table = Table(title="Life expectancy gap (years) in the evaluation year")
    for column in ("comparison", "sex", "baseline", "scenario", "reduction", "share of target"):
        table.add_column(column)
    wide = result_gap.pivot_table(
        index=["comparison", "sex"],
        columns="statistic",
        values=["value", "lowercl", "uppercl"],
        sort=False,
    )
    for (comparison, sex), row in wide.head(20).iterrows():
        table.add_row(
            comparison,
            sex,
            _cell(row, "gap_base", ".3f", draws),
            _cell(row, "gap_new", ".3f", draws),
            _cell(row, "gap_reduction", ".4f", draws),
            _cell(row, "target_share", ".2%", draws),
        )
    return table


@app.command()
def plan(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (.yaml, .yml or .toml).")],
    workspace: Annotated[Path, typer.Option("--workspace", help="Workspace folder.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for tables and charts.")] = Path(
        "plan-output"
    ),
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws (0: none).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    budget: Annotated[
        float | None, typer.Option("--budget", help="Budget in pounds over the horizon.")
    ] = None,
    periods: Annotated[
        str | None, typer.Option("--periods", help="Years to pool, e.g. 2022,2023,2024.")
    ] = None,
    charts: Annotated[
        str, typer.Option("--charts", help="Chart format: svg, png or json.")
    ] = "svg",
    shrink_to: Annotated[
        str | None,
        typer.Option("--shrink-to", help="Shrink small-area rates towards this parent level."),
    ] = None,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    timeout: Timeout = 10.0,
) -> None:
    """Model how scaling up interventions changes deaths, life expectancy and the gap."""
    if draws < 0:
        raise InputError("--draws must be 0 or more", rule="bad_draws")
    if charts not in ("svg", "png", "json"):
        raise InputError(f"--charts must be svg, png or json, not {charts!r}", rule="bad_format")
    spec = load_scenario(scenario)
    source = WorkspaceSource.open(workspace)
    with executor_and_bar(workers, scheduler, timeout, "Monte Carlo draws", draws) as (
        executor,
        advance,
    ):
        bundle = plan_scenario(
            source,
            spec,
            periods=split_list(periods) or None,
            shrink_to=shrink_to,
            draws=draws,
            seed=seed,
            budget=budget,
            progress=advance,
            executor=executor,
        )
    write_bundle(bundle, out, chart_formats=(charts,), workbook="plan.xlsx")
    announce(bundle)
    for objective in ("gap", "lifetime"):
        if f"budget_{objective}" in bundle.tables:
            table = bundle.table(f"budget_{objective}")
            console.print(
                frame_table(
                    table.to_dict("records"),
                    ["intervention", "units_per_year", "cost"],
                    f"Best mix for £{budget:,.0f}: {objective} objective",
                )
            )
    console.print(_gap_table(bundle.table("gap"), draws))
    ranking = bundle.table("ranking")
    console.print(
        frame_table(
            ranking.to_dict("records"),
            ["intervention", "rank_gap", "rank_lifetime", "gap_per_pound", "lifetime_per_pound"],
            "Ranking: year-T gap objective vs lifetime objective (per £)",
        )
    )
    console.print(
        styled(
            (str(bundle.summary["assumptions"]), "bold"),
            " parameters are assumptions [A] or unverified [V] (listed in parameters.csv and "
            "the Excel workbook).",
        )
    )
    console.print(f"Wrote tables, plan.xlsx and charts to {out}")
