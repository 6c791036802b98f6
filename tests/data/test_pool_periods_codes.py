"""pool_periods works on the period labels' integer codes: the same result as the text
comparison it replaced, on random tables whose period column is text, categorical (with
Arrow string categories, as the workspace stores it) or whole years."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.data.aggregate import (
    _NON_ADDITIVE,
    _cell_problems,
    _key_columns,
    _pooled_label,
    _sum_cells,
    pool_periods,
)
from healthgap.errors import InputError

YEARS = ["2012", "2013", "2014", "2015"]


def pool_periods_by_text(
    table: pd.DataFrame, periods: Sequence[str], label: str | None = None
) -> pd.DataFrame:
    """The former pool_periods, comparing every row's label as text (the reference)."""
    periods = [str(p) for p in periods]
    absent = sorted(set(periods) - set(table["period"].astype(str)))
    if absent:
        raise InputError(f"periods {', '.join(absent)} are not in the table", rule="missing_period")
    frame = table[table["period"].astype(str).isin(periods)]
    frame = frame[[c for c in frame.columns if c not in _NON_ADDITIVE]]
    keys = [k for k in _key_columns(frame) if k != "period"]
    if "deaths" not in frame.columns:
        n_periods = frame.groupby(keys, sort=False)["period"].transform("nunique")
        short = frame[n_periods < len(periods)].drop_duplicates(keys)
        if not short.empty:
            lacks = f" lacks some of {', '.join(periods)}"
            raise InputError(_cell_problems(short, keys, "period", "missing_period", lacks))
    pooled = frame.assign(period=label or _pooled_label(periods))
    return _sum_cells(pooled, [*keys[:1], "period", *keys[1:]])


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[str]]:
    n = draw(st.integers(1, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    years = draw(st.lists(st.sampled_from(YEARS), min_size=1, max_size=4, unique=True))
    kind = draw(st.sampled_from(["text", "categorical", "arrow", "integer"]))
    value = draw(st.sampled_from(["deaths", "person_years"]))
    period = rng.choice(YEARS, n)
    frame = pd.DataFrame(
        {
            "area_code": rng.choice(["E1", "E2", "E3"], n),
            "period": period,
            "sex": rng.choice(["male", "female"], n),
            "age_start": rng.choice([0, 1, 5], n).astype("int16"),
            value: rng.integers(0, 50, n).astype(float),
        }
    )
    if value == "deaths":
        frame["cause"] = rng.choice(["all", "cancer"], n)
    if kind == "categorical":
        frame["period"] = frame["period"].astype("category")
    elif kind == "arrow":
        frame["period"] = frame["period"].astype(pd.CategoricalDtype(pd.Index(YEARS, dtype="str")))
        frame["area_code"] = frame["area_code"].astype("category")
    elif kind == "integer":
        frame["period"] = frame["period"].astype(int)
    return frame, years


def _outcome(function, frame: pd.DataFrame, years: list[str]) -> object:  # noqa: ANN001
    try:
        return function(frame, years)
    except InputError as error:
        return ("InputError", str(error))


@settings(max_examples=150, deadline=None)
@given(tables())
def test_pooling_on_codes_equals_pooling_on_text(case: tuple[pd.DataFrame, list[str]]) -> None:
    frame, years = case
    got, expected = (
        _outcome(pool_periods, frame, years),
        _outcome(pool_periods_by_text, frame, years),
    )
    if isinstance(expected, pd.DataFrame):
        assert isinstance(got, pd.DataFrame)
        pd.testing.assert_frame_equal(got, expected)
    else:
        assert got == expected


def test_a_missing_year_is_named_for_population() -> None:
    frame = pd.DataFrame(
        {"area_code": "E1", "period": pd.Categorical(["2013", "2014", "2014"]),
         "sex": ["male", "male", "female"], "age_start": 0, "person_years": [1.0, 2.0, 3.0]}
    )  # fmt: skip
    with pytest.raises(InputError, match="E1/female/0 lacks some of 2013, 2014"):
        pool_periods(frame, ["2013", "2014"])
