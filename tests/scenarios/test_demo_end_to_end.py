"""A scenario on the SYNTHETIC small demo: most deprived quintile of its local authority,
end to end from Python and from the CLI, with costs and budget rankings."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from healthgap.cli import main
from healthgap.datasets import build_demo_workspace, load_demo
from healthgap.scenarios import (
    Baseline,
    ScenarioModel,
    allocate_budget,
    baseline_from_tables,
    load_scenario,
    monte_carlo,
    probability_better,
    rank_objectives,
    run_scenario,
    scenario_from_dict,
    shrink_to_parent,
    suppression_flags,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
LA = "E07900034"


@pytest.fixture(scope="module")
def demo() -> Baseline:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the demo generator may flag its own small numbers
        tables = load_demo("small")
    return baseline_from_tables(tables["areas"], tables["population"], tables["deaths"])


@pytest.fixture(scope="module")
def spec():  # noqa: ANN201
    return load_scenario(EXAMPLES / "deprived_quintile_demo_la.yaml")


def test_demo_scenario_from_python(demo: Baseline, spec) -> None:  # noqa: ANN001
    model = ScenarioModel.for_scenario(demo, spec)
    assert model.baseline.cell_level == "la" and len(model.baseline.cells) == 5
    result = run_scenario(model, spec, draws=200, seed=4)
    gap = result.tables["gap"].set_index(["sex", "statistic"])["value"]
    assert (gap.xs("gap_reduction", level="statistic") > 0).all()
    interval = result.tables["gap"].query("statistic == 'gap_reduction'")
    assert (interval["lowercl"] <= interval["value"]).all()
    assert (interval["value"] <= interval["uppercl"]).all()
    costs = result.tables["interventions"]
    assert (costs["cost"] > 0).all() and costs["cost_per_lyg"].notna().all()
    assert not result.assumptions.empty
    ranks = rank_objectives(model, spec)
    assert set(ranks.columns) >= {"rank_gap", "rank_lifetime"}
    smoking = ranks.set_index("intervention").loc["smoking_cessation"]
    assert smoking["rank_lifetime"] < smoking["rank_gap"]  # horizon matters (§5.6)
    for objective in ("gap", "lifetime"):
        chosen = allocate_budget(model, spec, 100_000, objective, draws=result.draws)
        assert chosen.table["cost"].sum() == pytest.approx(100_000, rel=1e-6)
        assert chosen.mix_frequency["share_of_draws"].sum() == pytest.approx(1.0)


def test_merging_small_areas_changes_no_result(demo: Baseline, spec) -> None:  # noqa: ANN001
    fine = ScenarioModel(demo).fit(spec.comparison).evaluate(spec).arrays
    coarse = ScenarioModel.for_scenario(demo, spec).evaluate(spec).arrays
    for key in ("e0_new", "gap_new", "dpp_combined", "waterfall"):
        np.testing.assert_allclose(fine[key], coarse[key], rtol=1e-12, atol=1e-12)


def test_common_random_numbers_and_chunking(demo: Baseline, spec) -> None:  # noqa: ANN001
    model = ScenarioModel.for_scenario(demo, spec)
    a = monte_carlo(model, spec, 60, seed=9, chunk_size=60, detail=False)
    b = monte_carlo(model, spec, 60, seed=9, chunk_size=7, detail=False)
    np.testing.assert_allclose(a["gap_new"], b["gap_new"], rtol=1e-12)
    smaller = scenario_from_dict({"horizon": 3, "comparison": spec.comparison,
                                  "interventions": [spec_dict_item(spec, 1, 40)]})  # fmt: skip
    larger = scenario_from_dict({"horizon": 3, "comparison": spec.comparison,
                                 "interventions": [spec_dict_item(spec, 1, 80)]})  # fmt: skip
    small = monte_carlo(model, smaller, 60, seed=9, detail=False)
    large = monte_carlo(model, larger, 60, seed=9, detail=False)
    # same random numbers: more statins beat fewer in every draw
    assert probability_better(large["gap_reduction"], small["gap_reduction"]) == 1.0
    np.testing.assert_allclose(small["gap_base"], large["gap_base"])


def spec_dict_item(spec, index: int, units: float) -> dict:  # noqa: ANN001
    item = spec.interventions[index]
    return {"intervention": item.intervention, "volume": {"units_per_year": units},
            "target": {"level": "la", "areas": [LA], "quintiles": [1]}}  # fmt: skip


def test_shrinkage_pulls_small_areas_towards_their_parent(demo: Baseline) -> None:
    def rates(b: Baseline) -> np.ndarray:
        return b.deaths.sum(axis=(1, 2, 3)) / b.population.sum(axis=(1, 2))

    parent = demo.deaths.sum() / demo.population.sum()
    pooled = shrink_to_parent(demo, "la", within_quintile=False)
    assert np.abs(rates(pooled) - parent).mean() < np.abs(rates(demo) - parent).mean()
    assert pooled.deaths.sum() == pytest.approx(demo.deaths.sum(), rel=0.05)
    by_quintile = shrink_to_parent(demo, "la")  # towards the LA's rate in the same quintile
    q = demo.cells["quintile"].to_numpy()
    for b in (demo, by_quintile):  # the quintile totals (and so the gap) hardly move
        q1 = b.deaths[q == 1].sum() / b.population[q == 1].sum()
        q5 = b.deaths[q == 5].sum() / b.population[q == 5].sum()
        assert q1 / q5 == pytest.approx(
            (demo.deaths[q == 1].sum() / demo.population[q == 1].sum())
            / (demo.deaths[q == 5].sum() / demo.population[q == 5].sum()), rel=0.05
        )  # fmt: skip
    spread = [np.std(rates(b)[q == 1]) for b in (demo, by_quintile)]
    assert spread[1] < spread[0]


def test_suppression_rules() -> None:
    flags = suppression_flags(np.array([4_999.0, 5_000.0, 9_000.0]), np.array([1.0, 1.0, 5.2]))
    assert flags.tolist() == ["person-years below 5,000", "",
                              "confidence interval wider than 20 years"]  # fmt: skip


def test_cli_plan_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_demo_workspace(tmp_path / "ws", "small")
    out = tmp_path / "out"
    try:
        main(["plan", str(EXAMPLES / "deprived_quintile_demo_la.yaml"), "--workspace",
              str(tmp_path / "ws"), "--out", str(out), "--draws", "50", "--budget", "150000",
              "--charts", "json"])  # fmt: skip
    except SystemExit as done:  # some Typer versions exit explicitly with status 0
        assert done.code in (0, None)
    text = capsys.readouterr().out
    assert "gap objective" in text and "lifetime objective" in text and "SYNTHETIC" in text
    for name in (
        "gap.csv",
        "dpp.csv",
        "interventions.csv",
        "budget_gap.csv",
        "plan.xlsx",
        "waterfall.json",
        "frontier.json",
        "deaths_postponed.json",
        "ranking.csv",
    ):
        assert (out / name).exists(), name
    with pd.ExcelFile(out / "plan.xlsx") as book:
        sheets = book.sheet_names
    assert sheets[0] == "metadata" and "parameters" in sheets
    for table in out.glob("*.csv"):  # every output made from the demo says SYNTHETIC
        assert "SYNTHETIC" in table.read_text(encoding="utf-8"), table.name


def test_cli_bad_scenario_prints_problems_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "interventions:\n  - intervention: statins\n    volume: {coverage: {from: 10, to: 150}}\n"
    )
    with pytest.raises(SystemExit) as done:
        main(["plan", str(bad), "--workspace", str(tmp_path / "missing"), "--out",
              str(tmp_path / "o")])  # fmt: skip
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "1 problem(s) found" in err and "coverage" in err and "Traceback" not in err
