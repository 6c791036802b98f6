"""SYNTHETIC insight tables for the demo country: small-area indicators, a lifestyle survey,
and service activity and need by LSOA, ethnic group, age band and sex.

Every table is drawn from the demo country of :func:`healthgap.datasets.generate_demo`
(same LSOAs, wards, local authorities, deprivation and populations, for the same seed)
with its own random streams, so adding them changes nothing in the demo's other tables.
No figure is a real statistic.

Tables (:func:`generate_insight_demo`):

- ``area_deprivation``: each LSOA's deprivation score and its *national* decile and
  quintile (1 = most deprived), as :func:`healthgap.data.assign_quantiles` gives them;
- ``area_indicators``: seven IMD-like domain scores per LSOA (for segmentation);
- ``lifestyle_survey``: one row per respondent (see :mod:`.lifestyle_survey`);
- ``service_need`` / ``service_activity``: by service (see :mod:`.service_use`);
- ``area_boundaries``: made-up shapes of the regions, local authorities and wards, so maps
  of the demo draw (see :mod:`.demo_boundaries`).

:func:`build_demo_workspace` writes them with the demo's other tables.

>>> tables = generate_insight_demo("small")
>>> sorted(tables)  # doctest: +NORMALIZE_WHITESPACE
['area_boundaries', 'area_deprivation', 'area_indicators', 'lifestyle_survey',
 'service_activity', 'service_need']
>>> bool(tables["area_indicators"]["area_code"].isin(tables["area_deprivation"]["area_code"]).all())
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthgap.data.deprivation import assign_quantiles
from healthgap.data.workspace import Workspace, write_workspace
from healthgap.datasets.demo import DEFAULT_SEED, SYNTHETIC_LABEL, VINTAGE, Size, load_demo
from healthgap.datasets.demo_boundaries import draw_boundaries
from healthgap.datasets.geography import draw_geography
from healthgap.datasets.lifestyle_survey import draw_lifestyle_survey
from healthgap.datasets.service_use import draw_service_use

__all__ = [
    "DEMO_DOMAINS",
    "INSIGHT_GENERATOR_VERSION",
    "INSIGHT_TABLES",
    "DemoAreas",
    "add_insight_tables",
    "demo_areas",
    "generate_insight_demo",
]

#: Bump when any insight table changes, so stale demo workspaces are rebuilt.
INSIGHT_GENERATOR_VERSION = 2
INSIGHT_TABLES = (
    "area_boundaries",
    "area_deprivation",
    "area_indicators",
    "lifestyle_survey",
    "service_activity",
    "service_need",
)
#: Columns of ``area_indicators``, named as in the IMD 2025 file.
DEMO_DOMAINS = (
    "Income_score",
    "Employment_score",
    "Education_score",
    "Health_score",
    "Crime_score",
    "Housing_and_Services_score",
    "Environment_score",
)
#: Streams 0-4 of the seed are the demo's own; the insight tables use 5 to 8.
_FIRST_STREAM = 5


@dataclass(frozen=True)
class DemoAreas:
    """The LSOAs of a demo size with what the insight generators need."""

    areas: pd.DataFrame  # area_code, parent_ward, parent_la, parent_region, urban, scores
    population: pd.DataFrame  # area_code, sex, age_start, person_years (latest period)
    period: str


def _streams(seed: int) -> list[np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(_FIRST_STREAM + 4)
    return [np.random.default_rng(s) for s in children[_FIRST_STREAM:]]


def demo_areas(
    size: Size = "small", seed: int = DEFAULT_SEED, tables: Mapping[str, pd.DataFrame] | None = None
) -> DemoAreas:
    """The demo's LSOAs with national deprivation deciles and the latest population
    (from ``tables``, the demo's own tables when they are at hand, else generated)."""
    tables = load_demo(size, seed=seed) if tables is None else tables
    lsoas = tables["areas"][tables["areas"]["level"] == "lsoa"].copy()
    # National deciles, also in the small demo: redraw the national geography exactly as
    # generate_demo does (stream 0 of the same seed), which is cheap and array-only.
    geo = draw_geography(np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0]))
    national = pd.DataFrame(
        {"deprivation_score": geo.score, "rank_fraction": geo.rank_fraction},
        index=geo.lsoa_code.astype(str),
    )
    national["deprivation_decile"] = assign_quantiles(national, 10).astype(int)
    codes = lsoas["area_code"].astype(str)
    lsoas["deprivation_decile"] = codes.map(national["deprivation_decile"]).to_numpy()
    lsoas["deprivation_quintile"] = (lsoas["deprivation_decile"] + 1) // 2
    lsoas["rank_fraction"] = codes.map(national["rank_fraction"]).to_numpy()
    lsoas["urban"] = (lsoas["urban_rural"].astype(str) == "urban").to_numpy()
    population = tables["population"]
    period = str(population["period"].cat.categories[-1])
    latest = population[(population["period"] == period) & population["area_code"].isin(codes)]
    latest = latest[["area_code", "sex", "age_start", "person_years"]].copy()
    latest["area_code"] = latest["area_code"].astype(str)
    latest["sex"] = latest["sex"].astype(str)
    keep = [
        "area_code",
        "area_name",
        "parent_ward",
        "parent_la",
        "parent_region",
        "deprivation_score",
        "deprivation_decile",
        "deprivation_quintile",
        "rank_fraction",
        "urban",
    ]
    out = lsoas[keep].reset_index(drop=True)
    out["area_code"] = out["area_code"].astype(str)
    return DemoAreas(out, latest.reset_index(drop=True), period)


