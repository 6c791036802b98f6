"""Build the SYNTHETIC demo country as tidy tables, and write it as a workspace.

Random numbers come from one :class:`numpy.random.SeedSequence` per seed, split into
independent streams for the geography, population, mortality and the death counts, so
the geography and rates of the small demo are exactly those of the national one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.model import CAUSE_GROUPS, parent_column
from healthgap.data.workspace import MANIFEST, Workspace, open_workspace, write_workspace
from healthgap.datasets import parameters as par
from healthgap.datasets.geography import COUNTRY_CODE, COUNTRY_NAME, Geography, draw_geography
from healthgap.datasets.mortality import (
    MortalityModel,
    draw_cell_deaths,
    draw_deaths,
    draw_mortality,
    expected_by_group,
)
from healthgap.datasets.population import PopulationModel, draw_population
from healthgap.errors import InputError, Problem

__all__ = [
    "DEFAULT_FIRST_YEAR",
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "SYNTHETIC_LABEL",
    "build_demo_tables",
    "build_demo_workspace",
    "check_demo_arguments",
    "demo_metadata",
    "generate_demo",
    "is_current_demo",
    "load_demo",
]

DEFAULT_SEED = 20_240_611
DEFAULT_FIRST_YEAR = 2010
DEFAULT_YEARS = 15
#: Bump when the generator's output changes, so stale demo workspaces are rebuilt.
GENERATOR_VERSION = 2  # 2: deaths never exceed person-years (binomial-multinomial draws)
SYNTHETIC_LABEL = "SYNTHETIC demo country"
VINTAGE = "2021"

Size = Literal["national", "small"]


def demo_metadata(size: str, seed: int, first_year: int, years: int) -> dict[str, object]:
    """Workspace metadata that marks a demo workspace (and identifies how it was built)."""
    return {
        "synthetic": True,
        "label": SYNTHETIC_LABEL,
        "seed": int(seed),
        "size": size,
        "first_year": int(first_year),
        "years": int(years),
        "generator_version": GENERATOR_VERSION,
    }


def check_demo_arguments(size: str, seed: int, first_year: int, years: int) -> None:
    """Raise one InputError listing every bad argument of :func:`generate_demo`."""
    problems = []
    if size not in ("national", "small"):
        problems.append(
            ("size", "unknown_size", f"size must be 'national' or 'small', not {size!r}")
        )
    if not isinstance(seed, int | np.integer) or seed < 0:
        problems.append(
            ("seed", "invalid_seed", f"seed must be a non-negative integer, not {seed!r}")
        )
    if not 1900 <= first_year <= 2100:
        problems.append(("first_year", "out_of_range", f"first_year {first_year} not in 1900-2100"))
    if not 1 <= years <= 60:
        problems.append(("years", "out_of_range", f"years must be 1 to 60, not {years}"))
    if problems:
        raise InputError(
            [Problem("<arguments>", None, col, rule, msg) for col, rule, msg in problems]
        )


def _small_la(geo: Geography) -> int:
    """The LA of the small demo: among LAs of 100+ LSOAs, the most mixed in deprivation
    (largest spread of national rank), so local quintiles differ clearly."""
    la = geo.la_of_lsoa
    n = np.bincount(la)
    mean = np.bincount(la, geo.rank_fraction) / n
    spread = np.bincount(la, geo.rank_fraction**2) / n - mean**2
    return int(np.argmax(np.where(n >= 100, spread, -1.0)))


def _pop_weighted(values: np.ndarray, weights: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    return np.round(np.bincount(group, values * weights, n) / np.bincount(group, weights, n), 3)


def _areas(geo: Geography, population: PopulationModel, la: int | None) -> pd.DataFrame:
    """The areas table (every level), restricted to one LA's branch when ``la`` is given."""
    people = population.level.sum(axis=(1, 2))
    lsoa_la, ward_la = geo.la_of_lsoa, geo.la_of_ward
    region_of_lsoa = geo.region_of_la[lsoa_la]
    n_ward, n_la, n_region = geo.ward_code.size, geo.la_code.size, geo.region_code.size
    rural_people = np.bincount(lsoa_la, people * geo.lsoa_rural, n_la)
    la_rural = rural_people / np.bincount(lsoa_la, people, n_la) > 0.5
    frames = {
        "lsoa": (geo.lsoa_code, geo.lsoa_name, geo.score, geo.lsoa_rural, geo.ward_of_lsoa),
        "ward": (
            geo.ward_code,
            geo.ward_name,
            _pop_weighted(geo.score, people, geo.ward_of_lsoa, n_ward),
            geo.ward_rural,
            np.arange(n_ward),
        ),
        "la": (
            geo.la_code,
            geo.la_name,
            _pop_weighted(geo.score, people, lsoa_la, n_la),
            la_rural,
            None,
        ),
        "region": (
            geo.region_code,
            geo.region_name,
            _pop_weighted(geo.score, people, region_of_lsoa, n_region),
            None,
            None,
        ),
    }
    la_of = {"lsoa": lsoa_la, "ward": ward_la, "la": np.arange(n_la), "region": None}
    tables = []
    for level, (code, name, score, rural, ward) in frames.items():  # 4 levels, not areas
        frame = pd.DataFrame({"area_code": code, "area_name": name, "level": level})
        frame["vintage"] = VINTAGE
        frame["deprivation_score"] = score
        frame["urban_rural"] = None if rural is None else np.where(rural, "rural", "urban")
        if ward is not None and level == "lsoa":
            frame[parent_column("ward")] = geo.ward_code[ward]
        if la_of[level] is not None and level != "la":
            frame[parent_column("la")] = geo.la_code[la_of[level]]
        region = np.arange(n_region) if level == "region" else geo.region_of_la[la_of[level]]
        if level != "region":
            frame[parent_column("region")] = geo.region_code[region]
        frame[parent_column("country")] = COUNTRY_CODE
        if la is not None:
            keep = region == geo.region_of_la[la] if level == "region" else la_of[level] == la
            frame = frame[keep]
        tables.append(frame)
    country = pd.DataFrame(
        {
            "area_code": [COUNTRY_CODE],
            "area_name": [COUNTRY_NAME],
            "level": ["country"],
            "vintage": [VINTAGE],
            "deprivation_score": [round(float(np.average(geo.score, weights=people)), 3)],
        }
    )
    areas = pd.concat([*tables, country], ignore_index=True)
    columns = ["area_code", "area_name", "level", "vintage", "deprivation_score", "urban_rural"]
    parents = [parent_column(lv) for lv in ("ward", "la", "region", "country")]
    areas = areas[columns + parents]
    for column in ("level", "vintage", "urban_rural"):
        areas[column] = areas[column].astype("category")
    return areas


