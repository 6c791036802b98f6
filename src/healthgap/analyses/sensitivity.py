"""Sensitivity and value of information of a scenario's budget decision.

:func:`plan_sensitivity` runs the scenario's Monte Carlo (on an executor), then the
one-way (tornado) and probabilistic sensitivity analyses and the expected value of
perfect and partial perfect information per parameter group, in years of life and in
years of gap (:mod:`healthgap.scenarios.sensitivity`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from healthgap.analyses.plan import _model
from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.source import Source
from healthgap.compute import Executor
from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.voi_charts import tornado_chart, voi_chart
from healthgap.scenarios import ScenarioModel, ScenarioSpec, monte_carlo
from healthgap.scenarios.results import METHOD
from healthgap.scenarios.sensitivity import one_way, rank_correlations, value_of_information

__all__ = ["plan_sensitivity"]

VOI_METHOD = "EVPPI by non-parametric regression (Strong, Oakley & Brennan 2014)"


def plan_sensitivity(
    source: Source,
    scenario: ScenarioSpec,
    *,
    model: ScenarioModel | None = None,
    periods: Sequence[str] | None = None,
    draws: int = 1000,
    seed: int = 1,
    budget: float | None = None,
    method: str = "auto",
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ResultBundle:
    """Tornado, probabilistic sensitivity and value of information of ``scenario``.

    The decision valued is how to spend ``budget`` (default: what the scenario costs)
    across its interventions. Tables: ``tornado``, ``psa`` (rank correlations), ``voi``
    (EVPI and EVPPI by group, objective and unit, with Monte Carlo standard errors).
    Charts: ``tornado``, ``voi``. ``summary``: the budget, the EVPI per objective.
    """
    if draws < 100:
        raise InputError("value of information needs at least 100 draws", rule="bad_draws")
    with collect_warnings() as met:
        fitted = _model(source, scenario, model, periods)
        mc = monte_carlo(fitted, scenario, draws, seed, detail=True, progress=progress,
                         executor=executor)  # fmt: skip
        tornado = one_way(fitted, scenario)
        psa = rank_correlations(fitted, scenario, mc, seed)
        voi, spend = value_of_information(fitted, scenario, mc, seed, budget=budget,
                                          method=method)  # fmt: skip
    evpi = voi[voi["statistic"] == "EVPI"].set_index("objective")["value"]
    return ResultBundle(
        question="sensitivity and value of information of a plan",
        provenance=provenance_of(source, METHOD, VOI_METHOD),
        tables={
            "tornado": Table(
                tornado, "one-way sensitivity: each parameter at its 2.5th and 97.5th percentile"
            ),
            "psa": Table(
                psa,
                "probabilistic sensitivity: rank correlation of each parameter "
                "with the outcome over the draws",
            ),
            "voi": Table(
                voi,
                f"value of information of spending £{spend:,.0f} across the "
                "scenario's interventions",
            ),
        },  # fmt: skip
        charts=(
            {
                "tornado": tornado_chart(tornado, synthetic=source.is_synthetic),
                "voi": voi_chart(voi, synthetic=source.is_synthetic),
            }
            if len(tornado)
            else {}
        ),
        metadata={
            "scenario": scenario.name,
            "budget": f"£{spend:,.0f}",
            "draws": str(draws),
            "seed": str(seed),
            "method": VOI_METHOD,
        },  # fmt: skip
        summary={
            "budget": spend,
            "draws": draws,
            "evpi": {k: float(v) for k, v in evpi.items()},
        },  # fmt: skip
        warnings=tuple(met),
    )
