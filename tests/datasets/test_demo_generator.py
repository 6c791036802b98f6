"""The SYNTHETIC demo generator: determinism, shape of the tables, speed, workspace writing."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.model import CAUSE_GROUPS, KEY_COLUMNS, TABLE_COLUMNS
from healthgap.data.workspace import table_hash
from healthgap.datasets import (
    COUNTRY_CODE,
    DEFAULT_SEED,
    build_demo_workspace,
    generate_demo,
    load_demo,
)
from healthgap.datasets import demo as demo_module
from healthgap.datasets.geography import draw_geography
from healthgap.errors import InputError

YEARS = 3  # short runs keep the suite fast; the default is 15


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return generate_demo("small", years=YEARS)


def test_small_demo_builds_in_well_under_two_seconds() -> None:
    start = time.perf_counter()
    tables = generate_demo("small")  # all 15 years
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"small demo took {elapsed:.2f} s"
    assert sorted(tables["population"]["period"].unique()) == [str(y) for y in range(2010, 2025)]


def test_same_seed_gives_identical_tables_and_another_seed_does_not() -> None:
    first = generate_demo("small", years=YEARS)
    second = generate_demo("small", years=YEARS)
    other = generate_demo("small", years=YEARS, seed=DEFAULT_SEED + 1)
    for name in ("areas", "population", "deaths"):
        assert table_hash(first[name]) == table_hash(second[name]), name
    assert table_hash(first["deaths"]) != table_hash(other["deaths"])
    assert table_hash(first["areas"]) != table_hash(other["areas"])


def test_writing_twice_gives_byte_identical_parquet(tmp_path: Path) -> None:
    one = build_demo_workspace(tmp_path / "one", "small", years=YEARS)
    two = build_demo_workspace(tmp_path / "two", "small", years=YEARS)
    for name in one.tables:
        file = f"{name}.parquet"
        assert (one.path / file).read_bytes() == (two.path / file).read_bytes(), name


def test_tables_follow_the_data_model(small: dict[str, pd.DataFrame]) -> None:
    for name, frame in small.items():
        assert list(frame.columns[: len(TABLE_COLUMNS[name])]) == list(TABLE_COLUMNS[name])
        assert not frame.duplicated(list(KEY_COLUMNS[name])).any(), name
    population, deaths = small["population"], small["deaths"]
    assert population["person_years"].dtype == np.int32
    assert deaths["deaths"].dtype == np.int32
    assert (deaths["deaths"] > 0).all(), "zero counts must be omitted"
    assert (population["person_years"] >= 0).all()
    assert set(deaths["age_start"]) <= set(STANDARD_STARTS)
    assert set(population["age_start"]) == set(STANDARD_STARTS)
    assert set(deaths["cause"].astype(str)) == set(CAUSE_GROUPS)
    assert set(population["sex"].astype(str)) == {"male", "female"}
    assert all(isinstance(p, str) for p in population["period"].unique())
    # every (area, period, sex, band) of population appears once: 20 bands x 2 sexes
    counts = population.groupby(["area_code", "period"], observed=True).size()
    assert (counts == 40).all()


def test_areas_are_synthetic_nested_and_gss_shaped(small: dict[str, pd.DataFrame]) -> None:
    areas = small["areas"]
    assert areas["area_code"].str.fullmatch(r"E\d{8}").all()
    assert areas["area_name"].str.contains("Synthetic|SYNTHETIC").all()
    counts = areas["level"].astype(str).value_counts().to_dict()
    assert counts["la"] == 1 and counts["region"] == 1 and counts["country"] == 1
    assert counts["lsoa"] >= 100 and counts["ward"] >= 6
    by_code = areas.set_index("area_code")["level"].astype(str)
    lsoa = areas[areas["level"] == "lsoa"]
    for level in ("ward", "la", "region", "country"):
        parents = lsoa[f"parent_{level}"]
        assert parents.notna().all()
        assert (by_code[parents].to_numpy() == level).all(), level
    assert lsoa["deprivation_score"].between(0.5, 93).all()
    assert set(lsoa["urban_rural"].astype(str)) <= {"urban", "rural"}


def test_small_demo_carries_country_rows_for_comparison(small: dict[str, pd.DataFrame]) -> None:
    population, deaths = small["population"], small["deaths"]
    country = population[population["area_code"] == COUNTRY_CODE]
    assert len(country) == YEARS * 2 * 20
    # the country is about 1,000 times bigger than the one local authority
    lsoas = population[population["area_code"] != COUNTRY_CODE]["person_years"].sum()
    assert 200 < country["person_years"].sum() / lsoas < 1000
    assert deaths.loc[deaths["area_code"] == COUNTRY_CODE, "deaths"].sum() > 1_000_000


def test_national_geography_has_the_stated_sizes() -> None:
    rng = np.random.default_rng(np.random.SeedSequence(DEFAULT_SEED).spawn(5)[0])
    geo = draw_geography(rng)
    assert (geo.lsoa_code.size, geo.ward_code.size, geo.la_code.size) == (33_800, 6_800, 300)
    assert geo.region_code.size == 9
    assert len(set(geo.lsoa_code)) == 33_800 and len(set(geo.la_code)) == 300
    assert np.bincount(geo.ward_of_lsoa).min() >= 1 and np.bincount(geo.la_of_ward).min() >= 6
    prefixes = {code[:3] for code in geo.la_code}
    assert prefixes == {"E06", "E07", "E08", "E09"}
    # rank fractions are a permutation of 1/N .. 1, highest score = most deprived
    assert np.allclose(np.sort(geo.rank_fraction), np.arange(1, 33_801) / 33_800)
    assert (np.diff(geo.score[np.argsort(geo.rank_fraction)]) >= 0).all()


def test_build_demo_workspace_marks_it_synthetic_and_reuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = build_demo_workspace(tmp_path / "demo", "small", seed=7, years=YEARS)
    assert ws.is_synthetic
    assert ws.metadata["label"] == "SYNTHETIC demo country"
    assert (ws.metadata["seed"], ws.metadata["size"]) == (7, "small")

    def no_generation(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the demo should have been reused, not generated again")

    monkeypatch.setattr(demo_module, "generate_demo", no_generation)
    again = build_demo_workspace(tmp_path / "demo", "small", seed=7, years=YEARS)
    assert again.hashes() == ws.hashes()
    with pytest.raises(AssertionError, match="reused"):
        build_demo_workspace(tmp_path / "demo", "small", seed=8, years=YEARS)


def test_load_demo_is_cached_and_returns_copies() -> None:
    first = load_demo("small")
    first["areas"].loc[:, "area_name"] = "changed"
    start = time.perf_counter()
    second = load_demo("small")
    assert time.perf_counter() - start < 0.5
    assert second["areas"]["area_name"].str.startswith("Synthetic").all()


def test_bad_arguments_report_every_problem() -> None:
    with pytest.raises(InputError) as caught:
        generate_demo("huge", seed=-1, years=0)  # type: ignore[arg-type]
    rules = {p.rule for p in caught.value.problems}
    assert rules == {"unknown_size", "invalid_seed", "out_of_range"}
    assert {p.column for p in caught.value.problems} == {"size", "seed", "years"}
