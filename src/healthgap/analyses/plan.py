"""Plan a scenario: what scaling up interventions does to deaths, life expectancy and the gap.

:func:`plan_baseline` pools a source's deaths and person-years into the scenario model's
baseline; :func:`plan_model` fits a model for a scenario; :func:`plan_scenario` runs the
scenario (with Monte Carlo intervals when ``draws``), ranks the interventions and, with a
budget, finds the best mix; :func:`plan_budget` gives the best mix alone. Interfaces that
keep fitted models between requests (the web) pass them in as ``model``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import pandas as pd

from healthgap.analyses.kept_results import kept_result
from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.source import Source
from healthgap.compute import Executor
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.plan_charts import dpp_chart, frontier_chart, waterfall_chart
from healthgap.scenarios import (
    Baseline,
    Intervention,
    ScenarioModel,
    ScenarioSpec,
    allocate_budget,
    baseline_from_tables,
    rank_objectives,
    resolve,
    run_scenario,
    shrink_to_parent,
)
from healthgap.scenarios.baseline_files import load_baseline, save_baseline
from healthgap.scenarios.results import METHOD, ScenarioResult

__all__ = [
    "TABLE_TITLES",
    "compare_plans",
    "plan_baseline",
    "plan_budget",
    "plan_model",
    "plan_scenario",
    "plan_volumes",
]

#: What each table of a plan holds (its file's metadata).
TABLE_TITLES = {
    "gap": "gap between the compared groups, now and with the scenario (years)",
    "life_expectancy": "life expectancy of each group, now and with the scenario",
    "dpp": "deaths prevented or postponed in the evaluation year by age and cause",
    "decomposition": "the gain in life expectancy by age and cause",
    "interventions": "cost and effect of each intervention",
    "waterfall": "the gap step by step, one intervention at a time",
    "parameters": "every parameter with its value, source and evidence tag",
    "ranking": "effect per pound of each intervention under each objective",
}
CHARTS = {
    "waterfall": (waterfall_chart, "waterfall"),
    "deaths_postponed": (dpp_chart, "dpp"),
    "frontier": (frontier_chart, "interventions"),
}


def plan_baseline(
    source: Source, *, periods: Sequence[str] | None = None, shrink_to: str | None = None
) -> Baseline:
    """The scenario model's baseline from a source: the smallest areas' deaths and
    person-years pooled over ``periods`` (default: the latest three single years),
    optionally shrunk towards their parents at level ``shrink_to``. The default periods'
    baseline is kept in the workspace's prepared folder when the source has one
    (:func:`~healthgap.analyses.kept_results.kept_result`)."""

    def compute() -> Baseline:
        return baseline_from_tables(
            source.areas(),
            source.read("population", None, None),
            source.read("deaths", None, None),
            periods=periods,
        )

    if periods is None:
        baseline = kept_result(source, ("plan baseline",), compute, save_baseline, load_baseline)
    else:
        baseline = compute()
    return shrink_to_parent(baseline, shrink_to) if shrink_to else baseline


def plan_model(
    baseline: Baseline,
    scenario: ScenarioSpec,
    library: Mapping[str, Intervention] | None = None,
) -> ScenarioModel:
    """A model fitted for the scenario's comparison (on the coarsest exact baseline)."""
    return ScenarioModel.for_scenario(baseline, scenario, library=library)


def plan_volumes(model: ScenarioModel, scenario: ScenarioSpec) -> pd.DataFrame:
    """Each intervention's volume against its eligible pool, in the scenario's order:
    ``intervention``, ``units_per_year``, ``years_counted`` (years of units that must fit
    in the pool at once: all of them for treatments whose people stay treated, else one),
    ``units_counted``, ``eligible`` (people eligible in the target) and
    ``eligible_description``. A volume is possible when ``units_counted <= eligible``;
    interfaces check this before they save or run a plan, and say it in their own words.
    """
    pools = replace(
        scenario,
        interventions=tuple(
            replace(line, volume={"units_per_year": 0.0}) for line in scenario.interventions
        ),
    )
    rows = []
    for line, zero in zip(
        scenario.interventions, resolve(pools, model.baseline, model.library), strict=True
    ):
        per_year = float(line.volume.get("units_per_year", 0.0))
        asked = replace(zero, units_per_year=per_year)
        rows.append(
            {
                "intervention": line.intervention,
                "units_per_year": per_year,
                "years_counted": asked.years_counted,
                "units_counted": asked.delivered,
                "eligible": zero.pool,
                "eligible_description": zero.intervention.eligible.get(
                    "description", "eligible people"
                ),
            }
        )
    return pd.DataFrame(rows)


def _model(
    source: Source,
    scenario: ScenarioSpec,
    model: ScenarioModel | None,
    periods: Sequence[str] | None,
    shrink_to: str | None = None,
) -> ScenarioModel:
    if model is not None:
        return model
    return plan_model(plan_baseline(source, periods=periods, shrink_to=shrink_to), scenario)


