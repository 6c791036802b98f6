"""MECC dashboards computed on the SYNTHETIC demo match counts made by hand from the demo's own
tables, and small numbers are controlled on every path: tables, CSV and Excel files, charts."""

from __future__ import annotations

import io
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthgap.analyses import (
    mecc_activity,
    mecc_referrals,
    mecc_staff_health,
    mecc_training,
)
from healthgap.analyses.mecc_source import resolve_period
from healthgap.datasets.mecc import MeccDemo
from healthgap.reports.outputs import bundle_file
from mecc_checks import COUNTS, MECC_TODAY, assert_controlled, by_hand

START, END = date(2024, 4, 1), date(2025, 3, 30)


def test_the_default_period_is_the_demo_year(mecc_db) -> None:  # noqa: ANN001
    bundle = mecc_activity(mecc_db)
    assert (bundle.summary["start"], bundle.summary["end"]) == (START, END)
    assert bundle.synthetic
    assert bundle.chart("run-chart-all")["title"]["subtitle"][-1].startswith("SYNTHETIC")


def test_activity_matches_hand_counts(mecc_db, mecc_demo: MeccDemo) -> None:  # noqa: ANN001
    logs = mecc_demo.logs
    bundle = mecc_activity(mecc_db)
    assert bundle.summary["conversations"] == by_hand(pd.Series([len(logs)])).iloc[0]

    # Conversations per organisation and week.
    weeks = logs["contact_date"] - pd.to_timedelta(logs["contact_date"].dt.day_of_week, unit="D")
    hand = logs.groupby([logs["organisation"], weeks]).size()
    weekly = bundle.table("weekly").set_index(["organisation", "week_start"])["conversations"]
    pd.testing.assert_series_equal(
        weekly.loc[hand.index], by_hand(hand), check_names=False, check_dtype=False
    )
    assert len(bundle.table("weekly")) == 5 * 52  # every week of every organisation

    # Topic x setting x organisation: a conversation counts under each topic it raised.
    topics = logs.assign(topic=logs["topics"].str.split("|")).explode("topic")
    hand = topics.groupby(["topic", "setting", "organisation"]).size()
    table = bundle.table("breakdown").set_index(["topic", "setting", "organisation"])
    pd.testing.assert_series_equal(
        table["conversations"].loc[hand.index], by_hand(hand), check_names=False
    )
    assert (table["topic_label"] != table.index.get_level_values("topic")).all()

    # % of staff in post who recorded any, per organisation.
    staff = mecc_demo.directory.staff
    recorded = staff["staff_id"].isin(logs["staff_id"]).groupby(staff["organisation"]).mean()
    recording = bundle.table("recording")
    in_post = recording[recording["staff_group"] == "in post"].set_index("organisation")
    np.testing.assert_allclose(in_post["value"].loc[recorded.index], 100 * recorded)

    # Conversations per trained member of staff per week (trained by the end of the year).
    trained = mecc_demo.training.loc[
        mecc_demo.training["completed_on"] <= pd.Timestamp(END), "staff_id"
    ].unique()
    trained_staff = staff[staff["staff_id"].isin(trained)]
    made = logs[logs["staff_id"].isin(trained)].groupby("organisation").size()
    rate = made / (trained_staff.groupby("organisation").size() * 52)
    per_staff = bundle.table("per-staff")
    got = per_staff[per_staff["staff_group"] == "trained"].set_index("organisation")
    np.testing.assert_allclose(got["value"].loc[rate.index], rate)
    np.testing.assert_array_equal(got["conversations"].loc[made.index], by_hand(made))


def test_the_community_relaunch_shows_as_a_shift(mecc_db) -> None:  # noqa: ANN001
    bundle = mecc_activity(mecc_db, organisations=["community"])
    assert bundle.summary["runs"]["all"]["shifts"] >= 1
    points = bundle.table("run-chart")
    assert points.loc[points["week_start"] >= pd.Timestamp("2024-10-07"), "shift"].any()
    spec = bundle.chart("run-chart-all")
    assert any(layer["mark"].get("strokeDash") for layer in spec["layer"])  # the median line
    assert "Shift" in {point["signal"] for point in spec["data"]["values"]}
    title = spec["title"]["text"]
    assert "Synthetic Community Health NHS Trust" in " ".join(
        [title] if isinstance(title, str) else title
    )


def test_referrals_match_hand_counts(mecc_db, mecc_demo: MeccDemo) -> None:  # noqa: ANN001
    logs = mecc_demo.logs
    bundle = mecc_referrals(mecc_db)
    sent = logs[logs["destination"].notna()]
    hand = sent.groupby(["destination", "action"]).size()
    table = bundle.table("destinations").set_index(["destination", "action"])["conversations"]
    pd.testing.assert_series_equal(table.loc[hand.index], by_hand(hand), check_names=False)
    assert (
        bundle.summary["referrals"] == by_hand(pd.Series([(logs["action"] == "referral").sum()]))[0]
    )
    attribution = bundle.table("attribution")
    assert (attribution["attributed"] <= attribution["received"]).all()
    received = mecc_demo.referrals_received
    in_year = received[received["received_date"].between(pd.Timestamp(START), pd.Timestamp(END))]
    hand = in_year.groupby("service")["referrals"].sum()
    got = attribution.set_index("service")["received"]
    pd.testing.assert_series_equal(got.loc[hand.index], by_hand(hand), check_names=False)


