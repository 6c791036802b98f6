"""The drop-off funnel against hand-computed Wilson intervals, and its refusals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from healthgap.errors import InputError
from healthgap.journeys import (
    Journey,
    apply_service_counts,
    check_service_activity,
    funnel_table,
    journey_funnel,
    load_template,
)

STEPS = ["invited", "booked", "attended", "completed"]


def _wilson(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval, written out independently of healthgap."""
    z = norm.ppf((1 + level) / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _activity() -> pd.DataFrame:
    rows = []
    for area, counts in {
        "E06000001": [1000, 420, 380, 350],
        "E06000002": [800, 300, 250, 240],
    }.items():
        for sex, share in (("male", 0.4), ("female", 0.6)):
            for step, count in zip(STEPS, counts, strict=True):
                rows.append({"area_code": area, "service": "nhs_health_check", "stage": step,
                             "sex": sex, "count": round(count * share)})  # fmt: skip
    rows.append({"area_code": "E06000001", "service": "stop_smoking", "stage": "invited",
                 "sex": "male", "count": 5})  # fmt: skip
    return pd.DataFrame(rows)


def test_overall_funnel_matches_hand_computed_wilson_limits() -> None:
    table = funnel_table(_activity(), service="nhs_health_check", steps=STEPS)
    counts = table.drop_duplicates("step").set_index("step")["count"]
    assert counts.to_dict() == {"invited": 1800, "booked": 720, "attended": 630, "completed": 590}
    previous = table[table["statistic"] == "conversion from previous step"].set_index("step")
    lower, upper = _wilson(630, 720)
    assert previous.loc["attended", "value"] == pytest.approx(630 / 720)
    assert previous.loc["attended", ["lowercl", "uppercl"]].tolist() == pytest.approx(
        [lower, upper]
    )
    first = table[table["statistic"] == "conversion from first step"].set_index("step")
    assert first.loc["completed", "value"] == pytest.approx(590 / 1800)
    assert first.loc["completed", "lowercl"] == pytest.approx(_wilson(590, 1800)[0])
    drop = table[table["statistic"] == "drop-off from previous step"].set_index("step")
    assert drop.loc["booked", "numerator"] == 1080
    assert np.isnan(drop.loc["invited", "value"])
    assert set(table["method"]) == {"Wilson"} and set(table["confidence"]) == {"95%"}


def test_funnel_by_group_filters_and_areas() -> None:
    by_area = funnel_table(_activity(), service="nhs_health_check", steps=STEPS, by=["area_code"])
    assert by_area.groupby("area_code")["step"].nunique().tolist() == [4, 4]
    men = funnel_table(_activity(), service="nhs_health_check", steps=STEPS,
                       filters={"sex": "male"}, area_codes=["E06000002"])  # fmt: skip
    assert men.drop_duplicates("step")["count"].tolist() == [320, 120, 100, 96]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 5000), min_size=2, max_size=6).map(lambda c: sorted(c, reverse=True))
)
def test_drop_off_mirrors_conversion(counts: list[int]) -> None:
    steps = [f"s{i}" for i in range(len(counts))]
    activity = pd.DataFrame({"area_code": "E1", "service": "x", "stage": steps, "count": counts})
    table = funnel_table(activity, service="x", steps=steps)
    conv = table[table["statistic"] == "conversion from previous step"].reset_index(drop=True)
    drop = table[table["statistic"] == "drop-off from previous step"].reset_index(drop=True)
    known = conv["value"].notna()
    assert (conv.loc[known, "value"] + drop.loc[known, "value"]).to_numpy() == pytest.approx(1.0)
    assert conv.loc[known, "lowercl"].to_numpy() == pytest.approx(1 - drop.loc[known, "uppercl"])
    tolerance = 1e-12  # the Wilson limit at x = n is 1 up to rounding
    value, lower, upper = (conv.loc[known, c] for c in ("value", "lowercl", "uppercl"))
    assert ((lower <= value + tolerance) & (value <= upper + tolerance)).all()
    # A step after one with nobody has no conversion rather than an error.
    assert conv["value"].isna().sum() == 1 + sum(c == 0 for c in counts[:-1])


def test_refusals_name_rows_and_rules() -> None:
    bad = _activity().drop(columns="service")
    with pytest.raises(InputError, match="missing_column"):
        check_service_activity(bad)
    bad = _activity().astype({"count": object})
    bad.loc[0, "count"] = -1
    bad.loc[2, "count"] = 2.5
    bad = pd.concat([bad, bad.iloc[[5]]], ignore_index=True)
    with pytest.raises(InputError) as caught:
        check_service_activity(bad, "service.csv")
    assert [(p.row, p.rule) for p in caught.value.problems] == [
        (2, "bad_count"), (4, "bad_count"), (len(bad) + 1, "duplicate_row")]  # fmt: skip
    upward = pd.DataFrame({"area_code": "E1", "service": "x", "stage": ["a", "b"], "count": [5, 9]})
    with pytest.raises(InputError, match="count_above_previous_step"):
        funnel_table(upward, service="x", steps=["a", "b"])
    with pytest.raises(InputError, match="bad_steps"):
        funnel_table(upward, service="x", steps=["a", "a"])


def test_demo_journey_takes_its_counts_from_service_data() -> None:
    demo = load_template("demo_health_check")
    with pytest.raises(InputError, match="no_counts"):
        journey_funnel(demo)
    counted = apply_service_counts(demo, _activity(), area_codes=["E06000001"])
    assert [s.count for s in counted.ordered_stages()] == [1000, 420, 380, 350, None]
    funnel = journey_funnel(counted)
    assert funnel.drop_duplicates("step")["step"].tolist() == [
        "Invited", "Booked", "Attended", "Results and advice"]  # fmt: skip
    assert apply_service_counts(counted, _activity().iloc[:0]).stages[0].count is None


def test_journey_without_service_cannot_take_counts(small: Journey) -> None:
    from dataclasses import replace

    with pytest.raises(InputError, match="no_service"):
        apply_service_counts(replace(small, service=None), _activity())
    table = journey_funnel(small)
    assert table[table["statistic"] == "conversion from previous step"]["value"].iloc[-1] == 0.45