def area_deprivation(areas: DemoAreas) -> pd.DataFrame:
    """``area_code``, ``vintage``, score and national decile and quintile of each LSOA."""
    out = areas.areas[
        ["area_code", "deprivation_score", "deprivation_decile", "deprivation_quintile"]
    ].copy()
    out.insert(1, "vintage", VINTAGE)
    return out


#: Kinds of place the demo's indicators are drawn around, as offsets in SD units for the
#: seven domains (income, employment, education, health, crime, barriers, environment).
_PLACE_KINDS = np.array(
    [
        [-0.8, -0.7, -0.8, -0.6, -0.9, 1.2, -0.7],  # rural, less deprived
        [0.5, 0.6, 0.7, 0.4, -0.3, 1.4, -0.2],  # rural, more deprived
        [-1.0, -0.9, -0.9, -0.8, -0.6, -0.4, -0.3],  # suburban, less deprived
        [0.0, 0.0, 0.0, 0.0, 0.3, 0.0, 0.3],  # mixed urban
        [1.4, 1.3, 1.2, 1.2, 1.0, 0.2, 0.6],  # deprived urban
        [0.4, 0.1, -0.6, 0.2, 1.8, 0.6, 1.6],  # town and city centres
    ]
)


def area_indicators(areas: DemoAreas, rng: np.random.Generator) -> pd.DataFrame:
    """Seven IMD-like domain scores per LSOA, on the scales of the IMD 2025 file.

    Each LSOA is one of six kinds of place (rural or urban, by deprivation, and centres
    with much crime and a poor living environment), chosen from its rurality and national
    deprivation rank; its domains are the kind's profile (:data:`_PLACE_KINDS`) plus the
    LSOA's own deprivation and noise, mapped onto each domain's usual range. So the demo
    has structure that a segmentation can find, and the domains correlate as IMD domains
    do without being copies of each other.
    """
    a = areas.areas
    n = len(a)
    r = a["rank_fraction"].to_numpy()
    urban = a["urban"].to_numpy(dtype=bool)
    centre = urban & (rng.random(n) < 0.12)
    kind = np.select(
        [~urban & (r < 0.5), ~urban, centre, r < 0.35, r < 0.75],
        [0, 1, 5, 2, 3],
        default=4,
    )
    z = _PLACE_KINDS[kind] + 0.6 * (r[:, None] - 0.5) + rng.normal(0, 0.35, (n, 7))

    def logistic(x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-x))

    scores = {
        "Income_score": np.round(0.6 * logistic(1.1 * z[:, 0] - 1.6), 3),
        "Employment_score": np.round(0.45 * logistic(1.1 * z[:, 1] - 1.8), 3),
        "Education_score": np.round(np.exp(2.7 + 0.6 * z[:, 2]).clip(0.1, 99), 3),
        "Health_score": np.round(0.9 * z[:, 3], 3),
        "Crime_score": np.round(0.8 * z[:, 4], 3),
        "Housing_and_Services_score": np.round(np.exp(3.0 + 0.4 * z[:, 5]).clip(1, 90), 3),
        "Environment_score": np.round(np.exp(3.0 + 0.45 * z[:, 6]).clip(1, 95), 3),
    }
    return pd.DataFrame({"area_code": a["area_code"], "vintage": VINTAGE, **scores})


def generate_insight_demo(
    size: Size = "small",
    *,
    seed: int = DEFAULT_SEED,
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """All SYNTHETIC insight tables for the demo of ``size`` and ``seed`` (see module doc).

    ``tables`` are the demo's own tables of the same size and seed (``areas`` and
    ``population``) when the caller has just generated them; otherwise they are generated.
    """
    areas = demo_areas(size, seed, tables)
    indicator_rng, survey_rng, service_rng, shape_rng = _streams(seed)
    need, activity = draw_service_use(areas, service_rng)
    every_area = load_demo(size, seed=seed)["areas"] if tables is None else tables["areas"]
    return {
        "area_boundaries": draw_boundaries(every_area, shape_rng),
        "area_deprivation": area_deprivation(areas),
        "area_indicators": area_indicators(areas, indicator_rng),
        "lifestyle_survey": draw_lifestyle_survey(areas, survey_rng, size=size),
        "service_activity": activity,
        "service_need": need,
    }


def add_insight_tables(
    path: str | os.PathLike[str], size: Size = "small", seed: int = DEFAULT_SEED
) -> Workspace:
    """Write the insight tables into the demo workspace at ``path`` (other tables kept)."""
    tables = generate_insight_demo(size, seed=seed)
    metadata = {"insight_generator_version": INSIGHT_GENERATOR_VERSION, "label": SYNTHETIC_LABEL}
    return write_workspace(path, tables, metadata=metadata)
