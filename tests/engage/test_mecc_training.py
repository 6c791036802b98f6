"""Training reach by route and the paired change in confidence, knowledge and competence."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from healthgap.datasets.mecc import generate_mecc_demo
from healthgap.engage.training import capability_change, check_training, training_reach
from healthgap.errors import InputError


@pytest.fixture(scope="module")
def demo():
    return generate_mecc_demo()


def test_paired_change_matches_scipy(demo) -> None:
    out = capability_change(demo.scores, by=["route"], policy=None)
    wide = demo.scores.pivot_table(
        index=["staff_id", "route", "measure"], columns="wave", values="score"
    ).reset_index()
    for row in out.itertuples():
        pairs = wide[(wide["route"] == row.route) & (wide["measure"] == row.measure)]
        pairs = pairs[[row.from_wave, row.to_wave]].dropna()
        result = stats.ttest_rel(pairs[row.to_wave], pairs[row.from_wave])
        low, high = result.confidence_interval(0.95)
        assert row.n_pairs == len(pairs)
        assert row.value == pytest.approx((pairs[row.to_wave] - pairs[row.from_wave]).mean())
        assert (row.lowercl, row.uppercl) == pytest.approx((low, high))
    assert set(zip(out["from_wave"], out["to_wave"], strict=True)) == {
        ("before", "after"),
        ("before", "follow_up"),
    }


def test_face_to_face_raises_confidence_more_than_e_learning_in_the_demo(demo) -> None:
    out = capability_change(demo.scores, policy=None)
    after = out[(out["measure"] == "confidence") & (out["to_wave"] == "after")]
    change = after.set_index("route")["value"]
    assert change["face_to_face"] > change["e_learning"] > 0


def test_means_on_few_people_are_withheld() -> None:
    scores = pd.DataFrame(
        {
            "staff_id": ["a", "a", "b", "b"],
            "route": "cascade",
            "measure": "knowledge",
            "wave": ["before", "after"] * 2,
            "score": [3.0, 5.0, 4.0, 7.0],
        }
    )
    out = capability_change(scores, comparisons=[("before", "after")])
    assert out[["value", "mean_from", "mean_to", "lowercl", "n_pairs"]].isna().all(axis=None)
    assert "rate not shown" in out["disclosure_note"].iloc[0]


def test_training_reach_by_route_matches_counts(demo) -> None:
    out = training_reach(demo.training, demo.directory, policy=None)
    home = dict(
        zip(demo.directory.staff["staff_id"], demo.directory.staff["organisation"], strict=True)
    )
    by_route = Counter(
        (home[s], r) for s, r in zip(demo.training["staff_id"], demo.training["route"], strict=True)
    )
    anyone = Counter(home[s] for s in set(demo.training["staff_id"]))
    in_post = Counter(home.values())
    for row in out.itertuples():
        expected = (
            anyone[row.organisation]
            if row.route == "any"
            else by_route[(row.organisation, row.route)]
        )
        assert row.staff_trained == expected
        assert row.staff_in_post == in_post[row.organisation]
        assert row.value == pytest.approx(100 * expected / in_post[row.organisation])
    before_year = training_reach(demo.training, demo.directory, end=demo.start, policy=None)
    assert (before_year["staff_trained"].to_numpy() <= out["staff_trained"].to_numpy()).all()


def test_bad_training_tables_name_every_problem(demo) -> None:
    records = pd.DataFrame(
        {
            "staff_id": ["acute-0001", "acute-0001", "ghost"],
            "route": ["e_learning", "e_learning", "webinar"],
            "completed_on": ["2024-05-01", "2024-05-02", "2030-01-01"],
        }
    )
    scores = pd.DataFrame(
        {
            "staff_id": ["acute-0001", "acute-0001"],
            "route": ["e_learning", "e_learning"],
            "measure": ["confidence", "empathy"],
            "wave": ["before", "later"],
            "score": [11, "n/a"],
        }
    )
    with pytest.raises(InputError) as caught:
        check_training(records, scores, directory=demo.directory, today=date(2025, 1, 1))
    found = {(p.file, p.row, p.column, p.rule) for p in caught.value.problems}
    assert found == {
        ("training records", 4, "route", "unknown_route"),
        ("training records", 4, "staff_id", "unknown_staff"),
        ("training records", 4, "completed_on", "future_date"),
        ("training records", 3, "route", "duplicate_key"),
        ("training scores", 2, "score", "score_out_of_range"),
        ("training scores", 3, "measure", "unknown_measure"),
        ("training scores", 3, "wave", "unknown_wave"),
        ("training scores", 3, "score", "non_numeric"),
    }
    with pytest.raises(InputError, match="missing_column"):
        check_training(records.drop(columns="route"))


def test_good_training_tables_come_back_typed(demo) -> None:
    records, scores = check_training(
        demo.training.assign(completed_on=demo.training["completed_on"].dt.strftime("%Y-%m-%d")),
        demo.scores,
        directory=demo.directory,
        today=demo.end,
    )
    assert np.issubdtype(records["completed_on"].dtype, np.datetime64)
    assert scores["score"].dtype == float
