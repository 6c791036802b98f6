"""Staff health against targets: flu uptake with Wilson limits towards 75% (CQUIN 1c), CQUIN
1a's two-of-three survey rule, the healthy-food checklist (CQUIN 1b) and suppression."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from healthgap.datasets.mecc import generate_mecc_demo
from healthgap.engage.staff_health import (
    against_targets,
    healthy_food_checklist,
    load_staff_health_metrics,
    survey_improvement,
)
from healthgap.errors import InputError
from healthgap.measures.proportions import proportion


@pytest.fixture(scope="module")
def demo():
    return generate_mecc_demo()


def test_flu_uptake_uses_wilson_limits_and_the_75_percent_target(demo) -> None:
    out = against_targets(demo.staff_health, policy=None)
    flu = out[out["metric"] == "flu_vaccination_frontline"].reset_index(drop=True)
    reference = proportion(
        flu,
        keys=["organisation", "period"],
        numerator="numerator",
        denominator="denominator",
        multiplier=100,
    )
    np.testing.assert_allclose(flu["value"], reference["value"])
    np.testing.assert_allclose(flu["lowercl"], reference["lowercl"])
    np.testing.assert_allclose(flu["uppercl"], reference["uppercl"])
    assert (flu["target"] == 75).all()
    assert flu["met"].tolist() == (flu["value"] >= 75).tolist()
    final = flu.groupby("organisation")["value"].last()
    assert final.between(50, 75).all()  # the demo sits between CQUIN's start and its target


def test_sickness_absence_is_a_ratio_without_limits_against_a_level(demo) -> None:
    out = against_targets(demo.staff_health)
    absence = out[out["metric"] == "sickness_absence_rate"]
    assert absence["lowercl"].isna().all()
    np.testing.assert_allclose(
        absence["value"], 100 * absence["numerator"] / absence["denominator"]
    )
    assert (absence["met"] == (absence["value"] <= 3.5)).all()  # low is good
    assert (absence["disclosure_note"] == "").all()  # FTE days are not people


def test_target_change_is_counted_from_each_organisations_first_figure() -> None:
    series = pd.DataFrame(
        {
            "organisation": ["a", "a", "b", "b"],
            "period": ["2022-11", "2024-11"] * 2,
            "metric": "survey_work_stress",
            "numerator": np.nan,
            "denominator": np.nan,
            "value": [40.0, 34.0, 30.0, 27.0],
        }
    )
    out = against_targets(series, policy=None)
    assert out["target"].tolist() == [35.0, 35.0, 25.0, 25.0]
    assert out["met"].tolist() == [False, True, False, False]
    assert out["method"].unique().tolist() == ["as given"]


def test_a_withheld_figure_is_not_told_by_its_verdict_or_target() -> None:
    series = pd.DataFrame(
        {
            "organisation": ["a", "a", "a", "a"],
            "period": ["2022-11", "2024-11", "2022-11", "2024-11"],
            "metric": ["survey_work_stress"] * 2 + ["flu_vaccination_frontline"] * 2,
            "numerator": [4.0, 30.0, 5.0, 60.0],  # 4 and 5 people: withheld
            "denominator": [10.0, 100.0, 9.0, 100.0],
            "value": np.nan,
        }
    )
    out = against_targets(series).set_index(["metric", "period"])
    stress, flu = out.loc["survey_work_stress"], out.loc["flu_vaccination_frontline"]
    # The first survey is withheld: its target (first - 5 points) would give it away, and so
    # would every verdict against that target.
    assert stress["value"].isna().tolist() == [True, False]
    assert stress["target"].isna().all() and stress["met"].isna().all()
    # A fixed target says nothing about a withheld figure, but the verdict would.
    assert flu["target"].tolist() == [75.0, 75.0]
    assert flu["met"].isna().tolist() == [True, False]
    raw = against_targets(series, policy=None)
    assert raw["met"].notna().all()  # without the policy every verdict is there


def test_cquin_1a_needs_two_of_three_questions(demo) -> None:
    out = survey_improvement(demo.staff_health)
    verdict = out.groupby("organisation")[["questions_met", "cquin_1a_met"]].first()
    assert verdict.loc["acute"].tolist() == [3, True]
    assert not verdict.loc["community", "cquin_1a_met"]
    assert not verdict.loc["primary", "cquin_1a_met"]
    strict = survey_improvement(demo.staff_health, required=3)
    assert strict.groupby("organisation")["cquin_1a_met"].first().tolist() == [True, False, False]


def test_healthy_food_checklist_counts_items_met(demo) -> None:
    out = healthy_food_checklist(demo.staff_health)
    checks = demo.staff_health[demo.staff_health["metric"].str.startswith("food_")]
    by_hand = checks.groupby(["organisation", "period"])["value"].sum()
    got = out.groupby(["organisation", "period"])["items_met"].first()
    pd.testing.assert_series_equal(got, by_hand.astype(int), check_names=False)
    assert (out["items"] == 4).all()
    assert (out["all_met"] == (out["items_met"] == 4)).all()
    partial = healthy_food_checklist(checks[checks["metric"] != "food_no_checkout"])
    assert partial.loc[partial["metric"] == "food_no_checkout", "met"].isna().all()


def test_counts_of_people_are_suppressed(demo) -> None:
    out = against_targets(demo.staff_health)
    quits = out[out["metric"] == "staff_quit_smoking"]
    raw = demo.staff_health[demo.staff_health["metric"] == "staff_quit_smoking"]
    small = raw["numerator"].between(1, 7).to_numpy()
    assert small.any()
    assert quits["period"].tolist() == raw["period"].tolist()
    assert np.isnan(quits["value"].to_numpy(dtype=float)[small]).all()
    assert np.isnan(quits["numerator"].to_numpy(dtype=float)[small]).all()
    shown = quits["value"].dropna()
    assert (shown % 5 == 0).all()


def test_metric_definitions_are_checked(tmp_path: Path) -> None:
    defs = load_staff_health_metrics()
    assert defs.kinds()["flu_vaccination_frontline"] == "proportion"
    assert defs.kinds()["food_healthy_24_7"] == "check"
    path = tmp_path / "metrics.yaml"
    path.write_text(
        "metrics:\n  - {code: x, label: X, kind: ratio, polarity: up}\n"
        "checks:\n  - {code: x, label: again}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_staff_health_metrics(path)
    assert len(caught.value.problems) == 3
    assert {p.rule for p in caught.value.problems} == {"bad_metrics"}
