r"""Which uncertain numbers matter: one-way and probabilistic sensitivity, and the value of
information of a budget decision, in years of life and in years of gap.

**One-way (tornado).** Each uncertain parameter in turn is set to the 2.5th and the 97.5th
percentile of its distribution, the others kept at their point values; the swing of the
outcome (gap reduction in the evaluation year, mean over the comparison's gaps and
sexes; lifetime life-years gained) ranks the parameters.

**Probabilistic.** From Monte Carlo draws of every parameter and of baseline deaths
together (:func:`~healthgap.scenarios.uncertainty.monte_carlo`): the outcome's mean and
95% interval and Spearman's rank correlation of each parameter with it.

**Value of information.** The decision is how to spend a budget across the scenario's
interventions (each up to its capacity; by default the budget is what the scenario as
specified costs, so the question is "would we spend this money better if we knew
more?"). Each intervention's effect per unit varies by draw; the best mix for a row of
effects is the greedy solution of the budget's linear programme
(:func:`~healthgap.scenarios.budget.greedy`), whose value is linear in the effects.
EVPI and EVPPI per parameter group follow :mod:`healthgap.scenarios.voi` (Strong, Oakley
& Brennan 2014): groups are each uncertain parameter, each intervention's parameters
together, and all parameters together (what remains of EVPI is baseline deaths' sampling
noise). Values are per population per year of the decision, in the objective's unit.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from healthgap.scenarios.allocate import Resolved
from healthgap.scenarios.budget import effects_per_draw, greedy, per_unit_effects
from healthgap.scenarios.engine import ScenarioModel, point_parameters
from healthgap.scenarios.lifetime import lifetime_view
from healthgap.scenarios.scenario import ScenarioSpec
from healthgap.scenarios.uncertainty import sample_parameters
from healthgap.scenarios.voi import evpi, evppi

__all__ = ["OBJECTIVES", "one_way", "rank_correlations", "uncertain", "value_of_information"]

#: Objectives of the sensitivity analyses and their units.
OBJECTIVES = {"gap": "years of gap closed", "lifetime": "life-years gained"}


def uncertain(items: list[Resolved]) -> list[tuple[int, str]]:
    """``(item, parameter)`` of every parameter with a distribution that is not fixed."""
    return [
        (k, name)
        for k, r in enumerate(items)
        for name, p in r.parameters.items()
        if p.distribution.kind != "fixed"
    ]


def _outcomes(model: ScenarioModel, scenario: ScenarioSpec, items: list[Resolved]) -> dict:
    arrays = model.evaluate(scenario, point_parameters(items), items=items, detail=False).arrays
    lyg = lifetime_view(model, scenario, items)["lyg"].sum()
    return {"gap": float(arrays["gap_reduction"][..., 0].mean()), "lifetime": float(lyg)}


def _with_value(items: list[Resolved], k: int, name: str, value: float) -> list[Resolved]:
    item = items[k]
    parameter = replace(item.parameters[name], value=float(value))
    changed = replace(item.intervention, parameters={**item.parameters, name: parameter})
    return [*items[:k], replace(item, intervention=changed), *items[k + 1 :]]


def one_way(
    model: ScenarioModel, scenario: ScenarioSpec, *, low: float = 0.025, high: float = 0.975
) -> pd.DataFrame:
    """Tornado table: one row per uncertain parameter and objective, widest swing first."""
    items = model.resolve(scenario)
    point = _outcomes(model, scenario, items)
    rows = []
    for k, name in uncertain(items):
        parameter = items[k].parameters[name]
        lo_value, hi_value = parameter.distribution.sample_uniforms([low, high])
        at_low = _outcomes(model, scenario, _with_value(items, k, name, lo_value))
        at_high = _outcomes(model, scenario, _with_value(items, k, name, hi_value))
        for objective, unit in OBJECTIVES.items():
            rows.append({
                "intervention": items[k].label, "parameter": name,
                "distribution": str(parameter.distribution), "evidence": parameter.evidence,
                "value": parameter.value, "low_value": lo_value, "high_value": hi_value,
                "objective": objective, "unit": unit, "point": point[objective],
                "at_low": at_low[objective], "at_high": at_high[objective],
            })  # fmt: skip
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["swing"] = (table["at_high"] - table["at_low"]).abs()
    table["statistic"] = "one-way swing (2.5th to 97.5th percentile)"
    return table.sort_values(["objective", "swing"], ascending=[True, False], ignore_index=True)


def _inputs(items: list[Resolved], seed: int, draws: int) -> dict[str, np.ndarray]:
    """The parameter draws the Monte Carlo used, as ``{"intervention.parameter": draws}``."""
    sampled = sample_parameters(items, seed, 0, draws)
    return {f"{items[k].label}.{name}": sampled[k][name] for k, name in uncertain(items)}


def rank_correlations(
    model: ScenarioModel, scenario: ScenarioSpec, mc: dict[str, np.ndarray], seed: int
) -> pd.DataFrame:
    """Spearman's correlation of each parameter's draws with each outcome's draws."""
    items = model.resolve(scenario)
    draws = mc["gap_reduction"].shape[-1]
    unit = per_unit_effects(model, scenario)
    outcome = {
        "gap": mc["gap_reduction"].mean(axis=(0, 1)),
        "lifetime": effects_per_draw(mc, unit, "lifetime", model) @ unit["per_year"],
    }
    rows = []
    for key, values in _inputs(items, seed, draws).items():
        for objective, found in outcome.items():
            rho = stats.spearmanr(values, found).statistic if np.ptp(found) > 0 else np.nan
            rows.append({"parameter": key, "objective": objective, "unit": OBJECTIVES[objective],
                         "rank_correlation": float(rho), "draws": draws})  # fmt: skip
    return pd.DataFrame(rows)