def _long_population(codes: np.ndarray, person_years: np.ndarray, periods: list[str]):
    """Tidy population rows from an array (year, area, sex, band)."""
    n_year, n_area, n_sex, n_band = person_years.shape
    year, area, sex, band = (
        ix.ravel() for ix in np.indices(person_years.shape, dtype=np.int32, sparse=False)
    )
    return pd.DataFrame(
        {
            "area_code": pd.Categorical.from_codes(area, categories=codes),
            "period": pd.Categorical.from_codes(year, categories=periods),
            "sex": pd.Categorical.from_codes(sex, categories=list(par.DEMO_SEXES)),
            "age_start": np.asarray(STANDARD_STARTS, dtype=np.int16)[band],
            "person_years": person_years.ravel(),
        }
    )


def _long_deaths(codes: np.ndarray, counts: dict[str, np.ndarray], periods: list[str]):
    """Tidy deaths rows (zero counts omitted) from the sparse arrays of draw_deaths."""
    return pd.DataFrame(
        {
            "area_code": pd.Categorical.from_codes(counts["lsoa"], categories=codes),
            "period": pd.Categorical.from_codes(counts["year"], categories=periods),
            "sex": pd.Categorical.from_codes(counts["sex"], categories=list(par.DEMO_SEXES)),
            "age_start": np.asarray(STANDARD_STARTS, dtype=np.int16)[counts["age"]],
            "cause": pd.Categorical.from_codes(counts["cause"], categories=list(CAUSE_GROUPS)),
            "deaths": counts["deaths"],
        }
    )


