"""The integer-coded sums (data/level_sums, data/coded_sums) give exactly the rows of the
pandas functions they replace on the national preparation: aggregate level by level, and
pool_periods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.data import aggregate, pool_periods
from healthgap.data.coded_sums import Coded
from healthgap.data.level_sums import pool_rows, sum_to_levels

AREAS = pd.DataFrame(
    {
        "area_code": ["R", "L1", "L2", "S1", "S2", "S3", "S4"],
        "level": ["region", "la", "la", "lsoa", "lsoa", "lsoa", "lsoa"],
        "parent_la": [None, None, None, "L1", "L1", "L2", "L2"],
        "parent_region": [None, "R", "R", "R", "R", "R", None],
    }
)
CODES = pd.Index(AREAS["area_code"])


def _table(seed: int, categorical: bool, with_shares: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cells = pd.MultiIndex.from_product(
        [["S1", "S2", "S3", "S4"], ["2012", "2013", "2014"], ["male", "female"], [0, 1, 5]],
        names=["area_code", "period", "sex", "age_start"],
    ).to_frame(index=False)
    cells = cells.sample(frac=0.8, random_state=seed).reset_index(drop=True)
    cells["deaths"] = rng.integers(0, 50, len(cells)).astype("int32")
    if with_shares:
        cells["respondents"] = rng.integers(1, 30, len(cells)).astype(float)
        cells["prevalence"] = rng.uniform(0, 1, len(cells))
    if categorical:
        for column in ("area_code", "period", "sex"):
            cells[column] = pd.Categorical(cells[column], categories=sorted(set(cells[column])))
    return cells


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in ("area_code", "period", "sex"):
        out[column] = out[column].astype(str)
    keys = ["area_code", "period", "sex", "age_start"]
    return out.sort_values(keys).reset_index(drop=True).astype({"age_start": "int64"})


def _by_aggregate(table: pd.DataFrame) -> pd.DataFrame:
    """What the pandas path gives: each level summed from the LSOAs, for areas without rows."""
    small = AREAS[AREAS["level"] == "lsoa"]
    parts = []
    for level, column in (("la", "parent_la"), ("region", "parent_region")):
        mapped = small[small[column].notna()][["area_code", column]]
        rows = table[table["area_code"].astype(str).isin(set(mapped["area_code"]))]
        parts.append(aggregate(rows, mapped, level))
    return pd.concat(parts, ignore_index=True)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), categorical=st.booleans(), shares=st.booleans())
def test_sums_to_every_level_equal_aggregate(seed: int, categorical: bool, shares: bool) -> None:
    table = _table(seed, categorical, shares)
    fast = _plain(sum_to_levels(AREAS, table, CODES))
    slow = _plain(_by_aggregate(table))
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
    # rows grouped by area in the order of the codes, categorical over them
    assert list(pd.unique(fast["area_code"])) == ["L1", "L2", "R"]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), categorical=st.booleans())
def test_pooled_rows_equal_pool_periods(seed: int, categorical: bool) -> None:
    table = _table(seed, categorical)
    periods = ["2013", "2014"]
    fast = pool_rows(table, periods, "2013-14", CODES)
    slow = pool_periods(table[table["period"].astype(str).isin(periods)], periods, "2013-14")
    pd.testing.assert_frame_equal(_plain(fast), _plain(slow), check_dtype=False)


def test_a_population_lacking_a_year_is_left_to_pool_periods_to_name() -> None:
    population = _table(1, True).rename(columns={"deaths": "person_years"})
    assert pool_rows(population, ["2012", "2013"], "2012-13", CODES) is None


def test_missing_keys_and_values_are_kept_as_a_group_by_keeps_them() -> None:
    coded = Coded.of(pd.Series(pd.Categorical(["b", None, "a"], categories=["b", "a"])))
    assert coded.codes.tolist() == [0, 2, 1]  # category order, missing last
    assert coded.column(coded.codes).astype(object).tolist()[0:3:2] == ["b", "a"]
    table = pd.DataFrame(
        {
            "area_code": ["S1", "S2"],
            "period": "2014",
            "sex": "male",
            "age_start": 0,
            "respondents": [np.nan, np.nan],
            "deaths": [1.0, 2.0],
        }  # fmt: skip
    )
    summed = sum_to_levels(AREAS, table, CODES)
    assert summed["deaths"].tolist() == [3.0, 3.0] and summed["respondents"].isna().all()


def test_shares_need_respondents() -> None:
    table = _table(2, False, True).drop(columns="respondents")
    with pytest.raises(Exception, match="without respondents"):
        sum_to_levels(AREAS, table, CODES)
