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
sampling errors are independent. The noise is drawn once per area, for all its draws in
one array operation, and shared by the area's scenarios (common random numbers again).
Nothing depends on which worker runs the chunk.

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

__all__ = ["GridRun", "area_baseline", "area_noise", "grid_chunk"]

BY_SEX = ("gap_base", "gap_new", "gap_reduction", "target_share")
TOTALS = ("deaths_postponed", "life_years_gained", "cost")  # both sexes
KEYS = ("area_code", "area_name", "scenario", "parameter_set", "budget", "mix")


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
    model: ScenarioModel, spec: ScenarioSpec, grid: GridSpec, noise: np.ndarray | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None]:
    """Outcome columns of one scenario in one area (statistic x comparison x sex rows,
    then the totals), and the columns of its kept draws."""
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
                         detail=False, noise=noise)  # fmt: skip
    groups = model.groups_
    base = groups.pairs[:, 0]
    sexes = np.asarray(model.baseline.sexes, dtype=object)
    pairs = np.array([f"{groups.labels[i]} vs {groups.labels[j]}" for i, j in groups.pairs],
                     dtype=object)  # fmt: skip
    statistics = (*BY_SEX, "e0_gain")
    # (statistic, comparison, sex) point values, and their draws on a last axis
    values = np.stack([point[k][..., 0] for k in BY_SEX]
                      + [(point["e0_new"] - point["e0_base"])[base, :, 0]])  # fmt: skip
    dpp_point = point["dpp"][..., 0].sum(axis=(1, 2, 3))  # by intervention
    totals = np.array([dpp_point.sum(), life["lyg"].sum(), cost], dtype=float)
    per_cell = values.size
    columns = {
        "comparison": np.concatenate([np.tile(np.repeat(pairs, len(sexes)), len(statistics)),
                                      np.repeat(pairs[:1], len(TOTALS))]),
        "sex": np.concatenate([np.tile(sexes, len(statistics) * len(pairs)),
                               np.full(len(TOTALS), "persons", dtype=object)]),
        "statistic": np.concatenate([np.repeat(np.array(statistics, dtype=object),
                                               len(pairs) * len(sexes)),
                                     np.array(TOTALS, dtype=object)]),
        "value": np.concatenate([values.ravel(), totals]),
    }  # fmt: skip
    rows = per_cell + len(TOTALS)
    summary = {key: np.full(rows, np.nan) for key in ("median", "lowercl", "uppercl")}
    confidence = np.full(rows, "", dtype=object)
    draws = np.zeros(rows, dtype=np.int64)
    if mc:
        by_sex = np.stack([mc[k] for k in BY_SEX] + [(mc["e0_new"] - mc["e0_base"])[base]])
        dpp_draws = mc["dpp"].sum(axis=(1, 2, 3))  # (intervention, draw)
        # lifetime life-years scale with each draw's deaths postponed of each line
        safe = np.where(dpp_point > 0, dpp_point, 1.0)[:, None]
        ratio = np.where(dpp_point[:, None] > 0, dpp_draws / safe, 1.0)
        spread = np.stack([mc["dpp"].sum(axis=(0, 1, 2, 3)), (life["lyg"][:, None] * ratio).sum(0)])
        drawn = np.concatenate([by_sex.reshape(per_cell, -1), spread])
        found = summarise(drawn, grid.confidence)
        for key in summary:
            summary[key][: len(drawn)] = found[key]
        confidence[: len(drawn)] = f"{grid.confidence:.0%}"
        draws[: len(drawn)] = grid.draws
    columns |= summary | {"confidence": confidence, "draws": draws}
    columns["method"] = np.full(rows, METHOD, dtype=object)
    kept = None
    if mc and grid.keep_draws:
        gap = mc["gap_reduction"][0]  # (sex, draw), first pair
        kept = {
            "sex": np.repeat(sexes, gap.shape[-1]),
            "draw": np.tile(np.arange(gap.shape[-1]), len(sexes)),
            "gap_reduction": gap.ravel(),
        }
    return columns, kept


def area_noise(model: ScenarioModel, seed: np.random.SeedSequence, draws: int) -> np.ndarray:
    """Poisson draws of the groups' all-cause baseline deaths, ``(group, sex, band, draw)``,
    from the area's own seed: drawn once per area and shared by its scenarios."""
    deaths = model.group_deaths_.sum(-1)
    rng = np.random.default_rng(seed)
    return rng.poisson(deaths[..., None], size=(*deaths.shape, draws)).astype(float)


def _table(blocks: list[tuple[dict[str, np.ndarray], dict[str, object]]]) -> pd.DataFrame:
    """One frame from column blocks, each with its cell's keys (one frame per chunk)."""
    sizes = [len(next(iter(columns.values()))) for columns, _keys in blocks]
    names = [*KEYS, *blocks[0][0]]
    data = {}
    for name in names:
        if name in KEYS:
            parts = [
                np.full(n, keys[name], dtype=object if isinstance(keys[name], str) else float)
                for n, (_c, keys) in zip(sizes, blocks, strict=True)
            ]
        else:
            parts = [columns[name] for columns, _keys in blocks]
        data[name] = np.concatenate(parts)
    frame = pd.DataFrame(data)
    for name in names:  # text columns as pandas' string dtype, as built frame by frame
        if data[name].dtype == object:
            frame[name] = frame[name].astype("str")
    return frame


def grid_chunk(chunk: Chunk[tuple[str, str]], run: GridRun) -> dict[str, pd.DataFrame]:
    """Every cell of the grid in one area: ``{"grid": rows[, "draws": kept draws]}``."""
    grid = run.grid
    code, name = chunk.item
    baseline = area_baseline(run.baseline, grid.level, code)
    models: dict[str, tuple[ScenarioModel, np.ndarray | None]] = {}
    rows, kept = [], []
    for scenario in grid.scenarios:
        for values in grid.parameter_sets:
            spec = scenario.for_area(code, grid.level, grid.source, values)
            key = repr(spec.comparison)
            if key not in models:
                fitted = ScenarioModel(baseline, library=run.library).fit(spec.comparison)
                noise = area_noise(fitted, chunk.seed, grid.draws) if grid.draws else None
                models[key] = (fitted, noise)
            model, noise = models[key]
            cells: list[tuple[float, ScenarioSpec]] = [(np.nan, spec)]
            for budget in grid.budgets:
                chosen = allocate_budget(model, spec, budget, grid.objective)
                cells.append((budget, spec.with_volumes(chosen.table["units_per_year"])))
            for budget, chosen_spec in cells:
                found, draws = _outcomes(model, chosen_spec, grid, noise)
                keys = {"area_code": code, "area_name": name, "scenario": scenario.name,
                        "parameter_set": values.name, "budget": float(budget),
                        "mix": _mix(chosen_spec)}  # fmt: skip
                rows.append((found, keys))
                if draws is not None:
                    kept.append((draws, keys))
    out = {"grid": _table(rows)}
    if kept:
        out["draws"] = _table(kept)
    return out
