"""``healthgap demo``: build the SYNTHETIC demo workspace and summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from healthgap.cli import app, console, styled
from healthgap.datasets import DEFAULT_SEED, SYNTHETIC_LABEL
from healthgap.datasets.calibration import DemoFigures, measure_demo
from healthgap.datasets.demo import build_demo_tables


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
    path = out or Path("workspaces") / f"demo-{size}"
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    stages = {
        "generate": f"Generating the {SYNTHETIC_LABEL} ({size})",
        "write": "Writing the workspace",
    }
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Checking for an up-to-date demo workspace", total=3)

        def on_stage(stage: str) -> None:
            progress.update(task, description=stages[stage], advance=1 if stage == "write" else 0)

        workspace, tables = build_demo_tables(path, size, seed, on_stage=on_stage)  # type: ignore[arg-type]
        progress.update(task, advance=1, description="Measuring life expectancy and gaps")
        reused = tables is None
        if tables is None:  # an up-to-date workspace was reused: read it back
            tables = {name: workspace.read(name) for name in ("areas", "population", "deaths")}
        figures = measure_demo(tables)
        progress.update(task, advance=1)
    action = "Reused" if reused else "Wrote"
    console.print(styled((SYNTHETIC_LABEL, "bold"), f" (seed {seed}, size {size}): made-up data."))
    console.print(f"{action} workspace {workspace.path}")
    _print_summary(tables, figures, size)
    return Path(workspace.path)


def _print_summary(tables: dict[str, pd.DataFrame], figures: DemoFigures, size: str) -> None:
    areas, population, deaths = tables["areas"], tables["population"], tables["deaths"]
    levels = areas["level"].astype(str).value_counts()
    order = [lv for lv in ("country", "region", "la", "ward", "lsoa") if lv in levels]
    console.print("Areas: " + ", ".join(f"{levels[lv]:,} {lv}" for lv in order))
    periods = sorted(map(str, pd.unique(population["period"])))
    console.print(f"Periods: {periods[0]} to {periods[-1]} ({len(periods)} single years)")

    latest = periods[-1]
    lsoa_rows = population["area_code"].isin(areas.loc[areas["level"] == "lsoa", "area_code"])
    in_latest = population["period"] == latest
    people = int(population.loc[lsoa_rows & in_latest, "person_years"].sum())
    dead_rows = deaths["area_code"].isin(areas.loc[areas["level"] == "lsoa", "area_code"])
    dead = int(deaths.loc[dead_rows & (deaths["period"] == latest), "deaths"].sum())
    where = "all LSOAs" if size == "national" else "the LSOAs of the one local authority"
    console.print(f"{latest}, {where}: population {people:,}, deaths {dead:,}")

    quantiles = "national" if size == "national" else "local (within the authority)"
    table = Table(title=f"{SYNTHETIC_LABEL}: life expectancy at birth, {figures.pool}")
    for column in ("sex", "country LE (years)", "95% CI", f"decile gap, {quantiles}"):
        table.add_column(column)
    for sex, (value, lower, upper) in figures.life_expectancy.items():
        table.add_row(sex, f"{value:.2f}", f"{lower:.2f} to {upper:.2f}",
                      f"{figures.decile_gap[sex]:.2f}")  # fmt: skip
    console.print(table)
    console.print(
        "Gap = LE of the least deprived decile of LSOAs minus the most deprived "
        "(deaths and person-years pooled within each decile; Chiang II life tables)."
    )
