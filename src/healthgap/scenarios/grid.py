"""One chunk of a scenario grid: every scenario, parameter set and budget in one area.

The grid's baseline is merged once to (area x deprivation quintile) cells at the grid's
level (exact for targets and comparisons at that level, see :meth:`Baseline.coarsen`);
a chunk takes its area's cells, fits a model per comparison and, for every scenario and
parameter set, evaluates the scenario as specified and the best mix at every budget
(:func:`~healthgap.scenarios.budget.allocate_budget`), with Monte Carlo intervals.

Random numbers: the parameter draws are common to every area, scenario and parameter set
(keyed by the run seed, the parameter and the draw: common random numbers), so
differences between scenarios are stable; each area's baseline deaths get Poisson noise
from the chunk's own seed (the run seed and the area's position in the grid), so areas'
sampling errors are independent. Nothing depends on which worker runs the chunk.

Rows are tidy: the cell's keys (``area_code``, ``area_name``, ``scenario``,
``parameter_set``, ``budget`` (empty: as specified), ``mix``), then ``comparison``,
``sex``, ``statistic``, ``value`` (point estimate), ``median``, ``lowercl``, ``uppercl``,
``confidence``, ``draws``, ``method``. Statistics: ``gap_base``, ``gap_new``,
``gap_reduction``, ``target_share`` and ``e0_gain`` (of the base group) by sex, and
``deaths_postponed``, ``life_years_gained`` (lifetime) and ``cost`` for both sexes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthgap.compute import Chunk
from healthgap.scenarios.baseline import Baseline
from healthgap.scenarios.budget import allocate_budget
from healthgap.scenarios.costs import horizon_units
from healthgap.scenarios.engine import ScenarioModel
from healthgap.scenarios.grid_file import GridSpec
from healthgap.scenarios.library import Intervention
from healthgap.scenarios.lifetime import lifetime_view
from healthgap.scenarios.results import METHOD
from healthgap.scenarios.scenario import ScenarioSpec
from healthgap.scenarios.uncertainty import monte_carlo, summarise

__all__ = ["GridRun", "area_baseline", "grid_chunk"]

BY_SEX = ("gap_base", "gap_new", "gap_reduction", "target_share")


@dataclass(frozen=True)
class GridRun:
    """What every chunk of a grid needs: the grid, the merged baseline and the library."""

    grid: GridSpec
    baseline: Baseline
    library: Mapping[str, Intervention]


def area_baseline(baseline: Baseline, level: str, code: str) -> Baseline:
    """The cells of one area at ``level`` (a smaller baseline with the same arrays)."""
    keep = baseline.codes_at(level) == code
    return Baseline(baseline.cells[keep].reset_index(drop=True), baseline.sexes,
                    baseline.starts, baseline.causes, baseline.deaths[keep],
                    baseline.population[keep], baseline.years, baseline.period,
                    baseline.cell_level)  # fmt: skip


def _mix(spec: ScenarioSpec) -> str:
    """The volumes of a scenario in words (lines given no units are left out)."""

    def words(volume: Mapping[str, float]) -> str:
        if "coverage_to" in volume:
            return f"coverage {volume['coverage_from']:g}% to {volume['coverage_to']:g}%"
        if "units_total" in volume:
            return f"{volume['units_total']:,.0f} in all"
        return f"{volume.get('units_per_year', 0):,.0f} a year"

    return " + ".join(
        f"{item.name} {words(item.volume)}"
        for item in spec.interventions
        if any(v > 0 for v in item.volume.values())
    )


def _outcomes(
    model: ScenarioModel, spec: ScenarioSpec, grid: GridSpec, noise_key: tuple[int, ...]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Tidy outcome rows of one scenario in one area, and its draws when kept."""
    items = model.resolve(spec)
    point = model.evaluate(spec, items=items, detail=False).arrays
    life = lifetime_view(model, spec, items)
    cost = sum(
        horizon_units(r.units_per_year, r.cohorts, r.intervention.cost_basis)
        * r.intervention.unit_cost.value
        for r in items
    )
    mc: dict[str, np.ndarray] = {}
    if grid.draws:
        mc = monte_carlo(model, spec, grid.draws, grid.seed, chunk_size=grid.chunk_draws,
                         detail=False, noise_key=noise_key)  # fmt: skip
    groups = model.groups_
    base = groups.pairs[:, 0]
    pairs = [f"{groups.labels[i]} vs {groups.labels[j]}" for i, j in groups.pairs]
    values = {k: point[k][..., 0] for k in BY_SEX}
    values["e0_gain"] = (point["e0_new"] - point["e0_base"])[base, :, 0]
    draws = {k: mc[k] for k in BY_SEX} if mc else {}
    if mc:
        draws["e0_gain"] = (mc["e0_new"] - mc["e0_base"])[base]
    frames = []
    for statistic, value in values.items():
        frame = pd.DataFrame(
            {
                "comparison": np.repeat(pairs, len(model.baseline.sexes)),
                "sex": np.tile(model.baseline.sexes, len(pairs)),
                "statistic": statistic,
                "value": value.ravel(),
            }
        )
        frames.append(_with_summary(frame, draws.get(statistic), grid.confidence))
    dpp_point = point["dpp"][..., 0].sum(axis=(1, 2, 3))  # by intervention
    totals = {
        "deaths_postponed": (dpp_point.sum(), None if not mc else mc["dpp"].sum(axis=(0, 1, 2, 3))),
        "life_years_gained": (life["lyg"].sum(), None),
        "cost": (cost, None),
    }
    if mc:  # lifetime life-years scale with each draw's deaths postponed of each line
        ratio = np.where(dpp_point[:, None] > 0, mc["dpp"].sum(axis=(1, 2, 3)) /
                         np.where(dpp_point[:, None] > 0, dpp_point[:, None], 1), 1.0)  # fmt: skip
        totals["life_years_gained"] = (life["lyg"].sum(), (life["lyg"][:, None] * ratio).sum(0))
    for statistic, (value, spread) in totals.items():
        frame = pd.DataFrame({"comparison": [pairs[0]], "sex": ["persons"],
                              "statistic": [statistic], "value": [float(value)]})  # fmt: skip
        frames.append(
            _with_summary(frame, None if spread is None else spread[None], grid.confidence)
        )
    rows = pd.concat(frames, ignore_index=True)
    kept = None
    if mc and grid.keep_draws:
        gap = mc["gap_reduction"][0]  # (sex, draw), first pair
        kept = pd.DataFrame(
            {
                "sex": np.repeat(model.baseline.sexes, gap.shape[-1]),
                "draw": np.tile(np.arange(gap.shape[-1]), len(model.baseline.sexes)),
                "gap_reduction": gap.ravel(),
            }
        )
    return rows, kept