def _country_counts(
    rng: np.random.Generator,
    mortality: MortalityModel,
    population: PopulationModel,
    years: np.ndarray,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Country person-years (rounded expected) and deaths for the small demo."""
    everyone = np.zeros(mortality.rank_fraction.size, dtype=int)
    person_years, deaths = expected_by_group(mortality, population, years, everyone, 1)
    at_risk = np.rint(person_years[0]).astype(np.int64)  # (year, sex, band)
    counts = draw_cell_deaths(rng, at_risk, deaths[0])  # (year, sex, band, cause)
    year, sex, age, cause = np.nonzero(counts)
    sparse = {
        "year": year,
        "lsoa": np.zeros(year.size, dtype=np.int32),
        "sex": sex,
        "age": age,
        "cause": cause,
        "deaths": counts[year, sex, age, cause].astype(np.int32),
    }
    return at_risk[:, None].astype(np.int32), sparse


def generate_demo(
    size: Size = "small",
    *,
    seed: int = DEFAULT_SEED,
    first_year: int = DEFAULT_FIRST_YEAR,
    years: int = DEFAULT_YEARS,
) -> dict[str, pd.DataFrame]:
    """Generate the SYNTHETIC demo country as tidy tables.

    Parameters
    ----------
    size : {"national", "small"}
        ``"national"``: 33,800 LSOAs in 6,800 wards, 300 local authorities and 9 regions.
        ``"small"``: one local authority (the most mixed in deprivation, about 100-200
        LSOAs) with its wards and LSOAs, its region and the country in ``areas``, plus
        population and deaths rows for the country (code ``E92000001``) so England-style
        comparisons work; the LSOAs' counts are drawn independently of the national mode.
    seed : int
        The same seed always gives identical tables.
    first_year, years : int
        Single-year periods ``str(first_year)`` onwards (default "2010" to "2024").

    Returns
    -------
    dict of DataFrame
        ``areas`` (every level, with ``parent_<level>`` and ``urban_rural`` columns),
        ``population`` (LSOA rows, plus country rows in the small mode) and ``deaths``
        (cells with zero deaths omitted: a missing row means 0 deaths).

    Notes
    -----
    Every table describes a SYNTHETIC country: no figure is a real statistic. The model
    and its calibration are documented in ``docs/demo-data.md``.

    Examples
    --------
    >>> tables = generate_demo("small", years=2)
    >>> sorted(tables), tables["population"]["period"].unique().tolist()
    (['areas', 'deaths', 'population'], ['2010', '2011'])
    """
    check_demo_arguments(size, seed, first_year, years)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    geo = draw_geography(streams[0])
    population = draw_population(streams[1], geo)
    mortality = draw_mortality(streams[2], geo)
    calendar = np.arange(first_year, first_year + years)
    periods = [str(y) for y in calendar]

    if size == "national":
        lsoas, la = None, None
        codes = geo.lsoa_code
    else:
        la = _small_la(geo)
        lsoas = np.flatnonzero(geo.la_of_lsoa == la)
        codes = np.append(geo.lsoa_code[lsoas], COUNTRY_CODE)
    person_years = population.person_years(calendar, lsoas)
    counts = draw_deaths(streams[3], mortality, person_years, calendar, lsoas)
    if size == "small":
        country_py, country_counts = _country_counts(streams[4], mortality, population, calendar)
        person_years = np.concatenate([person_years, country_py], axis=1)
        country_counts["lsoa"] += len(lsoas)
        counts = {k: np.concatenate([counts[k], country_counts[k]]) for k in counts}
    return {
        "areas": _areas(geo, population, la),
        "population": _long_population(codes.astype(str), person_years, periods),
        "deaths": _long_deaths(codes.astype(str), counts, periods),
    }


def build_demo_workspace(
    path: str | os.PathLike[str],
    size: Size = "national",
    seed: int = DEFAULT_SEED,
    *,
    first_year: int = DEFAULT_FIRST_YEAR,
    years: int = DEFAULT_YEARS,
    reuse: bool = True,
) -> Workspace:
    """Generate the SYNTHETIC demo country and write it as a workspace at ``path``.

    With ``reuse`` (default), an existing workspace whose metadata shows the same size,
    seed, years and generator version is returned without regenerating anything.

    >>> import tempfile
    >>> ws = build_demo_workspace(tempfile.mkdtemp() + "/demo", "small", years=1)
    >>> ws.is_synthetic, ws.metadata["label"], ws.tables
    (True, 'SYNTHETIC demo country', ['areas', 'deaths', 'population'])
    """
    workspace, _ = build_demo_tables(
        path, size, seed, first_year=first_year, years=years, reuse=reuse
    )
    return workspace


def build_demo_tables(
    path: str | os.PathLike[str],
    size: Size = "national",
    seed: int = DEFAULT_SEED,
    *,
    first_year: int = DEFAULT_FIRST_YEAR,
    years: int = DEFAULT_YEARS,
    reuse: bool = True,
    on_stage: Callable[[str], None] | None = None,
) -> tuple[Workspace, dict[str, pd.DataFrame] | None]:
    """As :func:`build_demo_workspace`, also returning the tables it generated (``None``
    when an up-to-date workspace was reused, so callers read only what they need).
    ``on_stage`` is called with "generate" and "write" as each stage starts."""
    check_demo_arguments(size, seed, first_year, years)
    metadata = demo_metadata(size, seed, first_year, years)
    if reuse and is_current_demo(path, metadata):
        return open_workspace(path), None
    if on_stage:
        on_stage("generate")
    tables = generate_demo(size, seed=seed, first_year=first_year, years=years)
    if on_stage:
        on_stage("write")
    return write_workspace(path, tables, metadata=metadata), tables


def is_current_demo(path: str | os.PathLike[str], metadata: dict[str, object]) -> bool:
    """Whether ``path`` holds a demo workspace built with exactly this ``metadata``."""
    if not os.path.isfile(os.path.join(path, MANIFEST)):
        return False
    existing = open_workspace(path)
    return all(existing.metadata.get(k) == v for k, v in metadata.items())


@lru_cache(maxsize=4)
def _cached(size: str, seed: int) -> dict[str, pd.DataFrame]:
    return generate_demo(size, seed=seed)  # type: ignore[arg-type]


def load_demo(size: Size = "small", *, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """The SYNTHETIC demo tables, generated once per process and then cached.

    Each call returns fresh copies, so callers may modify them freely.

    >>> load_demo()["areas"]["level"].value_counts()["la"]
    np.int64(1)
    """
    return {name: frame.copy() for name, frame in _cached(size, seed).items()}
