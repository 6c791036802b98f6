"""Scenario and library validation: every problem named, located and reported at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from plan_example import SMOKING, STATINS, worked_example_baseline

from healthgap.errors import InputError
from healthgap.scenarios import (
    ScenarioModel,
    load_intervention,
    load_library,
    load_scenario,
    scenario_from_dict,
)
from healthgap.scenarios.parameters import Distribution

BAD_SCENARIO = """
name: bad
horizon: 3
interventions:
  - intervention: smoking_cessation
    volume: {units_per_year: 100}
    target: {level: lsoa, areas: [X, NOWHERE], ages: [35, 72]}
  - intervention: statins
    volume: {coverage: {from: 20, to: 120}}
  - intervention: statins
    volume: {units_per_year: 1000000}
    target: {ages: [40, 70]}
  - intervention: no_such_thing
    volume: {units_per_year: 1}
  - intervention: statins
    volume: {units_per_year: 10}
    overrides: {adherance: 0.5}
"""


def _problems(error: InputError) -> dict[tuple[str | None, str], str]:
    return {(p.column, p.rule): p.file for p in error.problems}


def test_bad_scenario_file_reports_every_problem_with_its_yaml_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_SCENARIO)
    with pytest.raises(InputError) as structural:
        load_scenario(path)
    found = _problems(structural.value)
    assert found == {("interventions[1].volume.coverage.to", "coverage_out_of_range"): str(path)}
    path.write_text(BAD_SCENARIO.replace("to: 120", "to: 30"))
    spec = load_scenario(path)
    with pytest.raises(InputError) as semantic:
        ScenarioModel(worked_example_baseline()).resolve(spec)
    found = _problems(semantic.value)
    assert set(found) == {
        ("interventions[0].target.areas", "unknown_area"),
        ("interventions[0].target.ages", "ages_outside_bands"),
        ("interventions[2].volume", "units_above_pool"),
        ("interventions[3].intervention", "unknown_intervention"),
        ("interventions[4].overrides.adherance", "unknown_parameter"),
    }
    assert set(found.values()) == {str(path)}
    message = next(p.message for p in semantic.value.problems if p.rule == "unknown_area")
    assert "NOWHERE" in message and "X" not in message.split("area")[1].split()[0]


def test_structural_problems_in_a_dict() -> None:
    with pytest.raises(InputError) as err:
        scenario_from_dict({"horizon": 0, "interventions": [
            {"intervention": "statins", "volume": {"units_per_year": -1, "units_total": 3}},
            {"intervention": "statins", "volume": {"units_per_year": 1},
             "target": {"sexes": ["other"], "quintiles": [6], "gradient": [1, 2]}},
        ]})  # fmt: skip
    rules = {p.rule for p in err.value.problems}
    assert {"bad_horizon", "bad_volume", "unknown_sex", "bad_quintile", "bad_gradient",
            "starts_after_horizon"} <= rules  # fmt: skip


def test_ages_outside_the_intervention() -> None:
    spec = scenario_from_dict({"horizon": 3, "comparison": {"type": "quintiles"}, "interventions": [
        {**STATINS, "target": {"ages": [0, 20]}}]})  # fmt: skip
    with pytest.raises(InputError) as err:
        ScenarioModel(worked_example_baseline()).resolve(spec)
    assert {p.rule for p in err.value.problems} == {"ages_outside_intervention", "units_above_pool"}


def test_toml_scenario_is_read_like_yaml(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('horizon = 2\n[[interventions]]\nintervention = "statins"\n'
                    'volume = { units_per_year = 5 }\n')  # fmt: skip
    assert load_scenario(path).interventions[0].volume == {"units_per_year": 5.0}


def test_library_ships_the_required_interventions_with_tagged_parameters() -> None:
    library = load_library()
    assert {"smoking_cessation", "blood_pressure", "statins", "infant_mortality_package",
            "alcohol_brief_advice", "nhs_health_check", "bowel_screening",
            "breast_screening", "flu_vaccination"} <= set(library)  # fmt: skip
    assert library["flu_vaccination"].default_enabled is False
    for item in library.values():
        assert item.unit and item.unit_cost.value > 0
        assert all(p.evidence in ("R", "V", "A") for p in item.parameters.values())


def test_user_intervention_file_is_loaded_and_validated(tmp_path: Path) -> None:
    good = tmp_path / "walking.yaml"
    good.write_text(
        "id: walking\nversion: 1\nname: Walking groups\nkind: hazard_reduction\n"
        "unit: a person joining\nunit_cost: {value: 30, evidence: A}\nages: [40, 80]\n"
        "causes: [circulatory]\neligible: {by_age: {40: 0.5}}\n"
        "components: [{rr: rr_active, dose: 1.0, adherence: 0.5}]\n"
        "parameters:\n  rr_active: {value: 0.9, evidence: A, distribution: 'uniform(0.85, 0.95)'}\n"
        "  k_risk: {value: 1.0, evidence: A}\n"
    )
    library = load_library(extra=[good])
    assert library["walking"].parameters["rr_active"].is_assumption
    spec = scenario_from_dict({"horizon": 2, "comparison": {"type": "quintiles"}, "interventions": [
        {"intervention": "walking", "volume": {"units_per_year": 100},
         "target": {"quintiles": [1]}}]})  # fmt: skip
    model = ScenarioModel(worked_example_baseline(), library=library).fit()
    assert float(model.evaluate(spec).arrays["gap_reduction"].sum()) > 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\nversion: 1\nname: x\nkind: magic\nunit: u\n"
        "unit_cost: {value: 1, evidence: Z}\nages: [90, 10]\neligible: {}\n"
    )
    with pytest.raises(InputError) as err:
        load_intervention(bad)
    assert {p.rule for p in err.value.problems} == {"unknown_kind", "bad_ages", "bad_evidence_tag"}


def test_overrides_mark_parameters_as_local_assumptions() -> None:
    model = ScenarioModel(worked_example_baseline()).fit()
    spec = scenario_from_dict({"horizon": 3, "interventions": [SMOKING]})
    item = model.resolve(spec)[0]
    assert item.parameters["p52"].overridden and item.parameters["p52"].evidence == "A"
    assert not item.parameters["rr_excess_multiplier"].overridden


@pytest.mark.parametrize("spec", ["beta(0, 1)", "uniform(2, 1)", "gamma(1, 2)", {"type": "beta"}])
def test_bad_distributions_are_input_errors(spec: object) -> None:
    with pytest.raises(InputError):
        Distribution.parse(spec)


def test_exposure_layers_can_be_supplied_as_tables(tmp_path: Path) -> None:
    model = ScenarioModel(worked_example_baseline()).fit()
    ages = {35: 0.30, 40: 0.30, 45: 0.30, 50: 0.30, 55: 0.25, 60: 0.25, 65: 0.18, 70: 0.18}
    rows = "\n".join(f"male,{a},{v}" for a, v in ages.items())
    (tmp_path / "smokers.csv").write_text("sex,age_start,value\n" + rows + "\n")
    path = tmp_path / "s.yaml"
    item = {**SMOKING, "exposure": {"table": "smokers.csv", "quintile_ratio": [1] * 5}}
    path.write_text(yaml.safe_dump({"horizon": 3, "comparison": {"type": "quintiles"},
                                    "interventions": [item]}))  # fmt: skip
    from_table = model.evaluate(load_scenario(path)).arrays
    reference = model.evaluate(scenario_from_dict({"horizon": 3, "interventions": [SMOKING]}))
    np.testing.assert_allclose(from_table["e0_new"], reference.arrays["e0_new"], rtol=1e-13)
    (tmp_path / "smokers.csv").write_text("sex,age_start,value\nmale,37,0.2\nmale,40,1.5\n")
    with pytest.raises(InputError) as err:
        model.resolve(load_scenario(path))
    assert [(p.row, p.rule) for p in err.value.problems] == [
        (2, "bad_exposure_row"), (3, "bad_exposure_row")
    ]  # fmt: skip


@pytest.mark.parametrize("value", ["inf", float("inf"), "-inf", float("nan"), "1e999"])
def test_volumes_and_rates_must_be_finite(value: object) -> None:
    """Infinity or NaN in a scenario is refused when it is read (issue 10, item 12), so it
    can never be saved and then fail every view."""
    raw = {
        "interventions": [{"intervention": "statins", "volume": {"units_per_year": value}}],
        "discount_rate": value,
    }
    with pytest.raises(InputError) as caught:
        scenario_from_dict(raw, "s.yaml")
    rules = {(p.column, p.rule) for p in caught.value.problems}
    assert ("interventions[0].volume.units_per_year", "not_finite") in rules
    assert ("discount_rate", "not_finite") in rules
    assert all("finite" in p.message for p in caught.value.problems)
