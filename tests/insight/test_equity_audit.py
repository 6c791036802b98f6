"""The equity audit: hand-checked ratios and missing activity, every bad input named, CIs that
cover the truth at about the nominal rate, and the demo's built-in under-use found exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from healthgap.datasets.insight_demo import generate_insight_demo
from healthgap.datasets.service_use import EXPECTED_UNDER_USE
from healthgap.errors import InputError
from healthgap.insight import equity_audit, funnel_limits, funnel_points
from healthgap.measures import crude_rate

A1, A2 = "E01000001", "E01000002"


def _two_groups():
    need = pd.DataFrame(
        {
            "area_code": [A1, A1, A2, A2],
            "sex": ["female", "male"] * 2,
            "need": [1000.0, 1000.0, 800.0, 900.0],
        }
    )
    activity = need.drop(columns="need").assign(activity=[500, 300, 420, 260])
    return activity, need


def test_ratio_uptake_and_missing_match_hand_calculations() -> None:
    activity, need = _two_groups()
    audit = equity_audit(activity, need, reference={"sex": "female"}, multiplier=100)
    ratios = audit.ratios.set_index("category")
    # female 920 / 1800, male 560 / 1900
    assert ratios.loc["male", "value"] == pytest.approx((560 / 1900) / (920 / 1800))
    # exact conditional limits: 560 of 1480 events, Clopper-Pearson, odds scaled by need
    ci = stats.binomtest(560, 1480).proportion_ci(0.95, method="exact")
    scale = 1800 / 1900
    assert ratios.loc["male", "lower95_0cl"] == pytest.approx(ci.low / (1 - ci.low) * scale)
    assert ratios.loc["male", "upper95_0cl"] == pytest.approx(ci.high / (1 - ci.high) * scale)
    assert ratios.loc["male", "compared_95_0"] == "lower"
    assert ratios.loc["female", "compared_95_0"] == "reference"
    assert bool(ratios.loc["male", "under_use"])
    uptake = audit.uptake.set_index("category")
    direct = crude_rate(
        pd.DataFrame({"sex": ["male"], "a": [560], "n": [1900.0]}),
        keys=["sex"],
        count="a",
        population="n",
        multiplier=100,
    )
    assert uptake.loc["male", "value"] == pytest.approx(direct["value"].item())
    assert uptake.loc["male", "lower95_0cl"] == pytest.approx(direct["lowercl"].item())
    assert uptake.loc["male", "share_of_need"] == pytest.approx(1900 / 3700)
    missing = audit.missing.set_index("category")
    # expected at the reference's uptake: 1900 * 920/1800 = 971.1; seen 560
    assert missing.loc["male", "value"] == pytest.approx(1900 * 920 / 1800 - 560)
    assert audit.summary.set_index("grouping").loc["sex", "missing_total"] == pytest.approx(
        1900 * 920 / 1800 - 560
    )


def test_default_reference_is_the_rest_and_the_least_deprived() -> None:
    activity, need = _two_groups()
    deciles = pd.Series({A1: 1, A2: 10})
    audit = equity_audit(activity, need, deprivation_decile=deciles, sii_repetitions=1000)
    ratios = audit.ratios.set_index(["grouping", "category"])
    assert ratios.loc[("sex", "male"), "reference"] == "rest"
    assert ratios.loc[("sex", "male"), "value"] == pytest.approx((560 / 1900) / (920 / 1800))
    assert ratios.loc[("deprivation_decile", "1"), "reference"] == "10"
    assert ratios.loc[("deprivation_quintile", "1"), "reference"] == "5"
    # two deciles are too few for a slope index
    assert audit.sii["value"].isna().all()


def test_need_from_population_and_prevalence_and_zero_activity_cells() -> None:
    need = pd.DataFrame(
        {
            "area_code": [A1, A1],
            "age_band": ["18-29", "30-39"],
            "population": [1000, 2000],
            "prevalence": [0.2, 0.1],
        }
    )
    activity = pd.DataFrame({"area_code": [A1], "age_band": ["18-29"], "activity": [30]})
    audit = equity_audit(activity, need, benchmark=0.1)
    uptake = audit.uptake.set_index("category")
    assert uptake.loc["30-39", "activity"] == 0.0
    assert uptake.loc["30-39", "need"] == pytest.approx(200.0)
    missing = audit.missing.set_index("category")
    assert missing.loc["30-39", "value"] == pytest.approx(20.0)  # 200 x 0.1 target - 0 seen
    assert "target uptake of 10 per 100" in audit.benchmark


def test_ethnic_groups_are_read_at_both_levels_and_unknown_ones_refused() -> None:
    need = pd.DataFrame(
        {
            "area_code": A1,
            "ethnic_group": ["White: Irish", "N", "Indian"],
            "need": [100.0, 100.0, 100.0],
        }
    )
    activity = need.drop(columns="need").assign(activity=[50, 20, 45])
    audit = equity_audit(activity, need)
    found = set(zip(audit.uptake["grouping"], audit.uptake["category"], strict=True))
    assert ("ethnic_group", "Irish") in found and ("ethnic_group", "African") in found
    assert (
        "ethnic_group_high_level",
        "Black, Black British, Black Welsh, Caribbean or African",
    ) in found
    bad = activity.assign(ethnic_group=["Irish", "Martian", "Indian"])
    with pytest.raises(InputError) as err:
        equity_audit(bad, need, activity_source="activity.csv")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "activity.csv",
        3,
        "ethnic_group",
        "unknown_ethnic_group",
    )


def test_activity_groups_that_do_not_match_the_need_file_are_problems() -> None:
    activity, need = _two_groups()
    odd = activity.assign(sex=["female", "other", "female", "male"])
    with pytest.raises(InputError) as err:
        equity_audit(odd, need, activity_source="activity.csv", need_source="need.csv")
    found = {(p.file, p.row, p.column, p.rule) for p in err.value.problems}
    assert found == {("activity.csv", 3, "sex", "group_not_in_need")}
    extra_area = pd.concat(
        [activity, pd.DataFrame({"area_code": ["E01000009"], "sex": ["male"], "activity": [3]})],
        ignore_index=True,
    )
    with pytest.raises(InputError) as err:
        equity_audit(extra_area, need)
    assert [(p.row, p.rule) for p in err.value.problems] == [(6, "area_not_in_need")]
    split = activity.assign(age_band="18-29")
    with pytest.raises(InputError) as err:
        equity_audit(split, need, need_source="need.csv")
    assert [(p.file, p.column, p.rule) for p in err.value.problems] == [
        ("need.csv", "age_band", "missing_column")
    ]
    negative = activity.assign(activity=[5, -1, 3, 2])
    with pytest.raises(InputError) as err:
        equity_audit(negative, need)
    assert [(p.row, p.rule) for p in err.value.problems] == [(3, "negative_count")]
    with pytest.raises(InputError) as err:
        equity_audit(activity, need, groupings=["ethnicity"])
    assert err.value.problems[0].rule == "unknown_grouping"


def test_a_cell_missing_from_the_need_file_is_a_problem() -> None:
    need = pd.DataFrame({"area_code": [A1, A2], "sex": ["female", "male"], "need": [10.0, 10.0]})
    activity = pd.DataFrame({"area_code": [A1, A1], "sex": ["female", "male"], "activity": [1, 2]})
    with pytest.raises(InputError) as err:
        equity_audit(activity, need)
    assert [(p.row, p.rule) for p in err.value.problems] == [(3, "cell_not_in_need")]


def test_funnel_limits_are_exact_poisson_limits_at_the_expected_count() -> None:
    limits = funnel_limits(np.array([20.0, 500.0]), points=2)
    first = limits.iloc[0]
    assert first["lower95_0"] == pytest.approx(stats.chi2.ppf(0.025, 40) / 2 / 20)
    assert first["upper99_8"] == pytest.approx(stats.chi2.ppf(0.999, 42) / 2 / 20)
    assert limits["upper95_0"].is_monotonic_decreasing  # the funnel narrows
    points = funnel_points(pd.DataFrame({"observed": [0, 10], "expected": [0.0, 10.0]}))
    assert points["outcome"].tolist() == ["no expected events", "within limits"]


def test_confidence_intervals_cover_the_true_values_at_about_the_nominal_rate() -> None:
    """Simulation: 1,000 groups with known uptake (0.30 or 0.21) and need from 30 to 3,000,
    Poisson activity, drawn three times; each group's uptake and its ratio to the rest of
    the groups (whose true uptake is known exactly) should be covered about 95% (99.8%) of
    the time. The exact methods are a little conservative at small counts."""
    rng = np.random.default_rng(20240611)
    G = 1000
    need = pd.DataFrame(
        {
            "area_code": A1,
            "group": [f"g{i:04d}" for i in range(G)],
            "need": np.round(np.geomspace(30, 3000, G)),
        }
    )
    truth = np.where(np.arange(G) % 2 == 0, 0.30, 0.21)
    N = need["need"].to_numpy()
    rest = ((N * truth).sum() - N * truth) / (N.sum() - N)
    hits: dict[str, list[np.ndarray]] = {"ratio95": [], "ratio998": [], "uptake95": []}
    for _ in range(3):
        activity = need.drop(columns="need").assign(activity=rng.poisson(N * truth))
        audit = equity_audit(activity, need, multiplier=1)
        ratios = audit.ratios.set_index("category").loc[need["group"]]
        true_ratio = truth / rest
        hits["ratio95"].append(
            (
                (ratios["lower95_0cl"] <= true_ratio) & (true_ratio <= ratios["upper95_0cl"])
            ).to_numpy()
        )
        hits["ratio998"].append(
            (
                (ratios["lower99_8cl"] <= true_ratio) & (true_ratio <= ratios["upper99_8cl"])
            ).to_numpy()
        )
        uptake = audit.uptake.set_index("category").loc[need["group"]]
        hits["uptake95"].append(
            ((uptake["lower95_0cl"] <= truth) & (truth <= uptake["upper95_0cl"])).to_numpy()
        )
    rate = {k: float(np.mean(np.concatenate(v))) for k, v in hits.items()}
    assert 0.935 <= rate["ratio95"] <= 0.975, rate
    assert 0.935 <= rate["uptake95"] <= 0.975, rate
    assert 0.994 <= rate["ratio998"] <= 1.0, rate


@pytest.mark.parametrize("service", sorted(EXPECTED_UNDER_USE))
def test_the_demo_audit_finds_exactly_the_built_in_under_use(service: str) -> None:
    tables = _demo()
    deciles = tables["area_deprivation"].set_index("area_code")["deprivation_decile"]
    need = tables["service_need"].query("service == @service").drop(columns="service")
    activity = tables["service_activity"].query("service == @service").drop(columns="service")
    audit = equity_audit(activity, need, deprivation_decile=deciles, sii_repetitions=2000)
    findings = audit.findings()
    found = {
        g: set(findings.loc[findings["grouping"] == g, "category"])
        for g in findings["grouping"].unique()
    }
    assert found == EXPECTED_UNDER_USE[service]
    assert (findings["missing"] > 0).all()
    assert set(audit.summary["grouping"]) >= {
        "age_band",
        "sex",
        "ethnic_group",
        "ethnic_group_high_level",
        "deprivation_decile",
        "deprivation_quintile",
    }
    sii = audit.sii.set_index("measure")
    if service == "bowel_screening":  # built-in deprivation gap: uptake rises with decile
        assert sii.loc["sii", "lower95_0cl"] > 0


_CACHE: dict[str, dict[str, pd.DataFrame]] = {}


def _demo() -> dict[str, pd.DataFrame]:
    if "small" not in _CACHE:
        _CACHE["small"] = generate_insight_demo("small")
    return _CACHE["small"]
