r"""Best mix of interventions for a budget, as a linear programme solved by HiGHS.

Choose units a year :math:`u_k` to

.. math::

    \max_u \sum_k e_k u_k \quad \text{s.t.} \quad \sum_k c_k u_k \le B,
    \qquad 0 \le u_k \le \bar u_k

where :math:`c_k` is the cost over the horizon of one unit a year, :math:`\bar u_k` the
capacity (given, or the eligible pool) and :math:`e_k` the effect per unit a year under
the objective: ``"gap"`` (gap reduction in year :math:`T`, mean over the comparison's
gaps and sexes), ``"le"`` (LE gain of the base groups) or ``"lifetime"`` (lifetime
life-years gained). Effects are near-linear in volume, so the LP is solved with
:func:`scipy.optimize.linprog` (``method="highs"``), the chosen mix is re-run through
the full (multiplicative) model, the per-unit effects are re-estimated at the chosen
volumes, and the LP is solved once more. Under uncertainty the LP is solved for each
draw (greedy by effect per pound, which is exact for a single budget line) and the
share of draws in which each mix is optimal is reported.

Notes
-----
The ranking under the year-T gap objective and the lifetime objective often disagree
(drugs act fast; smoking cessation pays over decades): :func:`rank_objectives` shows
both side by side, as interventions.md §5.6 requires.

Examples
--------
>>> import numpy as np
>>> effect, cost, cap = np.array([2.0, 1.0]), np.array([10.0, 1.0]), np.array([1.0, 10.0])
>>> solve_lp(effect, cost, 15.0, cap).round(3).tolist()
[0.5, 10.0]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from healthgap.errors import InputError, MethodError
from healthgap.scenarios.costs import horizon_units
from healthgap.scenarios.engine import ScenarioModel
from healthgap.scenarios.lifetime import lifetime_view
from healthgap.scenarios.scenario import ScenarioSpec

__all__ = [
    "MAX_BUDGET",
    "BudgetResult",
    "allocate_budget",
    "effects_per_draw",
    "greedy",
    "per_unit_effects",
    "rank_objectives",
    "solve_lp",
]

#: The largest budget taken (pounds over the horizon): a trillion, more than the whole
#: of UK public spending in a year, so anything above is a typing slip, not a plan.
MAX_BUDGET = 1e12

OBJECTIVES = ("gap", "le", "lifetime")


def solve_lp(effect: np.ndarray, cost: np.ndarray, budget: float, cap: np.ndarray) -> np.ndarray:
    """Units maximising ``effect @ u`` within the budget and capacities (HiGHS)."""
    res = linprog(-np.asarray(effect, float), A_ub=np.asarray(cost, float)[None, :],
                  b_ub=[float(budget)], bounds=list(zip(np.zeros(len(cap)), cap, strict=True)),
                  method="highs")  # fmt: skip
    if res.status != 0:
        raise MethodError(f"the budget linear programme failed: {res.message}")
    return np.asarray(res.x)


def greedy(effect: np.ndarray, cost: np.ndarray, budget: float, cap: np.ndarray) -> np.ndarray:
    """Exact LP solution for one budget line: fund by effect per pound, best first.

    Works on a leading batch axis too: ``effect`` shaped (draw, k).
    """
    effect = np.atleast_2d(effect)
    ratio = np.where(effect > 0, effect / cost, -np.inf)
    order = np.argsort(-ratio, axis=-1)
    spend = np.take_along_axis(np.broadcast_to(cost * cap, effect.shape), order, -1)
    before = np.cumsum(spend, axis=-1) - spend
    funded = np.clip(budget - before, 0, spend)
    useful = np.take_along_axis(ratio, order, -1) > -np.inf
    units_sorted = np.where(useful, funded / np.take_along_axis(
        np.broadcast_to(cost, effect.shape), order, -1), 0.0)  # fmt: skip
    units = np.empty_like(units_sorted)
    np.put_along_axis(units, order, units_sorted, -1)
    return units


@dataclass
class BudgetResult:
    """The chosen mix, its full-model re-check and its stability across draws."""

    objective: str
    budget: float
    table: pd.DataFrame  # one row per intervention
    full_model: dict[str, float]
    mix_frequency: pd.DataFrame


def _per_unit(model: ScenarioModel, scenario: ScenarioSpec) -> dict[str, np.ndarray]:
    """Effects per unit a year of each intervention evaluated alone, and cost per unit."""
    items = model.resolve(scenario)
    ev = model.evaluate(scenario, items=items)
    per_year = np.array([r.units_per_year for r in items])
    if np.any(per_year <= 0):
        raise InputError("every intervention needs a positive volume to estimate its effect",
                         rule="zero_volume")  # fmt: skip
    life = lifetime_view(model, scenario, items)
    base_groups = model.groups_.pairs[:, 0]
    effects = {
        "gap": ev.arrays["gap_reduction_alone"][..., 0].mean(axis=(1, 2)),
        "le": ev.arrays["e0_gain_alone"][:, base_groups, :, 0].mean(axis=(1, 2)),
        "lifetime": life["lyg"],
    }
    cost = np.array([
        horizon_units(1.0, r.cohorts, r.intervention.cost_basis) * r.intervention.unit_cost.value
        for r in items
    ])  # fmt: skip
    cumulative = np.array([r.cohorts.sum() if r.intervention.kind in ("smoking",
                           "hazard_reduction") else r.cohorts.max() for r in items])  # fmt: skip
    cap = np.array([
        r.spec.capacity if r.spec.capacity is not None else r.pool / max(c, 1e-12)
        for r, c in zip(items, cumulative, strict=True)
    ])  # fmt: skip
    return {**{k: v / per_year for k, v in effects.items()}, "cost": cost, "cap": cap,
            "labels": np.array([r.label for r in items]), "per_year": per_year,
            "dpp": ev.arrays["dpp"][..., 0].sum(axis=(1, 2, 3))}  # fmt: skip


def rank_objectives(model: ScenarioModel, scenario: ScenarioSpec) -> pd.DataFrame:
    """Effect per pound of each intervention and its rank under each objective."""
    unit = _per_unit(model, scenario)
    table = pd.DataFrame({"intervention": unit["labels"]})
    for objective in OBJECTIVES:
        per_pound = unit[objective] / unit["cost"]
        table[f"{objective}_per_pound"] = per_pound
        table[f"rank_{objective}"] = (-per_pound).argsort().argsort() + 1
    return table


def allocate_budget(
    model: ScenarioModel,
    scenario: ScenarioSpec,
    budget: float,
    objective: str = "gap",
    *,
    draws: dict[str, np.ndarray] | None = None,
) -> BudgetResult:
    """Best mix for ``budget`` (pounds over the horizon) under ``objective``.

    Parameters
    ----------
    model, scenario : ScenarioModel, ScenarioSpec
        The scenario's volumes set the point at which per-unit effects are estimated;
        each line's ``capacity`` (or its eligible pool) bounds its units.
    budget : float
        Pounds over the horizon; above 0 and at most :data:`MAX_BUDGET`.
    objective : {"gap", "le", "lifetime"}
        Year-T gap reduction, LE gain of the base groups, or lifetime life-years.
    draws : dict, optional
        Output of :func:`healthgap.scenarios.uncertainty.monte_carlo` with ``detail``:
        adds how often each mix is optimal across draws.

    Returns
    -------
    BudgetResult
        The mix (units a year and cost per intervention), the full-model re-check
        (gap reduction, life-years, cost) and the mix frequency table.
    """
    if objective not in OBJECTIVES:
        raise InputError(f"objective {objective!r}: use one of {OBJECTIVES}", rule="bad_objective")
    if not 0 < budget <= MAX_BUDGET:  # also refuses NaN and infinity
        raise InputError(
            f"give a budget above £0 and at most £{MAX_BUDGET:,.0f}, not {budget:g}",
            rule="bad_budget",
        )
    unit = _per_unit(model, scenario)
    units = solve_lp(unit[objective], unit["cost"], budget, unit["cap"])
    chosen = scenario.with_volumes(units)
    if np.any(units > 0):  # re-estimate per-unit effects at the chosen volumes, then re-solve
        at_mix = _per_unit(model, chosen.with_volumes(np.maximum(units, 1e-6 * unit["cap"])))
        units = solve_lp(at_mix[objective], unit["cost"], budget, unit["cap"])
        chosen = scenario.with_volumes(units)
    ev = model.evaluate(chosen, detail=False)
    life = lifetime_view(model, chosen, model.resolve(chosen))
    full = {
        "gap_reduction": float(ev.arrays["gap_reduction"][..., 0].mean()),
        "lyg": float(life["lyg"].sum()),
        "cost": float(units @ unit["cost"]),
    }
    table = pd.DataFrame({
        "intervention": unit["labels"], "units_per_year": units, "cost": units * unit["cost"],
        "capacity": unit["cap"], "effect_per_unit": unit[objective],
        "effect_per_pound": unit[objective] / unit["cost"],
    })  # fmt: skip
    frequency = pd.DataFrame(columns=["mix", "share_of_draws"])
    if draws is not None and "gap_reduction_alone" in draws:
        frequency = _mix_frequency(draws, unit, objective, budget, model)
    return BudgetResult(objective, float(budget), table, full, frequency)


def per_unit_effects(model: ScenarioModel, scenario: ScenarioSpec) -> dict[str, np.ndarray]:
    """Each intervention's effect per unit a year under every objective (``gap``, ``le``,
    ``lifetime``) at point values, with its ``cost`` per unit a year over the horizon, its
    capacity ``cap``, ``labels``, ``per_year`` (the scenario's units a year) and ``dpp``."""
    return _per_unit(model, scenario)


def effects_per_draw(
    draws: dict[str, np.ndarray], unit: dict[str, np.ndarray], objective: str, model: ScenarioModel
) -> np.ndarray:
    """Effect per unit a year of each intervention in each Monte Carlo draw, (draw, k).

    ``draws`` is :func:`~healthgap.scenarios.uncertainty.monte_carlo` with ``detail``;
    lifetime life-years (a point-value view) scale with each draw's deaths postponed.
    """
    per_year = unit["per_year"][None, :]
    if objective == "gap":
        effect = draws["gap_reduction_alone"].mean(axis=(1, 2)).T / per_year
    elif objective == "le":
        base = model.groups_.pairs[:, 0]
        effect = draws["e0_gain_alone"][:, base].mean(axis=(1, 2)).T / per_year
    else:  # lifetime life-years scale with each draw's deaths postponed of the intervention
        dpp = draws["dpp"].sum(axis=(1, 2, 3)).T  # (draw, k)
        point = unit["dpp"][None, :]
        effect = unit["lifetime"][None, :] * np.where(
            point > 0, dpp / np.where(point > 0, point, 1), 1.0
        )
    return effect


def _mix_frequency(draws: dict[str, np.ndarray], unit: dict[str, np.ndarray], objective: str,
                   budget: float, model: ScenarioModel) -> pd.DataFrame:  # fmt: skip
    effect = effects_per_draw(draws, unit, objective, model)
    units = greedy(effect, unit["cost"], budget, unit["cap"])
    mixes = [" + ".join(unit["labels"][row > 1e-9]) or "(nothing)" for row in units]
    counts = Counter(mixes)
    return pd.DataFrame({"mix": list(counts), "share_of_draws": np.array(list(counts.values()))
                         / len(mixes)}).sort_values("share_of_draws", ascending=False)  # fmt: skip
