r"""Run a scenario end to end and return tidy tables (the public entry point).

:func:`run_scenario` evaluates the scenario at point values, adds the lifetime view,
costs, the Arriaga decomposition of the gain by age and cause (baseline as population
1, scenario as population 2), and, with ``draws > 0``, Monte Carlo intervals. Every
table has ``value`` (the point estimate), ``median``, ``lowercl``, ``uppercl``,
``confidence``, ``statistic`` and ``method``; the ``parameters`` table lists every
parameter with its source and evidence tag, and ``assumptions`` names those that are
assumptions [A] or unverified [V].

.. math::

    {}_n\Delta_x^{c} = {}_n\Delta_x \frac{m_x^{c,1} - m_x^{c,2}}{m_x^{1} - m_x^{2}}

Examples
--------
>>> import numpy as np, pandas as pd
>>> from healthgap.scenarios import Baseline, ScenarioModel, scenario_from_dict
>>> cells = pd.DataFrame({"cell": ["Q1", "Q5"], "area_code": ["A", "A"], "quintile": [1, 5]})
>>> D = np.zeros((2, 1, 20, 1)); D[:, 0, :, 0] = np.linspace(1, 300, 20) * [[1.3], [1.0]]
>>> base = Baseline.from_arrays(D, np.full((2, 1, 20), 3e4), cells, sexes=("male",),
...                             causes=("circulatory",), years=3)
>>> spec = scenario_from_dict({"horizon": 3, "comparison": {"type": "quintiles"},
...     "interventions": [{"intervention": "statins", "volume": {"units_per_year": 100},
...                        "target": {"quintiles": [1]}}]})
>>> model = ScenarioModel(base).fit()
>>> bool(model.evaluate(spec).arrays["gap_reduction"].item() > 0)  # the engine alone
True
>>> result = run_scenario(model, spec)
>>> sorted(result.tables)[:3]
['decomposition', 'dpp', 'gap']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from healthgap.compute import Executor
from healthgap.decomposition.arriaga import arriaga_contributions, split_by_cause
from healthgap.errors import InputError
from healthgap.scenarios.costs import cost_table, horizon_units
from healthgap.scenarios.engine import Evaluation, ScenarioModel
from healthgap.scenarios.lifetime import lifetime_view
from healthgap.scenarios.parameters import parameter_table
from healthgap.scenarios.scenario import ScenarioSpec
from healthgap.scenarios.small_area import suppression_flags
from healthgap.scenarios.uncertainty import monte_carlo, summarise

__all__ = ["ScenarioResult", "run_scenario"]

METHOD = "healthgap static period impact model (HIIT-style), Chiang II life table"


@dataclass
class ScenarioResult:
    """Tidy tables of one scenario run (see the module docstring)."""

    scenario: ScenarioSpec
    tables: dict[str, pd.DataFrame]
    evaluation: Evaluation
    draws: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def assumptions(self) -> pd.DataFrame:
        params = self.tables["parameters"]
        return params[params["assumption"]]

    @property
    def metadata(self) -> dict[str, str]:
        """What the run was: scenario, its file, horizon, discount rate and method."""
        spec = self.scenario
        return {
            "scenario": spec.name,
            "scenario source": spec.source,
            "horizon": f"{spec.horizon} years",
            "discount rate": f"{spec.discount_rate:g}",
            "comparison": repr(spec.comparison),
            "interventions": "; ".join(
                f"{item.name}: {', '.join(f'{k} {v:g}' for k, v in item.volume.items())}"
                for item in spec.interventions
            ),
            "method": METHOD,
        }


def _frame(keys: dict[str, np.ndarray], statistic: str, point: np.ndarray,
           draws: np.ndarray | None, confidence: float) -> pd.DataFrame:  # fmt: skip
    out = pd.DataFrame({k: np.asarray(v).ravel() for k, v in keys.items()})
    out["statistic"] = statistic
    out["value"] = np.asarray(point).ravel()
    if draws is not None:
        s = summarise(draws, confidence)
        for k in ("median", "lowercl", "uppercl"):
            out[k] = s[k].ravel()
    else:
        out["median"] = out["lowercl"] = out["uppercl"] = np.nan
    out["confidence"] = f"{confidence:.0%}" if draws is not None else ""
    out["method"] = METHOD
    return out


def _grid(*axes: np.ndarray) -> list[np.ndarray]:
    return [g.ravel() for g in np.meshgrid(*axes, indexing="ij")]


def _decomposition(model: ScenarioModel, ev: Evaluation) -> pd.DataFrame:
    new_D = ev.extras["new_group_deaths"][..., 0]  # (group, sex, band, cause)
    base_lt = model.base_life_table_
    new_lt = model.life_table(new_D.sum(-1))
    parts = arriaga_contributions(base_lt, new_lt)
    P = model.group_population_[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        by_cause, _ = split_by_cause(parts.total, model.group_deaths_ / P, new_D / P)
    b = model.baseline
    g, s, x, c = _grid(np.asarray(ev.groups.labels), np.asarray(b.sexes),
                       np.asarray(b.starts), np.asarray(b.causes))  # fmt: skip
    frame = pd.DataFrame({"group": g, "sex": s, "age_start": x, "cause": c,
                          "value": np.nan_to_num(by_cause).ravel()})  # fmt: skip
    frame["statistic"] = "e0_gain_contribution"
    frame["method"] = "Arriaga (1984), baseline -> scenario, Preston cause split"
    size = frame["value"].abs().groupby([frame["group"], frame["sex"]]).transform("sum")
    return frame[size > 0]  # drop groups the scenario leaves unchanged


def _with_intervals(
    table: pd.DataFrame,
    a: dict[str, np.ndarray],
    mc: dict[str, np.ndarray],
    life: dict[str, np.ndarray],
    confidence: float,
) -> pd.DataFrame:
    """Add intervals to the per-intervention effects. Lifetime life-years scale with each
    draw's deaths postponed in year T (exact for drugs, whose effects are proportional)."""
    dpp_draws = mc["dpp"].sum(axis=(1, 2, 3))  # (k, draw)
    point = a["dpp"][..., 0].sum(axis=(1, 2, 3))[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(point > 0, dpp_draws / point, 1.0)
    draws = {
        "dpp_year_T": dpp_draws,
        "gap_reduction_alone": mc["gap_reduction_alone"].mean(axis=(1, 2)),
        "lyg": life["lyg"][:, None] * ratio,
        "lyg_discounted": life["lyg_discounted"][:, None] * ratio,
    }
    out = table.copy()
    for name, values in draws.items():
        s = summarise(values, confidence)
        out[f"{name}_lowercl"], out[f"{name}_uppercl"] = s["lowercl"], s["uppercl"]
    out["confidence"] = f"{confidence:.0%}"
    return out


def run_scenario(
    model: ScenarioModel,
    scenario: ScenarioSpec,
    *,
    draws: int = 0,
    seed: int = 1,
    chunk_size: int = 25,
    confidence: float = 0.95,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> ScenarioResult:
    """Evaluate ``scenario`` and build every output table (with intervals if ``draws``).

    Parameters
    ----------
    model : ScenarioModel
        A fitted model (see :meth:`ScenarioModel.for_scenario`).
    scenario : ScenarioSpec
        The scenario; its problems are reported as one :class:`InputError`.
    draws : int
        Monte Carlo draws (0: point estimates only, interval columns empty).
    seed : int
        Seed of the common random numbers.
    chunk_size : int
        Draws evaluated together; bounds memory.
    confidence : float
        Interval level as a fraction (0.95); 95 raises :class:`InputError`.
    progress : callable, optional
        ``progress(done, total)`` after each chunk of draws.
    executor : Executor, optional
        Where the chunks of draws run (:mod:`healthgap.compute`; default this process).

    Returns
    -------
    ScenarioResult
        ``tables``: ``gap``, ``life_expectancy`` (suppressed below 5,000 person-years or
        with a 95% CI wider than 20 years, reason in ``suppressed``), ``dpp``,
        ``decomposition``, ``interventions`` (costs, both views), ``waterfall``,
        ``parameters``.
    """
    if not 0 < confidence < 1:
        raise InputError(f"confidence is a fraction such as 0.95, not {confidence}",
                         rule="bad_confidence")  # fmt: skip
    items = model.resolve(scenario)
    ev = model.evaluate(scenario, items=items)
    a = ev.arrays
    mc = (
        monte_carlo(
            model,
            scenario,
            draws,
            seed,
            chunk_size=chunk_size,
            progress=progress,
            executor=executor,
        )
        if draws
        else {}
    )
    b, comp = model.baseline, ev.groups
    labels = [r.label for r in items]
    tables: dict[str, pd.DataFrame] = {}
    pair_names = np.asarray([f"{comp.labels[i]} vs {comp.labels[j]}" for i, j in comp.pairs])
    keys = dict(zip(("comparison", "sex"), _grid(pair_names, np.asarray(b.sexes)), strict=True))
    tables["gap"] = pd.concat(
        [
            _frame(keys, stat, a[stat][..., 0], mc.get(stat), confidence)
            for stat in ("gap_base", "gap_new", "gap_reduction", "target_share")
        ]  # fmt: skip
    )
    gkeys = dict(zip(("group", "sex"), _grid(np.asarray(comp.labels), np.asarray(b.sexes)),
                     strict=True))  # fmt: skip
    gain_draws = mc["e0_new"] - mc["e0_base"] if mc else None
    tables["life_expectancy"] = pd.concat(
        [_frame(gkeys, "e0_base", a["e0_base"][..., 0], mc.get("e0_base"), confidence),
         _frame(gkeys, "e0_new", a["e0_new"][..., 0], mc.get("e0_new"), confidence),
         _frame(gkeys, "e0_gain", (a["e0_new"] - a["e0_base"])[..., 0], gain_draws,
                confidence)]
    )  # fmt: skip
    flags = suppression_flags(model.group_population_.sum(-1), model.base_life_table_.se[..., 0])
    le = tables["life_expectancy"]
    le["suppressed"] = np.tile(flags.ravel(), 3)
    hidden = le["suppressed"] != ""
    le.loc[hidden, ["value", "median", "lowercl", "uppercl"]] = np.nan  # PHE small-area rules
    dkeys = dict(zip(("intervention", "sex", "age_start", "cause"),
                     _grid(np.asarray([*labels, "combined"]), np.asarray(b.sexes),
                           np.asarray(b.starts), np.asarray(b.causes)), strict=True))  # fmt: skip
    dpp = np.concatenate([a["dpp"], a["dpp_combined"][None]])[..., 0]
    dpp_draws = np.concatenate([mc["dpp"], mc["dpp_combined"][None]]) if mc else None
    frame = _frame(dkeys, "dpp_year_T", dpp, dpp_draws, confidence)
    tables["dpp"] = frame[frame["value"] > 0].reset_index(drop=True)
    tables["decomposition"] = _decomposition(model, ev)

    life = lifetime_view(model, scenario, items)
    mean_gap = a["gap_reduction_alone"][..., 0].mean(axis=(1, 2))
    tables["interventions"] = cost_table(
        labels,
        np.array([r.units_per_year for r in items]),
        np.array(
            [horizon_units(r.units_per_year, r.cohorts, r.intervention.cost_basis) for r in items]
        ),  # fmt: skip
        np.array([r.intervention.unit_cost.value for r in items]),
        a["dpp"][..., 0].sum(axis=(1, 2, 3)),
        life["lyg"],
        life["lyg_discounted"],
        mean_gap,
    ).assign(
        dpp_cumulative=life["dpp_cumulative"],
        kind=[r.intervention.kind for r in items],
        certainty=[r.intervention.certainty for r in items],
        assumptions=[
            ", ".join(sorted(n for n, p in r.parameters.items() if p.is_assumption)) for r in items
        ],  # fmt: skip
    )
    if mc:
        tables["interventions"] = _with_intervals(tables["interventions"], a, mc, life, confidence)
    steps = list(a["waterfall"][..., 0])  # (k, pair, sex)
    wkeys = {**keys}
    tables["waterfall"] = pd.concat(
        [_frame(wkeys, "baseline", a["gap_base"][..., 0], None, confidence).assign(step=0)]
        + [
            _frame(wkeys, f"+ {lab}", g, None, confidence).assign(step=i + 1)
            for i, (lab, g) in enumerate(zip(labels, steps, strict=True))
        ]  # fmt: skip
    )
    tables["parameters"] = parameter_table(
        {r.label: {**r.parameters, "unit_cost": r.intervention.unit_cost} for r in items}
    )
    return ScenarioResult(scenario, tables, ev, mc)
