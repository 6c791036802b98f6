"""Value of information: EVPI and EVPPI against a linear-normal model with known answers,
and the sensitivity analyses of a scenario."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from healthgap.errors import InputError
from healthgap.scenarios import ScenarioModel, scenario_from_dict
from healthgap.scenarios.budget import greedy
from healthgap.scenarios.sensitivity import one_way, rank_correlations, value_of_information
from healthgap.scenarios.uncertainty import monte_carlo
from healthgap.scenarios.voi import evpi, evppi, fit_metamodel


def expected_positive_part(mean: float, sd: float) -> float:
    """E[max(0, N(mean, sd^2))]."""
    z = mean / sd
    return mean * stats.norm.cdf(z) + sd * stats.norm.pdf(z)


A, B1, B2, B3 = 0.2, 1.0, 0.8, 0.3
N = 4000


@pytest.fixture(scope="module")
def linear_normal() -> tuple[np.ndarray, np.ndarray]:
    """Two options: nothing (0) or A + B1 X1 + B2 X2 + B3 X3, X standard normal."""
    X = np.random.default_rng(11).normal(size=(N, 3))
    values = np.column_stack([np.zeros(N), A + X @ np.array([B1, B2, B3])])
    return values, X


def test_evpi_matches_the_analytic_value(linear_normal) -> None:  # noqa: ANN001
    values, _X = linear_normal
    truth = expected_positive_part(A, np.sqrt(B1**2 + B2**2 + B3**2)) - A
    found, se = evpi(values)
    assert abs(found - truth) < 3 * se


@pytest.mark.parametrize(
    ("columns", "method"),
    [([0], "gam"), ([1], "gam"), ([2], "gam"), ([0, 1], "gp"), ([0, 1, 2], "gp")],
)
def test_evppi_matches_the_analytic_value_within_monte_carlo_error(
    linear_normal,
    columns: list[int],
    method: str,  # noqa: ANN001
) -> None:
    values, X = linear_normal
    # learning X_S leaves A + sum_S B_i X_i, normal with sd sqrt(sum_S B_i^2)
    sd = np.sqrt(sum(np.array([B1, B2, B3])[columns] ** 2))
    truth = expected_positive_part(A, sd) - A
    found, se = evppi(values, X[:, columns], method=method)
    assert abs(found - truth) < 3 * se + 0.01, (found, truth, se)
    assert found <= evpi(values)[0] + 3 * se


def test_the_metamodel_recovers_a_smooth_mean() -> None:
    x = np.linspace(-2, 2, 500)
    noise = np.random.default_rng(2).normal(scale=0.3, size=500)
    fitted = fit_metamodel(x, np.column_stack([np.sin(x) + noise]), "gam")
    assert np.abs(fitted[:, 0] - np.sin(x)).max() < 0.15
    with pytest.raises(InputError, match="one input"):
        fit_metamodel(np.column_stack([x, x]), np.column_stack([x]), "gam")


def test_a_budget_decision_is_valued_by_its_best_mix() -> None:
    """Two interventions with uncertain effects per pound that swap ranks in some draws."""
    rng = np.random.default_rng(4)
    effects = np.column_stack([rng.normal(1.0, 0.3, N), rng.normal(0.9, 0.05, N)])
    cost, cap, budget = np.array([1.0, 1.0]), np.array([10.0, 10.0]), 10.0

    def decide(e: np.ndarray) -> np.ndarray:
        return greedy(e, cost, budget, cap)

    # all money to the better one: value 10 * max(e1, e2) against 10 * e1 on average
    truth = 10 * (expected_positive_part(-0.1, np.sqrt(0.3**2 + 0.05**2)))
    found, se = evpi(effects, decide)
    assert abs(found - truth) < 3 * se
    only_first, _ = evppi(effects, effects[:, :1], decide)
    assert abs(only_first - truth) < 0.1 * truth  # the first effect is nearly all of it


def test_scenario_sensitivity(example_baseline) -> None:  # noqa: ANN001
    spec = scenario_from_dict({"horizon": 3, "interventions": [
        {"intervention": "statins", "volume": {"units_per_year": 200}, "capacity": 400,
         "target": {"quintiles": [1], "sexes": ["male"], "ages": [40, 70]}},
        {"intervention": "blood_pressure", "volume": {"units_per_year": 150}, "capacity": 400,
         "target": {"quintiles": [1], "sexes": ["male"], "ages": [40, 70]}}]})  # fmt: skip
    model = ScenarioModel(example_baseline).fit()
    tornado = one_way(model, spec)
    assert {"statins", "blood_pressure"} <= set(tornado["intervention"])
    gap = tornado[tornado["objective"] == "gap"]
    assert gap["swing"].is_monotonic_decreasing and (gap["swing"] > 0).any()
    adherence = gap[(gap["intervention"] == "statins") & (gap["parameter"] == "adherence")]
    assert (adherence["at_high"] > adherence["at_low"]).all()  # more adherence, more gain
    mc = monte_carlo(model, spec, 300, 1, detail=True)
    psa = rank_correlations(model, spec, mc, 1)
    row = psa[(psa["parameter"] == "statins.adherence") & (psa["objective"] == "gap")]
    assert row["rank_correlation"].item() > 0
    voi, budget = value_of_information(model, spec, mc, 1, budget=20_000)
    assert budget == 20_000
    for objective, rows in voi.groupby("objective"):
        total = rows.loc[rows["statistic"] == "EVPI", "value"].item()
        assert total >= 0, objective
        assert (rows["value"] <= total + 1e-12).all() and (rows["value"] >= 0).all()
