"""A budget must be a finite amount of pounds above 0 (issue 10, item 12: ``inf`` gave a
traceback from the linear programme)."""

from __future__ import annotations

import pytest
from plan_example import STATINS, worked_example_baseline

from healthgap.errors import InputError
from healthgap.scenarios import ScenarioModel, scenario_from_dict
from healthgap.scenarios.budget import MAX_BUDGET, allocate_budget


@pytest.mark.parametrize("budget", [float("inf"), float("nan"), 0.0, -5.0, MAX_BUDGET * 10])
def test_budget_outside_the_sensible_range_is_a_plain_input_error(budget: float) -> None:
    spec = scenario_from_dict({"interventions": [STATINS]})
    model = ScenarioModel(worked_example_baseline()).fit()
    with pytest.raises(InputError) as caught:
        allocate_budget(model, spec, budget)
    (problem,) = caught.value.problems
    assert problem.rule == "bad_budget"
    assert "give a budget above £0" in problem.message


def test_a_sensible_budget_is_allocated() -> None:
    spec = scenario_from_dict({"interventions": [STATINS]})
    model = ScenarioModel(worked_example_baseline()).fit()
    result = allocate_budget(model, spec, 5_000.0)
    assert result.full_model["cost"] <= 5_000.0 + 1e-6