def _with_summary(frame: pd.DataFrame, draws: np.ndarray | None, confidence: float) -> pd.DataFrame:
    if draws is None:
        frame["median"] = frame["lowercl"] = frame["uppercl"] = np.nan
        frame["confidence"] = ""
        frame["draws"] = 0
    else:
        summary = summarise(draws.reshape(len(frame), -1), confidence)
        for key in ("median", "lowercl", "uppercl"):
            frame[key] = summary[key]
        frame["confidence"] = f"{confidence:.0%}"
        frame["draws"] = draws.shape[-1]
    frame["method"] = METHOD
    return frame


def grid_chunk(chunk: Chunk[tuple[str, str]], run: GridRun) -> dict[str, pd.DataFrame]:
    """Every cell of the grid in one area: ``{"grid": rows[, "draws": kept draws]}``."""
    grid = run.grid
    code, name = chunk.item
    baseline = area_baseline(run.baseline, grid.level, code)
    noise_key = tuple(int(x) for x in chunk.seed.generate_state(2))
    models: dict[str, ScenarioModel] = {}
    rows, kept = [], []
    for scenario in grid.scenarios:
        for values in grid.parameter_sets:
            spec = scenario.for_area(code, grid.level, grid.source, values)
            key = repr(spec.comparison)
            if key not in models:
                models[key] = ScenarioModel(baseline, library=run.library).fit(spec.comparison)
            model = models[key]
            cells: list[tuple[float, ScenarioSpec]] = [(np.nan, spec)]
            for budget in grid.budgets:
                chosen = allocate_budget(model, spec, budget, grid.objective)
                cells.append((budget, spec.with_volumes(chosen.table["units_per_year"])))
            for budget, chosen_spec in cells:
                found, draws = _outcomes(model, chosen_spec, grid, noise_key)
                keys = {"area_code": code, "area_name": name, "scenario": scenario.name,
                        "parameter_set": values.name, "budget": budget,
                        "mix": _mix(chosen_spec)}  # fmt: skip
                rows.append(found.assign(**keys))
                if draws is not None:
                    kept.append(draws.assign(**keys))
    columns = ["area_code", "area_name", "scenario", "parameter_set", "budget", "mix"]
    table = pd.concat(rows, ignore_index=True)
    out = {"grid": table[columns + [c for c in table.columns if c not in columns]]}
    if kept:
        draws_table = pd.concat(kept, ignore_index=True)
        out["draws"] = draws_table[columns + ["sex", "draw", "gap_reduction"]]
    return out
