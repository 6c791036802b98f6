"""Property tests of the demo generator's parts on small random countries."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.datasets.geography import draw_geography
from healthgap.datasets.mortality import draw_deaths, draw_mortality, expected_by_group
from healthgap.datasets.population import draw_population

countries = st.tuples(
    st.integers(0, 2**32 - 1),  # seed
    st.lists(st.integers(1, 4), min_size=1, max_size=3),  # LAs per region
    st.integers(1, 5),  # extra wards per LA beyond the minimum of 6
    st.integers(1, 6),  # LSOAs per ward (on average)
)


@settings(max_examples=15, deadline=None)
@given(countries)
def test_geography_nests_and_numbers_every_area(country: tuple) -> None:
    seed, las, extra_wards, lsoas_per_ward = country
    n_ward = sum(las) * (6 + extra_wards)
    n_lsoa = n_ward * lsoas_per_ward
    geo = draw_geography(
        np.random.default_rng(seed), n_lsoa=n_lsoa, n_ward=n_ward, las_per_region=las
    )
    assert geo.lsoa_code.size == n_lsoa and len(set(geo.lsoa_code)) == n_lsoa
    assert len(set(geo.lsoa_name)) == n_lsoa
    assert (np.diff(geo.ward_of_lsoa) >= 0).all() and (np.diff(geo.la_of_ward) >= 0).all()
    assert np.bincount(geo.ward_of_lsoa, minlength=n_ward).min() >= 1
    assert np.bincount(geo.region_of_la).tolist() == las
    assert all(len(code) == 9 for code in (*geo.lsoa_code, *geo.ward_code, *geo.la_code))


@settings(max_examples=15, deadline=None)
@given(countries)
def test_binned_expectations_match_the_exact_sum_and_draws_are_counts(country: tuple) -> None:
    seed, las, extra_wards, lsoas_per_ward = country
    n_ward = sum(las) * (6 + extra_wards)
    rng = np.random.default_rng(seed)
    geo = draw_geography(rng, n_lsoa=n_ward * lsoas_per_ward, n_ward=n_ward, las_per_region=las)
    population = draw_population(rng, geo)
    model = draw_mortality(rng, geo)
    years = np.array([2011, 2024])

    exact_rates = model.multiplier(model.rank_fraction) * model.area_factor[:, None, None, None]
    from healthgap.datasets.mortality import period_trend

    trend = period_trend(model.rank_fraction, years)  # (year, LSOA)
    people = population.level[None] * population.scale(years)[:, :, None, None]
    exact = np.einsum("tlsb,lsbc,tl->tsbc", people, exact_rates, trend)
    group = np.zeros(geo.lsoa_code.size, dtype=int)
    person_years, deaths = expected_by_group(model, population, years, group, 1)
    assert np.allclose(person_years[0], people.sum(1), rtol=1e-10)
    # binning the rank moves each LSOA's rate by at most G * 1/400 on the log scale
    assert np.allclose(deaths[0], exact, rtol=0.01, atol=1e-9)

    counts = draw_deaths(rng, model, population.person_years(years), years)
    assert (counts["deaths"] >= 1).all()
    assert counts["lsoa"].max(initial=0) < geo.lsoa_code.size
