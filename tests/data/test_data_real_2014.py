"""The real 2014 deaths and mid-2014 population of English LAs load through the public path
and their totals match the published figures in deaths_2014_published_rates_by_area.csv."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from healthgap.agebands import STANDARD_STARTS
from healthgap.data import CORNWALL_SCILLY, load_mortality_2014, validate_tables


@pytest.fixture(scope="module")
def mortality(shared_data) -> dict[str, pd.DataFrame]:
    return load_mortality_2014(shared_data)


@pytest.fixture(scope="module")
def published(shared_data) -> pd.DataFrame:
    path = shared_data / "mortality_2014" / "deaths_2014_published_rates_by_area.csv"
    table = pd.read_csv(path)
    return table[table["area_code"].str.match(r"^E0[6-9]")].set_index("area_code")


def test_shape_and_validity(mortality) -> None:
    assert len(mortality["areas"]) == 325
    for name in ("population", "deaths"):
        table = mortality[name]
        assert len(table) == 325 * 2 * 20
        assert sorted(table["age_start"].unique()) == list(STANDARD_STARTS)
        assert set(table["period"]) == {"2014"}
    assert validate_tables(mortality, gss_codes=True) == []


def test_deaths_by_age_sum_to_published_all_age_totals(mortality, published) -> None:
    """Exact: ONS Table 2 all-ages deaths by sex for every English LA."""
    deaths = mortality["deaths"].pivot_table(
        index="area_code", columns="sex", values="deaths", aggfunc="sum"
    )
    assert sorted(deaths.index) == sorted(published.index)
    np.testing.assert_array_equal(deaths["male"], published.loc[deaths.index, "deaths_males"])
    np.testing.assert_array_equal(deaths["female"], published.loc[deaths.index, "deaths_females"])


def test_population_matches_published_thousands(mortality, published) -> None:
    """Within rounding: the published population is in thousands to one decimal (±0.05)."""
    pop = mortality["population"].pivot_table(
        index="area_code", columns="sex", values="person_years", aggfunc="sum"
    )
    for sex, column in (("male", "pop_males_thousands"), ("female", "pop_females_thousands")):
        diff = (pop[sex] / 1000 - published.loc[pop.index, column]).abs()
        assert diff.max() <= 0.05 + 1e-9, diff.idxmax()


def test_cornwall_and_scilly_population_is_combined(mortality) -> None:
    pop = mortality["population"]
    assert not pop["area_code"].isin(["E06000052", "E06000053"]).any()
    combined = pop.loc[pop["area_code"] == CORNWALL_SCILLY, "person_years"].sum()
    assert combined == pytest.approx(547_600, abs=50)
