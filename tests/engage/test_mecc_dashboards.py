"""MECC dashboards on the SYNTHETIC demo match counts made by hand (plain Python over the log
records), and every dashboard applies small-number suppression."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from healthgap.datasets.mecc import MeccDemo, generate_mecc_demo
from healthgap.disclosure import DisclosurePolicy
from healthgap.engage.mecc_attribution import attribute_referrals
from healthgap.engage.mecc_dashboards import (
    conversation_breakdown,
    conversations_per_staff,
    referrals_by_destination,
    staff_recording,
    weekly_conversations,
)
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.training import capability_change, training_reach
from healthgap.errors import InputError


@pytest.fixture(scope="module")
def demo() -> MeccDemo:
    return generate_mecc_demo()


@pytest.fixture(scope="module")
def records(demo: MeccDemo) -> list[dict]:
    rows = demo.logs.to_dict("records")
    for row in rows:
        row["day"] = row["contact_date"].date()
    return rows


def _controlled(raw: float) -> float:
    """The default policy by hand: 1-7 suppressed, others rounded half up to 5."""
    if 1 <= raw <= 7:
        return float("nan")
    return float(int(raw / 5 + 0.5) * 5)


def test_weekly_conversations_by_organisation(demo: MeccDemo, records: list[dict]) -> None:
    by_hand = Counter(
        (r["organisation"], r["day"] - timedelta(days=r["day"].weekday())) for r in records
    )
    out = weekly_conversations(
        demo.logs, by=["organisation"], start=demo.start, end=demo.end, policy=None
    )
    got = {
        (row.organisation, row.week_start.date()): row.conversations
        for row in out.itertuples()
        if row.conversations
    }
    assert got == dict(by_hand)
    assert len(out) == 5 * 52  # every organisation has every week, quiet ones with 0
    controlled = weekly_conversations(
        demo.logs, by=["organisation"], start=demo.start, end=demo.end
    )
    expected = [_controlled(v) for v in out["conversations"]]
    np.testing.assert_array_equal(controlled["conversations"].to_numpy(dtype=float), expected)


def test_conversations_per_trained_member_of_staff(demo: MeccDemo, records: list[dict]) -> None:
    trained = {
        s
        for s, done in zip(demo.training["staff_id"], demo.training["completed_on"], strict=True)
        if done.date() <= demo.end
    }
    home = dict(
        zip(demo.directory.staff["staff_id"], demo.directory.staff["organisation"], strict=True)
    )
    conversations = Counter(home[r["staff_id"]] for r in records if r["staff_id"] in trained)
    staff = Counter(home[s] for s in trained)
    out = conversations_per_staff(
        demo.logs,
        demo.directory,
        training=demo.training,
        start=demo.start,
        end=demo.end,
        policy=None,
    ).set_index("organisation")
    for organisation, n in staff.items():
        row = out.loc[organisation]
        assert row["conversations"] == conversations[organisation]
        assert row["staff"] == n
        assert row["value"] == pytest.approx(conversations[organisation] / n / 52)
        byar = conversations[organisation]  # all groups have >= 10 conversations: Byar's
        z = stats.norm.ppf(0.975)
        upper = (byar + 1) * (1 - 1 / (9 * (byar + 1)) + z / (3 * np.sqrt(byar + 1))) ** 3
        assert row["uppercl"] == pytest.approx(upper / n / 52)


def test_small_example_per_staff_uses_exact_limits() -> None:
    logs = pd.DataFrame(
        {
            "client_id": ["a", "b", "c"],
            "staff_id": ["s1", "s1", "s2"],
            "contact_date": pd.to_datetime(["2024-04-01"] * 3),
            "organisation": "o",
            "team": "t",
            "setting": "acute",
            "topics": "tobacco",
            "action": "advice",
            "destination": None,
        }
    )
    directory = MeccDirectory.from_records(
        organisations=[
            {
                "organisation": "o",
                "name": "O",
                "org_type": "acute_trust",
                "setting": "acute",
                "area_code": "E06999001",
            }
        ],
        teams=[{"organisation": "o", "team": "t", "name": "T"}],
        staff=[
            {"staff_id": s, "organisation": "o", "team": "t", "frontline": False}
            for s in ("s1", "s2", "s3")
        ],
    )
    out = conversations_per_staff(
        logs, directory, start=date(2024, 4, 1), end=date(2024, 4, 7), policy=None
    )
    assert out["value"].iloc[0] == pytest.approx(3 / 3 / 1)
    assert out["lowercl"].iloc[0] == pytest.approx(stats.chi2.ppf(0.025, 6) / 2 / 3)
    assert out["method"].iloc[0] == "Exact Poisson"
    recording = staff_recording(
        logs, directory, start=date(2024, 4, 1), end=date(2024, 4, 7), policy=None
    )
    assert recording[["staff_recording", "staff_in_post"]].iloc[0].tolist() == [2, 3]
    assert recording["value"].iloc[0] == pytest.approx(200 / 3)


def test_percentage_of_staff_recording_any(demo: MeccDemo, records: list[dict]) -> None:
    first_half_end = demo.start + timedelta(days=181)
    recorders = {r["staff_id"] for r in records if r["day"] <= first_half_end}
    teams = Counter()
    recording = Counter()
    for row in demo.directory.staff.itertuples():
        teams[(row.organisation, row.team)] += 1
        recording[(row.organisation, row.team)] += row.staff_id in recorders
    out = staff_recording(
        demo.logs,
        demo.directory,
        by=["organisation", "team"],
        start=demo.start,
        end=first_half_end,
        policy=None,
    )
    for row in out.itertuples():
        key = (row.organisation, row.team)
        assert (row.staff_recording, row.staff_in_post) == (recording[key], teams[key])
        assert row.value == pytest.approx(100 * recording[key] / teams[key])
        assert row.lowercl <= row.value <= row.uppercl


def test_breakdown_by_topic_setting_and_organisation(demo: MeccDemo, records: list[dict]) -> None:
    by_hand = Counter(
        (topic, r["setting"], r["organisation"])
        for r in records
        for topic in r["topics"].split("|")
    )
    out = conversation_breakdown(demo.logs, policy=None)
    got = {(r.topic, r.setting, r.organisation): r.conversations for r in out.itertuples()}
    assert got == dict(by_hand)
    assert out["conversations"].sum() > len(demo.logs)  # two-topic conversations count twice
    total = conversation_breakdown(demo.logs, by=[], policy=None)
    assert total["conversations"].tolist() == [len(demo.logs)]


def test_referrals_by_destination(demo: MeccDemo, records: list[dict]) -> None:
    by_hand = Counter(
        (r["destination"], r["action"]) for r in records if isinstance(r["destination"], str)
    )
    out = referrals_by_destination(demo.logs, policy=None)
    assert {(r.destination, r.action): r.conversations for r in out.itertuples()} == dict(by_hand)
    assert set(out["action"]) == {"signpost", "referral"}
    april = referrals_by_destination(
        demo.logs, start=date(2024, 4, 1), end=date(2024, 4, 30), policy=None
    )
    in_april = sum(
        1
        for r in records
        if isinstance(r["destination"], str) and r["day"].month == 4 and r["day"].year == 2024
    )
    assert april["conversations"].sum() == in_april


def test_unknown_grouping_and_missing_columns_are_refused(demo: MeccDemo) -> None:
    with pytest.raises(InputError, match="unknown_group"):
        conversation_breakdown(demo.logs, by=["postcode"])
    with pytest.raises(InputError, match="missing_column"):
        weekly_conversations(demo.logs.drop(columns=["topics"]))


def _every_output(demo: MeccDemo, policy: DisclosurePolicy) -> dict[str, tuple[pd.DataFrame, list]]:
    start, end = demo.start, demo.end
    logs, directory = demo.logs, demo.directory
    return {
        "weekly": (weekly_conversations(logs, by=["team"], policy=policy), ["conversations"]),
        "per_staff": (
            conversations_per_staff(
                logs, directory, by=["team"], start=start, end=end, policy=policy
            ),
            ["conversations"],
        ),
        "recording": (
            staff_recording(logs, directory, by=["team"], start=start, end=end, policy=policy),
            ["staff_recording"],
        ),
        "breakdown": (
            conversation_breakdown(logs, by=["topic", "team", "action"], policy=policy),
            ["conversations"],
        ),
        "referrals": (
            referrals_by_destination(logs, by=["team"], policy=policy),
            ["conversations"],
        ),
        "attribution": (
            attribute_referrals(
                logs, demo.referrals_received, demo.organisation_areas, policy=policy
            ),
            ["received", "attributed", "mecc_made"],
        ),
        "training": (
            training_reach(demo.training, directory, by=["team"], policy=policy),
            ["staff_trained"],
        ),
        "capability": (capability_change(demo.scores, by=["route"], policy=policy), ["n_pairs"]),
    }


def test_suppression_is_applied_on_every_dashboard(demo: MeccDemo) -> None:
    policy = DisclosurePolicy()
    raw = _every_output(demo, None)  # type: ignore[arg-type]
    for name, (frame, counts) in _every_output(demo, policy).items():
        assert frame.attrs["disclosure"] == policy.note, name
        assert "disclosure_note" in frame.columns, name
        for column in counts:
            values = frame[column].to_numpy(dtype=float)
            shown = values[~np.isnan(values)]
            assert not ((shown >= 1) & (shown <= 7)).any(), (name, column)
            assert (shown % 5 == 0).all(), (name, column)
            expected = [_controlled(v) for v in raw[name][0][column].to_numpy(dtype=float)]
            np.testing.assert_array_equal(values, expected, err_msg=f"{name}.{column}")
        if "value" in frame.columns and counts[0] in frame.columns:
            events = raw[name][0][counts[0]].to_numpy(dtype=float)
            assert frame["value"][events < policy.rate_min_events].isna().all(), name
