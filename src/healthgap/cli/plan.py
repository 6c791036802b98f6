"""``healthgap plan``: run a scenario file on a workspace; write tables, Excel and charts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from healthgap.cli import app, console, styled
from healthgap.errors import InputError
from healthgap.reports.plan_charts import dpp_chart, frontier_chart, waterfall_chart
from healthgap.reports.render import save_chart
from healthgap.reports.tables import SYNTHETIC_NOTE, write_csv
from healthgap.scenarios import (
    ScenarioModel,
    baseline_from_workspace,
    load_scenario,
    shrink_to_parent,
)
from healthgap.scenarios.budget import allocate_budget, rank_objectives
from healthgap.scenarios.results import run_scenario


def _periods(text: str | None) -> list[str] | None:
    return None if not text else [p.strip() for p in text.split(",") if p.strip()]


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
    wide = result_gap.pivot_table(index=["comparison", "sex"], columns="statistic",
                                  values=["value", "lowercl", "uppercl"], sort=False)  # fmt: skip
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


def _frame_table(frame: pd.DataFrame, title: str) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.itertuples(index=False):
        table.add_row(*(f"{v:,.4g}" if isinstance(v, float) else str(v) for v in row))
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
) -> None:
    """Model how scaling up interventions changes deaths, life expectancy and the gap."""
    if draws < 0:
        raise InputError("--draws must be 0 or more", rule="bad_draws")
    spec = load_scenario(scenario)
    baseline = baseline_from_workspace(workspace, periods=_periods(periods))
    if shrink_to:
        baseline = shrink_to_parent(baseline, shrink_to)
    model = ScenarioModel.for_scenario(baseline, spec)
    synthetic = _is_synthetic(workspace)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Monte Carlo draws", total=max(draws, 1))

        def advance(done: int, _total: int) -> None:
            bar.update(task, completed=done)

        result = run_scenario(model, spec, draws=draws, seed=seed, progress=advance)
    out.mkdir(parents=True, exist_ok=True)

    def noted(frame: pd.DataFrame) -> pd.DataFrame:
        # Every table made from the demo country says so, in CSV and Excel alike.
        return frame.assign(data_note=SYNTHETIC_NOTE) if synthetic else frame

    result.tables.update({name: noted(table) for name, table in result.tables.items()})
    result.to_csv(out)
    ranking = noted(rank_objectives(model, spec))
    write_csv(ranking, out / "ranking.csv")
    result.tables["ranking"] = ranking
    if budget is not None:
        for objective in ("gap", "lifetime"):
            chosen = allocate_budget(model, spec, budget, objective, draws=result.draws or None)
            name = f"budget_{objective}"
            full_model = {f"full_model_{k}": v for k, v in chosen.full_model.items()}
            table = noted(chosen.table.assign(**full_model))
            write_csv(table, out / f"{name}.csv")
            write_csv(noted(chosen.mix_frequency), out / f"{name}_mix_frequency.csv")
            result.tables[name] = table
            console.print(
                _frame_table(
                    table[["intervention", "units_per_year", "cost"]],
                    f"Best mix for £{budget:,.0f}: {objective} objective",
                )
            )
    result.to_excel(out / "plan.xlsx")
    for name, make, table in (("waterfall", waterfall_chart, "waterfall"),
                              ("deaths_postponed", dpp_chart, "dpp"),
                              ("frontier", frontier_chart, "interventions")):  # fmt: skip
        save_chart(make(result.tables[table], synthetic=synthetic), out / f"{name}.{charts}")
    console.print(_gap_table(result.tables["gap"], draws))
    console.print(_frame_table(
        ranking[["intervention", "rank_gap", "rank_lifetime", "gap_per_pound",
                 "lifetime_per_pound"]],
        "Ranking: year-T gap objective vs lifetime objective (per £)"))  # fmt: skip
    assumed = result.assumptions
    console.print(styled((str(len(assumed)), "bold"), " parameters are assumptions [A] or "
                         "unverified [V] (listed in parameters.csv and the Excel metadata "
                         "sheet)."))  # fmt: skip
    if synthetic:
        console.print("SYNTHETIC data: not real areas.", style="yellow")
    console.print(f"Wrote tables, plan.xlsx and charts to {out}")


def _is_synthetic(workspace: Path) -> bool:
    from healthgap.data import open_workspace

    return bool(open_workspace(workspace).is_synthetic)
