"""ScenarioModel as an estimator: fit once, fitted attributes end in "_", a clear error when
unfitted, and a scenario whose comparison differs from the fitted one is refused."""

from __future__ import annotations

import pytest
from plan_example import STATINS, worked_example_baseline

from healthgap.decomposition import Comparison
from healthgap.errors import InputError, NotFittedError
from healthgap.scenarios import ScenarioModel, scenario_from_dict


def _spec(comparison: dict | None = None):  # noqa: ANN202
    return scenario_from_dict(
        {"horizon": 3, "comparison": comparison or {}, "interventions": [STATINS]}
    )


def test_fit_returns_the_fitted_model() -> None:
    model = ScenarioModel(worked_example_baseline())
    assert not model.is_fitted
    fitted = model.fit({"type": "quintiles"})
    assert fitted is model and model.is_fitted
    assert model.comparison_ == Comparison.within()
    assert model.groups_.labels == ("all Q1", "all Q5")
    assert model.group_deaths_.shape[0] == 2 and model.base_life_table_.e.shape[0] == 2
    assert "fitted for" in repr(model)


def test_an_unfitted_model_says_how_to_fit_it() -> None:
    model = ScenarioModel(worked_example_baseline())
    with pytest.raises(NotFittedError, match=r"\.fit\(comparison\)"):
        model.evaluate(_spec())
    with pytest.raises(NotFittedError):
        _ = model.base_life_table_
    with pytest.raises(AttributeError):  # a NotFittedError is also an AttributeError
        _ = model.groups_
    assert model.resolve(_spec())  # resolving needs only the baseline and the library


def test_a_scenario_with_another_comparison_is_refused() -> None:
    model = ScenarioModel(worked_example_baseline()).fit(Comparison.within())
    model.evaluate(_spec({"type": "quintiles"}))  # the same comparison, spelled otherwise
    with pytest.raises(InputError) as error:
        model.evaluate(_spec({"type": "quintiles", "base": 2}))
    assert error.value.problems[0].rule == "comparison_mismatch"


def test_periods_are_not_compared_by_the_scenario_model() -> None:
    with pytest.raises(InputError) as error:
        ScenarioModel(worked_example_baseline()).fit(Comparison.over_time("X", "2012-14"))
    assert error.value.problems[0].rule == "unsupported_comparison"
