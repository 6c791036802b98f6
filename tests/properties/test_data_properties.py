"""Invariants of the data layer: re-banding, aggregation and quantiles conserve what they must."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.agebands import STANDARD_STARTS
from healthgap.data import add_persons, aggregate, assign_quantiles, reband

counts = st.lists(st.integers(0, 10_000), min_size=91, max_size=91)


@settings(max_examples=25, deadline=None)
@given(counts)
def test_reband_single_years_conserves_the_total(values) -> None:
    single = pd.DataFrame(
        {"area_code": "E1", "age_start": range(91), "age_end": [*range(1, 91), np.inf],
         "n": np.asarray(values, dtype=float)}
    )  # fmt: skip
    out = reband(single, ["n"])
    assert out["age_start"].tolist() == list(STANDARD_STARTS)
    assert out["n"].sum() == sum(values)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.floats(0, 1e6)), min_size=1, max_size=30))
def test_aggregate_and_persons_conserve_totals(rows) -> None:
    parents = [f"P{i % 2}" for i in range(5)]
    areas = pd.DataFrame({"area_code": [f"A{i}" for i in range(5)], "parent_la": parents})
    table = pd.DataFrame(
        {
            "area_code": [f"A{a}" for a, _ in rows],
            "period": "2014",
            "sex": ["male", "female"] * (len(rows) // 2) + ["male"] * (len(rows) % 2),
            "age_start": range(len(rows)),
            "cause": "all",
            "deaths": [v for _, v in rows],
        }
    )
    total = table["deaths"].sum()
    assert np.isclose(aggregate(table, areas, "la")["deaths"].sum(), total)
    persons = add_persons(table)
    assert np.isclose(persons.loc[persons["sex"] == "persons", "deaths"].sum(), total)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=10, max_size=200), st.integers(2, 10))
def test_quantiles_are_monotone_and_balanced(scores, n) -> None:
    areas = pd.DataFrame({"deprivation_score": scores})
    q = assign_quantiles(areas, n=n).to_numpy(dtype=float)
    order = np.argsort(-np.asarray(scores), kind="stable")
    assert np.all(np.diff(q[order]) >= 0)  # more deprived never gets a higher quantile
    assert q.min() >= 1 and q.max() <= n