def _budget_tables(
    model: ScenarioModel, scenario: ScenarioSpec, budget: float, objective: str, draws: dict | None
) -> dict[str, Table]:
    chosen = allocate_budget(model, scenario, budget, objective, draws=draws or None)
    full_model = {f"full_model_{k}": v for k, v in chosen.full_model.items()}
    name = f"budget_{objective}"
    return {
        name: Table(
            chosen.table.assign(**full_model),
            f"best mix of interventions for £{budget:,.0f} ({objective} objective)",
            metadata={"budget": f"£{budget:,.0f}", "objective": objective},
        ),
        f"{name}_mix_frequency": Table(
            chosen.mix_frequency, f"how often each mix is best across draws ({objective})"
        ),
    }


def plan_scenario(
    source: Source,
    scenario: ScenarioSpec,
    *,
    model: ScenarioModel | None = None,
    periods: Sequence[str] | None = None,
    shrink_to: str | None = None,
    draws: int = 0,
    seed: int = 1,
    budget: float | None = None,
    rank: bool = True,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> ResultBundle:
    """Run ``scenario`` on the source (pooled over ``periods``, shrunk towards ``shrink_to``;
    see :func:`plan_baseline`), or on a fitted ``model``.

    Tables: the scenario's (``gap``, ``life_expectancy``, ``dpp``, ``decomposition``,
    ``interventions``, ``waterfall``, ``parameters``), ``ranking`` (with ``rank``) and,
    with ``budget``, ``budget_gap`` and ``budget_lifetime`` with their mix frequencies.
    Charts: ``waterfall``, ``deaths_postponed``, ``frontier``. ``summary["result"]`` is the
    core's :class:`~healthgap.scenarios.results.ScenarioResult`. The draws run on
    ``executor`` (:func:`healthgap.compute.open_executor`; default this process), with the
    same results whatever it is.
    """
    with collect_warnings() as met:
        fitted = _model(source, scenario, model, periods, shrink_to)
        result = run_scenario(fitted, scenario, draws=draws, seed=seed, progress=progress,
                              executor=executor)  # fmt: skip
        tables = {
            name: Table(frame, TABLE_TITLES.get(name, name))
            for name, frame in result.tables.items()
        }
        if rank:
            tables["ranking"] = Table(rank_objectives(fitted, scenario), TABLE_TITLES["ranking"])
        if budget is not None:
            for objective in ("gap", "lifetime"):
                tables |= _budget_tables(fitted, scenario, budget, objective, result.draws)
    return _bundle(source, result, tables, met)


def _bundle(
    source: Source,
    result: ScenarioResult,
    tables: dict[str, Table],
    met: list[str],
) -> ResultBundle:
    names = _area_names(source)
    charts = {
        name: make(result.tables[table], **({"area_names": names} if table == "waterfall" else {}))
        for name, (make, table) in CHARTS.items()
    }
    return ResultBundle(
        question="plan a scenario",
        provenance=provenance_of(source, METHOD),
        tables=tables,
        charts=charts,
        metadata=result.metadata,
        summary={
            "result": result,
            "assumptions": len(result.assumptions),
            "draws": len(result.draws),
        },
        warnings=tuple(met),
    )


def _area_names(source: Source) -> dict[str, str]:
    areas = source.areas()
    # whole columns to Python strings at once: iterating an Arrow string column costs per item
    codes = areas["area_code"].astype(str).to_numpy(dtype=object)
    return dict(zip(codes, areas["area_name"].astype(str).to_numpy(dtype=object), strict=True))


def plan_budget(
    source: Source,
    scenario: ScenarioSpec,
    budget: float,
    *,
    objective: str = "gap",
    model: ScenarioModel | None = None,
    periods: Sequence[str] | None = None,
) -> ResultBundle:
    """The best mix of the scenario's interventions for ``budget`` pounds over the horizon:
    table ``budget_<objective>`` (and its mix frequency)."""
    with collect_warnings() as met:
        fitted = _model(source, scenario, model, periods)
        tables = _budget_tables(fitted, scenario, budget, objective, None)
    return ResultBundle(
        question="plan a budget",
        provenance=provenance_of(source, METHOD),
        tables=tables,
        metadata={"scenario": scenario.name, "budget": f"£{budget:,.0f}", "objective": objective},
        summary={"budget": float(budget), "objective": objective},
        warnings=tuple(met),
    )


def compare_plans(runs: Sequence[tuple[Mapping[str, object], ResultBundle]]) -> ResultBundle:
    """The gap results of several plans side by side (table ``comparison``): one block of
    rows per plan, led by the columns naming it (e.g. ``scenario_id, scenario, area_code``)."""
    frames = []
    for names, bundle in runs:
        frames.append(bundle.table("gap").assign(**names))
    table = pd.concat(frames, ignore_index=True)
    first = list(dict.fromkeys(k for names, _ in runs for k in names))
    table = table[first + [c for c in table.columns if c not in first]]
    return ResultBundle(
        question="compare plans",
        provenance=runs[0][1].provenance,
        tables={"comparison": Table(table, "gap results of the plans side by side")},
        metadata={"plans": "; ".join(str(dict(names)) for names, _ in runs)},
    )
