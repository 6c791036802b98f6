"""Plan a scenario grid: every scenario in every area, under parameter sets and budgets.

:func:`plan_grid` checks the grid against the source (unknown areas, interventions or
parameters: one problem table before anything runs), merges the baseline once to
(area x quintile) cells, and runs one chunk per area on an executor
(:mod:`healthgap.compute`). Each finished chunk is written at once as a Parquet part in
``out`` (:class:`~healthgap.reports.parts.PartStore`); a rerun of the same grid on the same
data skips the areas already done, so an interrupted run resumes. At the end the parts are
streamed into ``grid.parquet`` and ``grid.csv`` (one tidy table, never the whole grid in
memory; ``grid_draws.parquet`` too when the grid keeps its draws). The bundle holds the
summary across areas and the charts; the CLI writes them beside the grid table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from healthgap.analyses.plan import plan_baseline
from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.source import Source
from healthgap.compute import Executor, InProcessExecutor
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle, Table, package_version
from healthgap.reports.grid_charts import budget_sweep_chart, grid_spread_chart
from healthgap.reports.parts import PartStore
from healthgap.reports.tables import DisclosurePolicy
from healthgap.scenarios import load_library
from healthgap.scenarios.allocate import volume_problems_by_area
from healthgap.scenarios.grid import GridRun, grid_chunk
from healthgap.scenarios.grid_file import GridSpec, check_grid_names, grid_areas
from healthgap.scenarios.results import METHOD

__all__ = ["check_grid", "check_volumes", "plan_grid"]

SPREAD = ("mean", "lowest", "median", "highest")


def check_grid(source: Source, grid: GridSpec) -> list[tuple[str, str]]:
    """The grid's areas ``(code, name)`` in chunk order, once its names are checked against
    the source and the intervention library (an :class:`InputError` listing every problem)."""
    records = source.areas().to_dict("records")
    check_grid_names(grid, records, load_library())
    for scenario in grid.scenarios:
        kind = (scenario.raw.get("comparison") or {}).get("type", "quintiles")
        if kind != "quintiles":
            raise InputError([Problem(grid.source, grid.line(f"{scenario.path}.comparison"),
                                      f"{scenario.path}.comparison", "grid_comparison",
                                      "a grid compares fifths within each area: "
                                      "{type: quintiles}")])  # fmt: skip
    chosen = grid_areas(grid, records)
    if not chosen:
        message = "no area of the workspace matches the grid's areas"
        raise InputError([Problem(grid.source, grid.line("areas"), "areas", "no_areas", message)])
    return chosen


def check_volumes(run: GridRun, areas: Sequence[tuple[str, str]]) -> None:
    """Check every scenario's volumes in every area before anything runs (volumes above an
    area's eligible pool, and other data problems), all reported at once. Each scenario and
    parameter set is checked in all areas in one array operation
    (:func:`~healthgap.scenarios.allocate.volume_problems_by_area`)."""
    problems: list[Problem] = []
    grid = run.grid
    codes = [code for code, _name in areas]
    for scenario in grid.scenarios:
        path = scenario.path
        for values in grid.parameter_sets:
            spec = scenario.for_area(codes[0], grid.level, grid.source, values)
            try:
                found = volume_problems_by_area(spec, run.baseline, run.library, grid.level, codes)
            except InputError as error:  # a problem of every area: said once
                found = [("every area", p) for p in error.problems]
            problems += [Problem(grid.source, grid.line(path), f"{path}.{p.column}", p.rule,
                                 f"{code} ({values.name}): {p.message}")
                         for code, p in found]  # fmt: skip
    if problems:
        raise InputError(problems)


def _summary(grid_file: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gap-reduction rows of every area, and their mean and spread across areas."""
    columns = ["area_code", "scenario", "parameter_set", "budget", "sex", "value", "median"]
    rows = pq.read_table(
        grid_file, columns=columns, filters=[("statistic", "=", "gap_reduction")]
    ).to_pandas()
    keys = ["scenario", "parameter_set", "budget", "sex"]
    summary = (
        rows.assign(budget=rows["budget"].fillna(0.0))
        .groupby(keys, sort=False)["value"]
        .agg(areas="count", mean="mean", lowest="min", median="median", highest="max")
        .reset_index()
    )
    summary["budget"] = summary["budget"].replace(0.0, np.nan)
    summary.insert(len(keys), "statistic", "gap_reduction")
    summary["method"] = METHOD
    return rows, summary


