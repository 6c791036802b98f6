"""Referrals received attributed to MECC: matched on date window, service and area only (never
a person), as many as possible, each MECC entry at most once; the service file's checks."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

from healthgap.datasets.mecc import generate_mecc_demo
from healthgap.engage.mecc_attribution import attribute_referrals, read_referrals_received
from healthgap.errors import InputError

DAY0 = date(2024, 4, 1)


def logs_of(days: list[int], *, organisation: str = "o1", destination: str = "stop_smoking"):
    return pd.DataFrame(
        {
            "client_id": [f"id{i}-{organisation}" for i in range(len(days))],
            "contact_date": pd.to_datetime([DAY0 + timedelta(days=d) for d in days]),
            "staff_id": "s1",
            "organisation": organisation,
            "team": "t",
            "setting": "acute",
            "topics": "tobacco",
            "action": "referral",
            "destination": destination,
        }
    )


def received_of(days: list[int], *, area: str = "E06999001", service: str = "stop_smoking"):
    return pd.DataFrame(
        {
            "received_date": pd.to_datetime([DAY0 + timedelta(days=d) for d in days]),
            "service": service,
            "area_code": area,
            "referrals": 1,
        }
    )


AREAS = {"o1": "E06999001", "o2": "E06999002"}


def test_a_hand_worked_example() -> None:
    # MECC referrals on days 0, 0 and 40; received on days 3, 10, 29 and 41 (window 28 days):
    # day 3 and day 10 take the two from day 0; day 29 finds day 0's expired (29 > 28) and
    # day 40's not yet made; day 41 takes day 40's.
    out = attribute_referrals(logs_of([0, 0, 40]), received_of([3, 10, 29, 41]), AREAS, policy=None)
    assert out[["month", "received", "attributed", "mecc_made"]].values.tolist() == [
        ["2024-04", 3, 2, 2],
        ["2024-05", 1, 1, 1],
    ]
    assert out["value"].round(1).tolist() == [66.7, 100.0]


def test_never_across_services_or_areas() -> None:
    logs = pd.concat([logs_of([0]), logs_of([0], organisation="o2", destination="leisure")])
    received = pd.concat([received_of([1], area="E06999002"), received_of([1], service="leisure")])
    out = attribute_referrals(logs, received, AREAS, policy=None)
    assert out["attributed"].sum() == 0
    assert out["received"].sum() == 2


def _maximum_matching(made: list[int], got: list[int], window: int) -> int:
    if not made or not got:
        return 0
    pairs = np.array([[0 <= g - m <= window for m in made] for g in got], dtype=int)
    matched = maximum_bipartite_matching(csr_array(pairs), perm_type="column")
    return int((matched >= 0).sum())


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 60), max_size=12),
    st.lists(st.integers(0, 60), min_size=1, max_size=12),
    st.integers(0, 14),
)
def test_as_many_matches_as_possible(made: list[int], got: list[int], window: int) -> None:
    """The oldest-first matching finds a maximum matching (checked by SciPy's)."""
    out = attribute_referrals(
        logs_of(made), received_of(got), AREAS, window_days=window, policy=None
    )
    assert out["attributed"].sum() == _maximum_matching(made, got, window)
    assert (out["attributed"] <= out["received"]).all()
    assert out["received"].sum() == len(got)


def test_demo_attribution_is_bounded_and_controlled() -> None:
    demo = generate_mecc_demo()
    raw = attribute_referrals(
        demo.logs, demo.referrals_received, demo.organisation_areas, policy=None
    )
    assert (raw["attributed"] <= raw["received"]).all()
    assert raw["attributed"].sum() <= raw["mecc_made"].sum()
    assert raw["received"].sum() == demo.referrals_received["referrals"].sum()
    assert set(raw["service"]) <= set(demo.referrals_received["service"]) | {"other"}
    assert 0 < raw["attributed"].sum() < raw["received"].sum()


def test_reading_a_service_file(tmp_path: Path) -> None:
    path = tmp_path / "stop_smoking.csv"
    path.write_text(
        "Date received,Service,LA code,Referrals\n"
        "2024-04-03,Stop smoking service,E06999001,4\n"
        "2024-04-04,stop_smoking,E06999001,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_referrals_received(path)
    assert [(p.row, p.column, p.rule) for p in caught.value.problems] == [
        (3, "referrals", "missing_value")
    ]
    path.write_text(
        "date,service,area_code\n2024-04-03,Stop smoking service,E06999001\n"
        "2024-04-03,weight_management,E06999002\n",
        encoding="utf-8",
    )
    table = read_referrals_received(path)
    assert table["service"].tolist() == ["stop_smoking", "weight_management"]
    assert table["referrals"].tolist() == [1, 1]


def test_personal_columns_and_bad_cells_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "service.xlsx"
    pd.DataFrame(
        {
            "date": ["2024-04-03", "soon", "2024-04-05"],
            "service": ["stop_smoking", "gym", "leisure"],
            "area_code": ["E06999001", "E06999001", ""],
            "referrals": ["1", "-2", "x"],
            "NHS number": ["9434765919", "", ""],
        }
    ).to_excel(path, index=False)
    with pytest.raises(InputError) as caught:
        read_referrals_received(path)
    assert [(p.column, p.rule) for p in caught.value.problems] == [
        ("NHS number", "unexpected_column")
    ]
    path2 = tmp_path / "service2.xlsx"
    pd.read_excel(path).drop(columns="NHS number").to_excel(path2, index=False)
    with pytest.raises(InputError) as caught:
        read_referrals_received(path2)
    assert {(p.row, p.column, p.rule) for p in caught.value.problems} == {
        (4, "area_code", "missing_value"),
        (3, "received_date", "bad_date"),
        (3, "service", "unknown_service"),
        (3, "referrals", "negative_count"),
        (4, "referrals", "non_numeric"),
    }