def _groups(items: list[Resolved], keys: list[str]) -> dict[str, list[str]]:
    groups = {key: [key] for key in keys}
    for r in items:
        own = [key for key in keys if key.startswith(f"{r.label}.")]
        if len(own) > 1:
            groups[f"{r.label} (all its parameters)"] = own
    if len(groups) > 1 and len(keys) > 1:
        groups["all parameters"] = keys
    return groups


def value_of_information(
    model: ScenarioModel,
    scenario: ScenarioSpec,
    mc: dict[str, np.ndarray],
    seed: int,
    *,
    budget: float | None = None,
    method: str = "auto",
) -> tuple[pd.DataFrame, float]:
    """EVPI and EVPPI per parameter group for the budget decision, per objective.

    ``mc`` is the Monte Carlo of the scenario with ``detail`` (same ``seed``). Returns the
    table (``group``, ``parameters``, ``objective``, ``unit``, ``statistic`` EVPI or
    EVPPI, ``value``, ``se``, ``share_of_evpi``, ``method``) and the budget used.
    """
    items = model.resolve(scenario)
    unit = per_unit_effects(model, scenario)
    spend = float(unit["cost"] @ unit["per_year"]) if budget is None else float(budget)
    draws = mc["gap_reduction"].shape[-1]
    inputs = _inputs(items, seed, draws)
    groups = _groups(items, list(inputs))

    def decide(effects: np.ndarray) -> np.ndarray:
        return greedy(effects, unit["cost"], spend, unit["cap"])

    rows = []
    for objective, unit_name in OBJECTIVES.items():
        effects = effects_per_draw(mc, unit, objective, model)
        total, total_se = evpi(effects, decide)
        scale = float(np.abs(decide(effects.mean(0)[None]) @ effects.mean(0)).max()) or 1.0
        if total <= 1e-9 * scale:  # the same mix is best in every draw: nothing to learn
            total, total_se = 0.0, 0.0
        rows.append({"group": "all uncertainty", "parameters": "every parameter and baseline "
                     "deaths", "statistic": "EVPI", "value": total, "se": total_se,
                     "method": "Monte Carlo"})  # fmt: skip
        for name, members in groups.items():
            chosen = ("gam" if len(members) == 1 else "gp") if method == "auto" else method
            how = f"regression ({chosen}; Strong, Oakley & Brennan 2014)"
            found, se = 0.0, 0.0
            if total > 0:  # 0 <= EVPPI <= EVPI: nothing to estimate when EVPI is nil
                X = np.column_stack([inputs[m] for m in members])
                found, se = evppi(effects, X, decide, method)
                found = min(found, total)
            else:
                how = "zero: no information changes the best mix"
            rows.append({"group": name, "parameters": ", ".join(members), "statistic": "EVPPI",
                         "value": found, "se": se, "method": how})  # fmt: skip
        for row in rows:
            row.setdefault("objective", objective)
            row.setdefault("unit", unit_name)
            row.setdefault("share_of_evpi", row["value"] / total if total > 0 else np.nan)
    table = pd.DataFrame(rows)
    table["budget"] = spend
    table["draws"] = draws
    return table, spend
