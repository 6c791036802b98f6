"""The worked example of interventions.md §6 reproduced to the decimals it gives.

Inputs are transcribed in ``plan_example.py``; the baseline life table is the PHE Chiang II
method (PHEindicatormethods ``phe_life_expectancy``), so the baseline values are what
``phe_life_expectancy(data, deaths, pops, startage)`` gives on the §6.1 table.
"""

from __future__ import annotations

import numpy as np
import pytest
from plan_example import (
    SMOKING,
    SMOKING_UNCERTAIN,
    STATINS,
    STATINS_UNCERTAIN,
    scenario,
    worked_example_baseline,
)

from healthgap.scenarios import (
    ScenarioModel,
    compare_scenarios,
    lifetime_view,
    monte_carlo,
    run_scenario,
)
from healthgap.scenarios.budget import rank_objectives
from healthgap.scenarios.scenario import scenario_from_dict
from healthgap.scenarios.uncertainty import summarise


@pytest.fixture(scope="module")
def model() -> ScenarioModel:
    return ScenarioModel(worked_example_baseline()).fit()


def test_baseline_life_expectancy_and_gap_to_six_decimals(model: ScenarioModel) -> None:
    e0 = model.base_life_table_.e[:, 0, 0]
    assert round(float(e0[0]), 6) == 75.186597
    assert round(float(e0[1]), 6) == 83.383406
    assert round(float(e0[1] - e0[0]), 6) == 8.196810
    lt = model.base_life_table_
    assert round(float(lt.q[0, 0, 0]), 6) == 0.005842  # §6.2 check values
    assert round(float(lt.l[0, 0, 1]), 2) == 99415.79
    assert [round(float(v), 3) for v in lt.e[:, 0, 14]] == [16.862, 21.188]  # e_65
    assert [round(float(v), 3) for v in lt.e[:, 0, 15]] == [13.502, 17.064]  # e_70


@pytest.mark.parametrize(
    ("items", "dpp", "e0", "gain", "gap", "share"),
    [
        ((SMOKING,), 0.1429, 75.188263, 0.001666, 8.195144, 0.002),
        ((STATINS,), 0.4990, 75.191351, 0.004754, 8.192055, 0.006),
        ((SMOKING, STATINS), 0.6419, 75.193015, 0.006419, 8.190391, 0.008),
    ],
)
def test_scenarios_a_b_and_both(model, items, dpp, e0, gain, gap, share) -> None:  # noqa: ANN001
    a = model.evaluate(scenario(*items)).arrays
    # §6.4 adds the DPP of each intervention; combined multiplicatively they overlap a little
    assert round(float(a["dpp"].sum()), 4) == dpp
    assert float(a["dpp_combined"].sum()) == pytest.approx(dpp, abs=3e-4)
    assert round(float(a["e0_new"][0, 0, 0]), 6) == e0
    assert round(float(a["e0_new"][0, 0, 0] - a["e0_base"][0, 0, 0]), 6) == gain
    assert round(float(a["gap_new"][0, 0, 0]), 6) == gap
    assert round(float(a["target_share"][0, 0, 0]), 3) == share


def test_deaths_postponed_by_cause_and_age(model: ScenarioModel) -> None:
    a = model.evaluate(scenario(SMOKING, STATINS)).arrays
    smoking_by_cause = a["dpp"][0, 0].sum(axis=0)[:, 0]  # circulatory, cancer, resp, other
    assert np.round(smoking_by_cause, 4).tolist() == [0.0906, 0.0219, 0.0186, 0.0119]
    statins = a["dpp"][1, 0, :, 0, 0]
    assert round(float(statins[15]), 4) == 0.2148  # ages 70-74
    cell = a["dpp"][0, 0, 12, 0, 0]  # 55-59 circulatory: 15.169 x 0.0022857 x 1.0 x 0.44048
    assert round(float(cell), 4) == 0.0153


def test_lifelong_quitters_and_allocation(model: ScenarioModel) -> None:
    items = model.resolve(scenario(SMOKING, STATINS))
    p = {n: q.value for n, q in items[0].parameters.items()}
    lifelong = (p["p52"] - p["s_unaided"] / p["p4"]) * (1 - p["r_late"])
    quitters = items[0].units[0, 0] * items[0].cohorts.sum() * lifelong
    assert round(float(quitters.sum()), 2) == 125.43
    assert np.round(quitters[8:16], 3).tolist() == [
        22.754, 20.803, 20.153, 19.503, 15.169, 13.002, 7.801, 6.241
    ]  # fmt: skip
    effective_statins = items[1].units[0, 0] * 2.5  # 200 x (1 + 1 + 0.5) at full volume
    assert np.round(effective_statins[9:16], 2).tolist() == [
        23.99, 23.24, 67.47, 62.97, 116.94, 97.45, 107.95
    ]  # fmt: skip