def plan_grid(
    source: Source,
    grid: GridSpec,
    out: str | Path,
    *,
    periods: Sequence[str] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    restart: bool = False,
) -> ResultBundle:
    """Run ``grid`` on ``source``, writing ``grid.parquet`` and ``grid.csv`` into ``out``.

    ``progress(areas done, areas)`` after each area; ``restart`` recomputes every area
    even when an earlier run of the same grid left some finished. The same grid, data and
    seed give the same files whatever the executor and however often the run was resumed.
    Tables: ``grid_summary`` (gap reduction across areas by scenario, parameter set,
    budget and sex). Charts: ``grid_spread`` and, with budgets, ``budget_sweep``.
    ``summary``: the files written, the areas, the areas resumed from an earlier run.
    """
    chosen = check_grid(source, grid)
    with collect_warnings() as met:
        library = load_library()
        baseline = plan_baseline(source, periods=periods).coarsen(grid.level)
        run = GridRun(grid, baseline, library)
        check_volumes(run, chosen)
        hashes = sorted(source.hashes().items())
        fingerprint = repr((grid.fingerprint(), hashes, list(periods or []), package_version()))
        folder = Path(out)
        store = PartStore(folder, fingerprint=fingerprint, fresh=restart)
        skip = store.done("grid")
        worker = executor or InProcessExecutor()
        for chunk, tables in worker.map_chunks(grid_chunk, chosen, seed=grid.seed, shared=run,
                                               progress=progress, skip=skip):  # fmt: skip
            store.write(chunk.index, tables)
        policy = DisclosurePolicy()
        files = store.combine("grid", len(chosen), synthetic=source.is_synthetic, policy=policy)
        if grid.keep_draws and grid.draws:
            files += store.combine("draws", len(chosen), synthetic=source.is_synthetic,
                                   out=folder / "grid_draws", csv=False)  # fmt: skip
        rows, summary = _summary(files[0])
    charts = {}
    first_set = grid.parameter_sets[0].name
    as_specified = rows[rows["budget"].isna() & (rows["parameter_set"] == first_set)]
    charts["grid_spread"] = grid_spread_chart(as_specified, synthetic=source.is_synthetic)
    if grid.budgets:
        sweep = summary[summary["budget"].notna() & (summary["parameter_set"] == first_set)]
        charts["budget_sweep"] = budget_sweep_chart(sweep, synthetic=source.is_synthetic)
    return ResultBundle(
        question="plan a scenario grid",
        provenance=provenance_of(source, METHOD),
        tables={"grid_summary": Table(summary, "gap reduction across the grid's areas",
                                      decimals=dict.fromkeys(SPREAD, 6))},
        charts=charts,
        metadata={"grid": grid.name, "grid file": grid.source, "areas": str(len(chosen)),
                  "scenarios": "; ".join(s.name for s in grid.scenarios),
                  "parameter sets": "; ".join(p.name for p in grid.parameter_sets),
                  "budgets": ", ".join(f"£{b:,.0f}" for b in grid.budgets) or "none",
                  "draws": str(grid.draws), "seed": str(grid.seed),
                  "executor": worker.describe()},
        summary={"files": files, "areas": len(chosen), "resumed": len(skip),
                 "cells": len(chosen) * len(grid.scenarios) * len(grid.parameter_sets)
                 * (1 + len(grid.budgets))},
        warnings=tuple(met),
    )  # fmt: skip
