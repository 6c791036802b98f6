"""Campaign analysis against hand-counted cases and invariants."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.engage import (
    analysis_export,
    conversion,
    district_counts,
    event_counts,
    followup_outcomes,
    followup_response,
    pledge_counts,
)
from healthgap.errors import InputError


def _pledges() -> pd.DataFrame:
    # 23:30 UTC on 31 Mar 2026 is 00:30 on 1 Apr in the UK (BST): the UK day counts.
    times = [
        datetime(2026, 3, 31, 10, 0, tzinfo=UTC),
        datetime(2026, 3, 31, 11, 0, tzinfo=UTC),
        datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
        datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 4, 1, 9, 5, tzinfo=UTC),
    ]
    return pd.DataFrame(
        {
            "pledge_id": [1, 2, 3, 4, 5],
            "created_at": times,
            "theme": ["diet", "diet", "activity", "diet", "alcohol"],
            "postcode_district": ["TS24", "TS24", None, "TS25", "TS24"],
            "group": [None, "Ward 7", "Ward 7", None, None],
            "pledger": ["p1", "p1", "p2", None, "p3"],
            "status": ["published", "pending", "published", "published", "rejected"],
            "display_name": ["Sam", None, "Jo", None, "spam"],
        }
    )


def test_pledges_and_unique_pledgers_by_theme_exclude_rejected() -> None:
    out = pledge_counts(_pledges(), by=("theme",))
    table = out.pivot(index="theme", columns="statistic", values="count")
    assert table.loc["diet"].tolist() == [3, 2]  # p1 twice + an unknown pledger
    assert table.loc["activity"].tolist() == [1, 1]
    assert "alcohol" not in table.index  # only pledge was rejected
    overall = pledge_counts(_pledges())
    assert overall.set_index("statistic")["count"].to_dict() == {
        "pledges": 4,
        "unique pledgers": 3,
    }


def test_days_are_uk_calendar_days() -> None:
    out = pledge_counts(_pledges(), by=("day",))
    pledges = out[out["statistic"] == "pledges"].set_index("day")["count"]
    assert pledges.to_dict() == {date(2026, 3, 31): 2, date(2026, 4, 1): 2}


def test_missing_keys_are_grouped_as_not_given_and_bad_keys_refused() -> None:
    out = pledge_counts(_pledges(), by=("group",))
    assert set(out["group"]) == {"Ward 7", "not given"}
    with pytest.raises(InputError, match="unknown_key"):
        pledge_counts(_pledges(), by=("display_name",))


def test_district_counts_leave_out_missing_districts() -> None:
    assert district_counts(_pledges()).set_index("postcode_district")["count"].to_dict() == {
        "TS24": 2,
        "TS25": 1,
    }


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [date(2026, 3, 31), date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 1)],
            "kind": ["page_view", "share", "page_view", "click_through"],
            "channel": ["", "whatsapp", "", "whatsapp"],
            "count": [10, 4, 1, 3],
        }
    )


def test_event_counts_by_channel() -> None:
    out = event_counts(_events(), by=("channel",))
    assert out.set_index(["channel", "statistic"])["count"].to_dict() == {
        ("", "page_view"): 11,
        ("whatsapp", "click_through"): 3,
        ("whatsapp", "share"): 4,
    }
    with pytest.raises(InputError, match="unknown_event"):
        event_counts(_events().assign(kind="like"))


def test_conversion_uses_wilson_and_never_exceeds_the_views() -> None:
    by_day = conversion(_pledges(), _events(), by=("day",)).set_index("day")
    first = by_day.loc[date(2026, 3, 31)]
    # 2 pledges of 10 views: Wilson 95% (2x+z^2 -+ z sqrt(z^2+4x(1-x/n))) / (2(n+z^2))
    z = 1.959963984540054
    x, n = 2, 10
    half = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    assert first["value"] == pytest.approx(20.0)
    assert first["lowercl"] == pytest.approx(100 * (2 * x + z**2 - half) / (2 * (n + z**2)))
    assert first["uppercl"] == pytest.approx(100 * (2 * x + z**2 + half) / (2 * (n + z**2)))
    assert first["method"] == "Wilson"
    second = by_day.loc[date(2026, 4, 1)]  # 2 pledges but 1 counted view
    assert np.isnan(second["value"]) and "fewer page views" in second["method"]
    overall = conversion(_pledges(), _events())
    assert overall["value"].iloc[0] == pytest.approx(100 * 4 / 11)


def _checkins() -> pd.DataFrame:
    outcomes = ["kept"] * 3 + ["partly"] * 5 + ["not_yet"] * 2 + ["kept"] * 4
    return pd.DataFrame(
        {
            "pledge_id": list(range(10)) + list(range(4)),
            "week": [1] * 10 + [4] * 4,
            "outcome": outcomes,
            "theme": "diet",
        }
    )


def test_followup_outcome_shares_with_wilson_limits() -> None:
    out = followup_outcomes(_checkins()).set_index(["week", "outcome"])
    kept = out.loc[(1, "kept")]
    assert kept["count"] == 3 and kept["denominator"] == 10
    assert (kept["value"], kept["lowercl"], kept["uppercl"]) == pytest.approx(
        (30.0, 10.779, 60.322), abs=1e-3
    )  # Wilson 3/10, hand-computed from the formula in the module docstring
    assert out.loc[(4, "partly"), "count"] == 0  # every outcome has a row
    week_sums = out.groupby(level="week")["value"].sum()
    assert week_sums.tolist() == pytest.approx([100.0, 100.0])


def test_followup_response_per_week() -> None:
    sent = pd.DataFrame({"pledge_id": list(range(12)) + list(range(12)),
                         "week": [1] * 12 + [4] * 12})  # fmt: skip
    out = followup_response(sent, _checkins()).set_index("week")
    assert out.loc[1, "count"] == 10 and out.loc[1, "denominator"] == 12
    assert out.loc[4, "value"] == pytest.approx(100 * 4 / 12)


def test_analysis_export_carries_no_names_or_contacts() -> None:
    frame = _pledges().assign(email="x@example.org", own_text="hello", fingerprint="f")
    out = analysis_export(frame)
    assert not {"display_name", "email", "own_text", "fingerprint", "created_at"} & set(out)
    assert out["day"].tolist()[2] == date(2026, 4, 1)


@settings(max_examples=40, deadline=None)
@given(
    themes=st.lists(st.sampled_from(["diet", "activity", "wellbeing"]), min_size=1, max_size=60),
    data=st.data(),
)
def test_counts_add_up(themes: list[str], data: st.DataObject) -> None:
    n = len(themes)
    statuses = data.draw(st.lists(st.sampled_from(["published", "pending", "rejected"]),
                                  min_size=n, max_size=n))  # fmt: skip
    pledgers = data.draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=n, max_size=n))
    frame = pd.DataFrame({"pledge_id": range(n), "theme": themes, "status": statuses,
                          "pledger": pledgers})  # fmt: skip
    live = frame[frame["status"] != "rejected"]
    by_theme = pledge_counts(frame, by=("theme",))
    made = by_theme[by_theme["statistic"] == "pledges"]["count"].sum()
    assert made == len(live)
    overall = pledge_counts(frame).set_index("statistic")["count"]
    expected_people = live["pledger"].nunique() + live["pledger"].isna().sum()
    assert overall["unique pledgers"] == expected_people <= overall["pledges"]
