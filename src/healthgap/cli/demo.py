"""``healthgap demo``: build the SYNTHETIC demo workspace and summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from healthgap.analyses.demo import DemoSummary, build_demo
from healthgap.cli import app, console, styled
from healthgap.datasets import DEFAULT_SEED, SYNTHETIC_LABEL


@app.command()
def demo(
    # Plain str and int (validated by the core) so bad values get the problem table.
    size: Annotated[
        str, typer.Option("--size", help="national (33,800 LSOAs) or small (one LA).")
    ] = "national",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Workspace folder (default ./workspaces/demo-<size>)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (0 or more).")] = DEFAULT_SEED,
) -> None:
    """Build the SYNTHETIC demo country as a workspace and print its headline figures."""
    build_and_summarise(size, out, seed)


def build_and_summarise(size: str, out: Path | None, seed: int = DEFAULT_SEED) -> Path:
    """Build (or reuse) the demo workspace, print its summary and return its folder
    (``healthgap demo`` and ``healthgap serve --demo``)."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    stages = {
        "generate": f"Generating the {SYNTHETIC_LABEL} ({size})",
        "write": "Writing the workspace",
    }
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Checking for an up-to-date demo workspace", total=2)

        def on_stage(stage: str) -> None:
            progress.update(task, description=stages[stage], advance=1 if stage == "write" else 0)

        summary = build_demo(size, out, seed, on_stage=on_stage)
    console.print(styled((SYNTHETIC_LABEL, "bold"), f" (seed {seed}, size {size}): made-up data."))
    console.print(f"{'Reused' if summary.reused else 'Wrote'} workspace {summary.path}")
    _print_summary(summary)
    return summary.path


def _print_summary(summary: DemoSummary) -> None:
    levels = summary.areas_by_level
    console.print("Areas: " + ", ".join(f"{n:,} {lv}" for lv, n in levels.items()))
    periods = summary.periods
    console.print(f"Periods: {periods[0]} to {periods[-1]} ({len(periods)} single years)")
    where = "all LSOAs" if summary.size == "national" else "the LSOAs of the one local authority"
    console.print(
        f"{summary.latest}, {where}: population {summary.latest_population:,}, "
        f"deaths {summary.latest_deaths:,}"
    )
    figures = summary.figures
    quantiles = "national" if summary.size == "national" else "local (within the authority)"
    table = Table(title=f"{SYNTHETIC_LABEL}: life expectancy at birth, {figures.pool}")
    for column in ("sex", "country LE (years)", "95% CI", f"decile gap, {quantiles}"):
        table.add_column(column)
    for sex, (value, lower, upper) in figures.life_expectancy.items():
        table.add_row(
            sex, f"{value:.2f}", f"{lower:.2f} to {upper:.2f}", f"{figures.decile_gap[sex]:.2f}"
        )
    console.print(table)
    console.print(
        "Gap = LE of the least deprived decile of LSOAs minus the most deprived "
        "(deaths and person-years pooled within each decile; Chiang II life tables)."
    )