def test_decomposition_of_the_combined_gain(model: ScenarioModel) -> None:
    result = run_scenario(model, scenario(SMOKING, STATINS))
    table = result.tables["decomposition"]
    q1 = table[table["group"].str.endswith("Q1")]
    by_cause = q1.groupby("cause")["value"].sum()
    assert round(by_cause["circulatory"], 5) == 0.00583
    assert round(by_cause["cancer"], 5) == 0.00025
    assert round(by_cause["respiratory"], 5) == 0.00020
    assert round(by_cause["other"], 5) == 0.00014
    by_age = q1.groupby("age_start")["value"].sum()
    assert np.round(by_age.loc[35:70].to_numpy(), 5).tolist() == [
        0.00012, 0.00022, 0.00027, 0.00055, 0.00065, 0.00134, 0.00133, 0.00195
    ]  # fmt: skip
    assert by_age.sum() == pytest.approx(0.006419, abs=1e-6)


def test_lifetime_view_costs_and_rankings(model: ScenarioModel) -> None:
    spec = scenario(SMOKING, STATINS)
    life = lifetime_view(model, spec, model.resolve(spec))
    assert np.round(life["dpp_cumulative"], 3).tolist() == [0.242, 0.898]
    assert round(float(life["lyg"][0]), 1) == 727.9
    assert round(float(life["lyg"][1]), 1) == 13.4
    costs = run_scenario(model, spec).tables["interventions"]
    assert costs["cost"].tolist() == [400_000.0, 60_000.0]
    assert round(costs["cost_per_lyg"].iloc[0]) == 550
    assert round(costs["cost_per_lyg"].iloc[1]) == 4476
    ranks = rank_objectives(model, spec)
    ratio_gap = ranks["gap_per_pound"].iloc[1] / ranks["gap_per_pound"].iloc[0]
    ratio_life = ranks["lifetime_per_pound"].iloc[0] / ranks["lifetime_per_pound"].iloc[1]
    assert 18 < ratio_gap < 20 and 7.5 < ratio_life < 8.5  # "~19x" and "~8x"
    assert ranks["rank_gap"].tolist() == [2, 1] and ranks["rank_lifetime"].tolist() == [1, 2]


def test_ten_years_of_sustained_volumes(model: ScenarioModel) -> None:
    smoking = {**SMOKING, "volume": {"units_per_year": 1000 / 3}}
    gains = []
    for items in ([smoking], [STATINS], [smoking, STATINS]):
        spec = scenario_from_dict({"horizon": 10, "comparison": {"type": "quintiles"},
                                   "interventions": items})  # fmt: skip
        a = model.evaluate(spec).arrays
        gains.append(round(float(a["e0_new"][0, 0, 0] - a["e0_base"][0, 0, 0]), 4))
    assert gains == [0.0114, 0.0181, 0.0295]


def test_uncertainty_interval_within_a_few_per_cent(model: ScenarioModel) -> None:
    """§6.4: 5,000 draws; A+B gain median 0.0063 (0.0043-0.0086), DPP 0.63 (0.43-0.87),
    share of the 10% target 0.77% (0.53%-1.05%)."""
    draws = monte_carlo(model, scenario(SMOKING_UNCERTAIN, STATINS_UNCERTAIN), 5000, seed=11,
                        chunk_size=2500, baseline_noise=False, detail=False)  # fmt: skip
    gain = summarise((draws["e0_new"] - draws["e0_base"])[0, 0])
    dpp = summarise(draws["dpp_combined"].sum(axis=(0, 1, 2)))
    share = summarise(draws["target_share"][0, 0])
    for got, want in ((gain, (0.0063, 0.0043, 0.0086)), (dpp, (0.63, 0.43, 0.87)),
                      (share, (0.0077, 0.0053, 0.0105))):  # fmt: skip
        values = [float(got[k]) for k in ("median", "lowercl", "uppercl")]
        assert values == pytest.approx(want, rel=0.04)


def test_statins_beat_smoking_on_the_year_3_gap_in_almost_every_draw(model: ScenarioModel) -> None:
    result = compare_scenarios(model, scenario(STATINS_UNCERTAIN), scenario(SMOKING_UNCERTAIN),
                               draws=300, seed=5)  # fmt: skip
    assert result["probability_first_better"] > 0.95
    assert result["median_difference"] == pytest.approx(0.004754 - 0.001666, rel=0.2)


def test_intervals_on_costs_table(model: ScenarioModel) -> None:
    table = run_scenario(model, scenario(SMOKING_UNCERTAIN, STATINS_UNCERTAIN), draws=200).tables[
        "interventions"
    ]
    for name in ("dpp_year_T", "lyg", "gap_reduction_alone"):
        assert (table[f"{name}_lowercl"] < table[name]).all()
        assert (table[name] < table[f"{name}_uppercl"]).all()
