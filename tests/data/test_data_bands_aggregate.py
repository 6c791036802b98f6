"""Re-banding, aggregation up the geography, pooling periods and deriving persons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from healthgap.agebands import STANDARD_STARTS
from healthgap.data import add_persons, aggregate, pool_periods, reband
from healthgap.errors import BandingWarning, InputError


def test_reband_five_year_bands_to_standard_warns_about_infants() -> None:
    starts = [0, *range(5, 95, 5)]
    table = pd.DataFrame({"area_code": "E1", "age_start": starts, "n": 1.0})
    with pytest.warns(BandingWarning, match="cannot separate 1-4"):
        out = reband(table, ["n"])
    assert out["age_start"].tolist() == starts  # kept as given: 0-4 cannot be split


def test_reband_finer_bands_sum_exactly() -> None:
    starts = [0, 1, 2, 3, 4, *range(5, 100, 5)]
    table = pd.DataFrame(
        {"area_code": "E1", "age_start": starts, "n": np.arange(len(starts)) * 1.0}
    )
    out = reband(table, ["n"])
    assert out["age_start"].tolist() == list(STANDARD_STARTS)
    assert out.loc[1, "n"] == 1 + 2 + 3 + 4
    assert out.loc[19, "n"] == table["n"].iloc[-2:].sum()  # 90-94 and 95+ make 90+


def lsoa_population() -> tuple[pd.DataFrame, pd.DataFrame]:
    areas = pd.DataFrame(
        {
            "area_code": ["L1", "L2", "L3"],
            "level": "lsoa",
            "parent_ward": ["W1", "W1", "W2"],
            "parent_la": ["A1", "A1", "A1"],
        }
    )
    pop = pd.DataFrame(
        {
            "area_code": np.repeat(["L1", "L2", "L3"], 2),
            "period": "2014",
            "sex": ["male", "female"] * 3,
            "age_start": 0,
            "person_years": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    return areas, pop


def test_aggregate_to_ward_and_la() -> None:
    areas, pop = lsoa_population()
    wards = aggregate(pop, areas, "ward")
    assert wards.columns.tolist() == pop.columns.tolist()
    assert wards.set_index(["area_code", "sex"])["person_years"].to_dict() == {
        ("W1", "female"): 6.0,
        ("W1", "male"): 4.0,
        ("W2", "female"): 6.0,
        ("W2", "male"): 5.0,
    }
    assert aggregate(pop, areas, "la")["person_years"].sum() == 21.0


def test_aggregate_refuses_areas_without_a_parent() -> None:
    areas, pop = lsoa_population()
    areas.loc[2, "parent_ward"] = None
    with pytest.raises(InputError) as error:
        aggregate(pop, areas, "ward")
    assert {p.rule for p in error.value.problems} == {"no_parent"}


def test_pool_periods_and_label() -> None:
    _, pop = lsoa_population()
    years = pd.concat([pop.assign(period=str(y)) for y in (2012, 2013, 2014)], ignore_index=True)
    pooled = pool_periods(years, ["2012", "2013", "2014"])
    assert set(pooled["period"]) == {"2012-14"} and pooled["person_years"].sum() == 63.0
    assert set(pool_periods(years, ["2012", "2014"])["period"]) == {"2012+2014"}
    with pytest.raises(InputError):
        pool_periods(years.iloc[1:], ["2012", "2013", "2014"])


def test_add_persons() -> None:
    _, pop = lsoa_population()
    out = add_persons(pop)
    persons = out[out["sex"] == "persons"].set_index("area_code")["person_years"]
    assert persons.to_dict() == {"L1": 3.0, "L2": 7.0, "L3": 11.0}
    assert len(add_persons(out)) == len(out)  # persons already there: nothing added
    with pytest.raises(InputError) as error:
        add_persons(pop.iloc[1:])
    assert {p.rule for p in error.value.problems} == {"missing_sex"}
