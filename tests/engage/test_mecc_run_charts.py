"""Run chart rules (Making Data Count): shifts, trends and runs on hand-made series, the runs
limits against a brute-force count of every ordering, and many series at once."""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.datasets.mecc import generate_mecc_demo
from healthgap.engage.mecc_dashboards import weekly_conversations
from healthgap.engage.mecc_run_charts import MIN_RUNS_POINTS, RULES, run_chart, runs_limits
from healthgap.errors import InputError


def chart(values: list[float], **options: object):
    return run_chart(pd.DataFrame({"period": range(len(values)), "value": values}), **options)


def test_six_points_on_one_side_is_a_shift_five_is_not() -> None:
    # seven 1s and seven 9s: the median is 5, so no point sits on it
    six = chart([1, 1, 1, 9, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9])
    five = chart([1, 1, 1, 9, 1, 1, 1, 9, 1, 9, 9, 9, 9, 9])
    assert six.summary["median"].tolist() == [5.0]
    assert six.points["shift"].tolist() == [False] * 8 + [True] * 6
    assert six.summary["shifts"].tolist() == [1]
    assert not five.points["shift"].any()
    assert five.summary["runs"].tolist() == [6]


def test_points_on_the_median_neither_add_to_nor_break_a_shift() -> None:
    values = [20, 20, 20, 20, 20, 10, 30, 30, 30, 10, 30, 30, 20]  # median 20
    out = chart(values)
    sides = out.points["side"].tolist()
    assert sides.count("on") == 6
    # above: 30, 30, 30 | below 10 | 30, 30: no run of six -> no shift
    assert not out.points["shift"].any()
    bridged = chart([5, 5, 5, 9, 9, 9, 7, 9, 9, 9, 7, 7, 7])  # median 7
    flagged = bridged.points.loc[bridged.points["shift"], "period"].tolist()
    assert flagged == [3, 4, 5, 7, 8, 9]  # six above the median across one point on it


def test_five_rising_points_are_a_trend_and_ties_are_skipped() -> None:
    out = chart([10, 11, 12, 12, 13, 14, 9, 8])
    assert out.points["trend"].tolist() == [True] * 6 + [False] * 2
    four = chart([10, 11, 12, 13, 9, 10, 9, 10])
    assert not four.points["trend"].any()
    falling = chart([9, 10, 8, 7, 6, 5, 4, 9])
    assert falling.points["trend"].tolist() == [False, True, True, True, True, True, True, False]
    assert falling.summary["trends"].tolist() == [1]


def _brute_force_runs(above: int, below: int) -> dict[int, float]:
    counts: dict[int, int] = {}
    for positions in itertools.combinations(range(above + below), above):
        sides = np.zeros(above + below, dtype=int)
        sides[list(positions)] = 1
        runs = 1 + int((sides[1:] != sides[:-1]).sum())
        counts[runs] = counts.get(runs, 0) + 1
    total = comb(above + below, above)
    return {r: c / total for r, c in counts.items()}


@pytest.mark.parametrize(("above", "below"), [(5, 5), (6, 4), (7, 7), (8, 6), (3, 9)])
def test_runs_limits_agree_with_every_ordering_counted(above: int, below: int) -> None:
    probabilities = _brute_force_runs(above, below)
    lower, upper = runs_limits(above, below)
    p_fewer = sum(p for r, p in probabilities.items() if r < lower)
    p_at_most_lower = sum(p for r, p in probabilities.items() if r <= lower)
    p_more = sum(p for r, p in probabilities.items() if r > upper)
    p_at_least_upper = sum(p for r, p in probabilities.items() if r >= upper)
    assert p_fewer <= 0.025 < p_at_most_lower
    assert p_more <= 0.025 < p_at_least_upper


def test_runs_limits_for_common_lengths() -> None:
    # 16 points split evenly: 5 to 13 runs expected (Perla et al. 2011 table gives the same)
    assert runs_limits(8, 8) == (5, 13)
    assert runs_limits(10, 0) == (1, 1)


def test_too_few_runs_is_flagged_and_needs_ten_points() -> None:
    slow = chart([1, 2, 1, 2, 1, 2, 9, 8, 9, 8, 9, 8])  # two runs only
    assert slow.summary["runs_signal"].tolist() == ["too few"]
    zigzag = chart([1, 9, 1, 9, 1, 9, 1, 9, 1, 9, 1, 9, 1, 9])
    assert zigzag.summary["runs_signal"].tolist() == ["too many"]
    short = chart([1, 2, 1, 2, 9, 8, 9, 8])
    assert short.summary["useful_points"].iloc[0] < MIN_RUNS_POINTS
    assert short.summary["runs_signal"].tolist() == [""]
    assert np.isnan(short.summary["runs_lower"].iloc[0])


def test_baseline_median_is_frozen_on_the_first_points() -> None:
    out = chart([10, 12, 11, 10, 12, 11, 20, 21, 22, 20, 21, 22], baseline_points=6)
    assert out.summary["median"].tolist() == [11.0]
    assert out.points["baseline"].tolist() == [True] * 6 + [False] * 6
    assert out.points["shift"].tolist()[6:] == [True] * 6


def test_missing_values_are_left_out() -> None:
    out = chart([1.0, np.nan, 2.0, 3.0, 4.0, 5.0])
    assert out.points["side"].tolist()[1] == ""
    assert out.summary["points"].iloc[0] == 6
    assert out.points["trend"].tolist() == [True] * 6  # the gap does not break the rise


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), min_size=1, max_size=25), min_size=1, max_size=4))
def test_many_series_at_once_equal_each_series_alone(series: list[list[int]]) -> None:
    frames = [
        pd.DataFrame({"group": f"g{i}", "period": range(len(v)), "value": v})
        for i, v in enumerate(series)
    ]
    together = run_chart(pd.concat(frames, ignore_index=True), by=["group"])
    for i, frame in enumerate(frames):
        alone = run_chart(frame)
        mine = together.points[together.points["group"] == f"g{i}"].reset_index(drop=True)
        columns = ["median", "side", "shift", "trend"]
        pd.testing.assert_frame_equal(mine[columns], alone.points[columns])
        summary = together.summary[together.summary["group"] == f"g{i}"].drop(columns="group")
        pd.testing.assert_frame_equal(summary.reset_index(drop=True), alone.summary)


def test_the_demo_relaunch_shows_as_a_shift() -> None:
    demo = generate_mecc_demo()
    weekly = weekly_conversations(
        demo.logs, by=["organisation"], start=demo.start, end=demo.end, policy=None
    )
    out = run_chart(weekly, value="conversations", period="week_start", by=["organisation"])
    community = out.points[out.points["organisation"] == "community"]
    after = community["week_start"] >= pd.Timestamp("2024-09-30")
    assert community.loc[after, "side"].eq("above").all()
    assert community.loc[after, "shift"].all()
    assert out.summary.set_index("organisation").loc["community", "runs_signal"] == "too few"


def test_rules_are_stated_and_bad_input_refused() -> None:
    assert set(RULES) == {"shift", "trend", "runs"}
    with pytest.raises(InputError, match="missing_column"):
        run_chart(pd.DataFrame({"x": [1]}))
