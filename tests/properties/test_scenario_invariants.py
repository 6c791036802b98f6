"""Invariants of the scenario engine (interventions.md §5.8) over random baselines."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.agebands import STANDARD_STARTS
from healthgap.errors import SmallNumbersWarning
from healthgap.scenarios import Baseline, ScenarioModel, run_scenario, scenario_from_dict

CAUSES = ("circulatory", "cancer", "respiratory", "other")
N_BAND = len(STANDARD_STARTS)
MENU = ("smoking_cessation", "statins", "blood_pressure", "alcohol_brief_advice",
        "infant_mortality_package")  # fmt: skip


def random_baseline(seed: int) -> Baseline:
    """A most and a least deprived quintile, both sexes, plausible random rates."""
    rng = np.random.default_rng(seed)
    age = np.asarray(STANDARD_STARTS, float)
    P = rng.uniform(5_000, 60_000, (2, 2, N_BAND))
    level = np.array([1.4, 1.0])[:, None, None] * rng.uniform(0.7, 1.3, (2, 2, 1))
    rate = level * 1e-4 * np.exp(0.085 * age) * rng.uniform(0.6, 1.4, (2, 2, N_BAND))
    shares = rng.dirichlet(np.ones(len(CAUSES)), (2, 2, N_BAND))
    D = np.round(rate[..., None] * shares * P[..., None])
    D[..., -1, :] = np.maximum(D[..., -1, :], 1)  # the open band needs deaths
    cells = pd.DataFrame({"cell": ["Q1", "Q5"], "area_code": ["A", "A"], "quintile": [1, 5]})
    return Baseline.from_arrays(D, P, cells, causes=CAUSES, years=3)


def spec(volumes: dict[str, float], quintiles: tuple[int, ...] = (1,)):  # noqa: ANN201
    items = [{"intervention": name, "volume": {"units_per_year": v},
              "target": {"quintiles": list(quintiles)}} for name, v in volumes.items()]  # fmt: skip
    return scenario_from_dict({"horizon": 3, "comparison": {"type": "quintiles"},
                               "interventions": items})  # fmt: skip


def evaluate(model: ScenarioModel, volumes: dict[str, float], quintiles: tuple[int, ...] = (1,)):  # noqa: ANN201
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumbersWarning)
        return model.evaluate(spec(volumes, quintiles)).arrays


seeds = st.integers(0, 2**32 - 1)
volume = st.floats(0.0, 60.0)


@settings(max_examples=15, deadline=None)
@given(seed=seeds, name=st.sampled_from(MENU))
def test_zero_volume_changes_nothing(seed: int, name: str) -> None:
    model = ScenarioModel(random_baseline(seed)).fit()
    a = evaluate(model, {name: 0.0})
    assert np.array_equal(a["e0_new"], a["e0_base"])
    assert not a["dpp_combined"].any()


@settings(max_examples=15, deadline=None)
@given(seed=seeds, name=st.sampled_from(MENU), low=volume, extra=volume)
def test_deaths_postponed_and_gain_are_monotone_in_volume(
    seed: int, name: str, low: float, extra: float
) -> None:
    model = ScenarioModel(random_baseline(seed)).fit()
    small, large = evaluate(model, {name: low}), evaluate(model, {name: low + extra})
    assert large["dpp_combined"].sum() >= small["dpp_combined"].sum() - 1e-12
    assert np.all(large["e0_new"] >= small["e0_new"] - 1e-9)


@settings(max_examples=15, deadline=None)
@given(seed=seeds, volumes=st.lists(volume, min_size=5, max_size=5))
def test_combination_never_beats_removing_the_targeted_causes(
    seed: int, volumes: list[float]
) -> None:
    base = random_baseline(seed)
    model = ScenarioModel(base).fit()
    chosen = dict(zip(MENU, volumes, strict=True))
    a = evaluate(model, chosen)
    items = model.resolve(spec(chosen))
    # remove every death of every cause any intervention acts on, wherever it reaches
    reached = np.any([r.units > 0 for r in items], axis=0)  # (cell, sex, band)
    acts = np.any([np.isin(CAUSES, r.intervention.causes) for r in items], axis=0)
    removed = base.deaths * (reached[..., None] & acts)
    bound = model.life_table((model.group_deaths_ - np.einsum(
        "gn,nsxc->gsxc", model.groups_.groups.astype(float), removed)).sum(-1))  # fmt: skip
    assert np.all(a["e0_new"][..., 0] <= bound.e[..., 0] + 1e-9)
    assert np.all(a["dpp_combined"].sum() <= removed.sum() / base.years + 1e-9)


@settings(max_examples=10, deadline=None)
@given(seed=seeds, volumes=st.lists(st.floats(1.0, 60.0), min_size=2, max_size=2))
def test_decomposition_of_the_gain_sums_to_the_gain(seed: int, volumes: list[float]) -> None:
    model = ScenarioModel(random_baseline(seed)).fit()
    result = run_scenario(model, spec(dict(zip(MENU[:2], volumes, strict=True))))
    parts = result.tables["decomposition"].groupby(["group", "sex"])["value"].sum()
    le = result.tables["life_expectancy"].query("statistic == 'e0_gain'")
    gains = le.set_index(["group", "sex"])["value"]
    for key, total in parts.items():
        assert abs(total - gains[key]) < 1e-9


@settings(max_examples=10, deadline=None)
@given(seed=seeds, units=st.floats(1.0, 60.0))
def test_applying_to_both_groups_changes_the_gap_by_the_difference_of_gains(
    seed: int, units: float
) -> None:
    model = ScenarioModel(random_baseline(seed)).fit()
    a = evaluate(model, {"statins": units, "smoking_cessation": units}, quintiles=(1, 5))
    gain = a["e0_new"] - a["e0_base"]
    assert np.allclose(a["gap_reduction"][0], gain[0] - gain[1], atol=1e-12)
    assert np.all(gain > 0)


@settings(max_examples=10, deadline=None)
@given(seed=seeds, volumes=st.lists(st.floats(0.0, 60.0), min_size=2, max_size=2))
def test_waterfall_ends_at_the_scenario_gap(seed: int, volumes: list[float]) -> None:
    model = ScenarioModel(random_baseline(seed)).fit()
    a = evaluate(model, dict(zip(MENU[1:3], volumes, strict=True)))
    assert np.allclose(a["waterfall"][-1], a["gap_new"], atol=1e-12)