def test_training_and_staff_health_match_hand_counts(mecc_db, mecc_demo: MeccDemo) -> None:  # noqa: ANN001
    reach = mecc_training(mecc_db).table("reach")
    trained = mecc_demo.training.merge(mecc_demo.directory.staff, on="staff_id")
    hand = trained.groupby("organisation")["staff_id"].nunique()
    anyroute = reach[reach["route"] == "any"].set_index("organisation")["staff_trained"]
    pd.testing.assert_series_equal(anyroute.loc[hand.index], by_hand(hand), check_names=False)

    figures = mecc_staff_health(mecc_db).table("figures")
    flu = mecc_demo.staff_health.query("metric == 'flu_vaccination_frontline'")
    flu = flu.assign(period=flu["period"].astype(str)).set_index(["organisation", "period"])
    got = figures[figures["metric"] == "flu_vaccination_frontline"].set_index(
        ["organisation", "period"]
    )
    np.testing.assert_allclose(
        got["value"].loc[flu.index], 100 * flu["numerator"] / flu["denominator"]
    )
    assert (got["target"] == 75).all()


@pytest.mark.parametrize("dashboard", ["activity", "referrals", "training", "staff-health"])
def test_small_numbers_are_controlled_on_every_path(mecc_db, dashboard: str) -> None:  # noqa: ANN001
    """Three days of the smallest organisation gives small counts: no table, file or chart
    shows a count of 1-7 or one not rounded to 5."""
    short = {"start": date(2024, 4, 1), "end": date(2024, 4, 3)}
    bundle = {
        "activity": lambda: mecc_activity(mecc_db, organisations=["fire"], **short),
        "referrals": lambda: mecc_referrals(mecc_db, organisations=["fire"], **short),
        "training": lambda: mecc_training(mecc_db, organisations=["fire"], end=date(2024, 4, 14)),
        "staff-health": lambda: mecc_staff_health(mecc_db, organisations=["fire", "primary"]),
    }[dashboard]()
    suppressed = 0
    for name in bundle.tables:
        frame = bundle.table(name)
        assert_controlled(frame, name)
        suppressed += sum(frame[c].isna().sum() for c in COUNTS if c in frame.columns)
        assert_controlled(pd.read_csv(io.BytesIO(bundle_file(bundle, name, "csv"))), f"{name}.csv")
        excel = pd.read_excel(io.BytesIO(bundle_file(bundle, name, "xlsx")), sheet_name="data")
        assert_controlled(excel, f"{name}.xlsx")
    for name, spec in bundle.charts.items():
        values = [
            v
            for layer in [spec, *spec.get("layer", [])]
            for v in layer.get("data", {}).get("values", [])
        ]
        for column in ("conversations", "value", "referrals"):
            counts = pd.Series([v.get(column) for v in values if column in v], dtype=float)
            if column != "value":
                assert not counts.between(1, 7).any(), (name, column)
    if dashboard in ("activity", "referrals"):
        assert suppressed > 0  # the three days really had small numbers to control
    assert all("disclosure" in bundle.metadata_of(n) for n in bundle.tables)


def test_an_unknown_organisation_is_a_clear_problem(mecc_db) -> None:  # noqa: ANN001
    from healthgap.errors import InputError

    with pytest.raises(InputError) as caught:
        mecc_activity(mecc_db, organisations=["nowhere"])
    assert caught.value.problems[0].rule == "unknown_organisation"
    with pytest.raises(InputError) as caught:
        mecc_activity(mecc_db, start=date(2025, 1, 1), end=date(2024, 1, 1))
    assert caught.value.problems[0].rule == "bad_period"


def test_load_day_sets_the_demo_year() -> None:
    from healthgap.analyses.mecc_demo import demo_dates

    assert demo_dates(MECC_TODAY) == (START, END)
    assert demo_dates(date(2025, 4, 6)) == (START, END)  # a Sunday: still the week before


def test_the_week_in_progress_is_left_out_by_default() -> None:
    thursday = date(2026, 12, 3)
    # An entry this week: the default period still ends last Sunday (a part week would read
    # as a fall on the run chart).
    assert resolve_period(None, None, latest=date(2026, 12, 2), today=thursday) == (
        date(2025, 12, 1),
        date(2026, 11, 29),
    )
    # The latest entry in an earlier week: that week ends the period.
    assert resolve_period(None, None, latest=date(2026, 11, 4), today=thursday)[1] == date(
        2026, 11, 8
    )
    # Nothing logged yet: last week; an end chosen by the user shows the week so far.
    assert resolve_period(None, None, latest=None, today=thursday)[1] == date(2026, 11, 29)
    assert resolve_period(None, thursday, latest=thursday, today=thursday)[1] == thursday


@given(
    latest=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    ahead=st.integers(0, 800),
)
def test_default_periods_are_52_whole_weeks_already_over(latest: date, ahead: int) -> None:
    today = latest + timedelta(days=ahead)
    start, end = resolve_period(None, None, latest=latest, today=today)
    assert (start.weekday(), end.weekday()) == (0, 6)
    assert (end - start).days + 1 == 7 * 52
    assert end < today
    assert end >= min(latest, today - timedelta(days=7))
