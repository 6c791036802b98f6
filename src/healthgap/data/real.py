"""Loaders for the real published English data in ``../shared/data`` (no hand edits).

They read the files through :func:`healthgap.data.load` with the built-in layouts, narrowed by
a mapping spec that keeps only English local authorities, exactly as a user would.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from healthgap.data.aggregate import aggregate
from healthgap.data.load import load

__all__ = ["CORNWALL_SCILLY", "load_mortality_2014"]

#: The deaths file gives Cornwall and the Isles of Scilly as one area under this code.
CORNWALL_SCILLY = "E06000052+E06000053"
_CORNWALL_PARTS = ("E06000052", "E06000053")

_ENGLISH_LAS = {
    "geography_level": ["local_authority"],
    "area_code": {"pattern": r"^E0[6-9]"},
}


def load_mortality_2014(shared_data_dir: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """2014 deaths and mid-2014 population of every English local authority.

    Parameters
    ----------
    shared_data_dir
        The ``shared/data`` folder (holding ``mortality_2014/``).

    Returns
    -------
    dict
        ``"population"`` and ``"deaths"`` (period ``"2014"``, male and female, the 20
        standard bands) and ``"areas"`` (level ``la``, vintage ``"2014"``,
        ``parent_country`` E92000001): 325 areas.

    Notes
    -----
    ONS publishes Cornwall and the Isles of Scilly together in the deaths file (code
    ``E06000052+E06000053``) but apart in the population estimates. The population of
    E06000052 and E06000053 is therefore summed into that combined area (with
    :func:`healthgap.data.aggregate` over a user-defined level), so that every deaths cell
    has its population. The single-year ages of the population (90 = 90+) are re-banded
    to the 20 standard bands.
    """
    folder = Path(shared_data_dir) / "mortality_2014"
    deaths = load(
        folder / "deaths_2014_by_area_sex_age.csv",
        {"extends": "ons_deaths", "keep_rows": _ENGLISH_LAS},
    )
    population_file = folder / "population_mid2014_by_area_sex_single_year_age.csv"
    population = load(
        population_file, {"extends": "ons_population_single_year", "keep_rows": _ENGLISH_LAS}
    )
    areas = load(
        population_file,
        {
            "table": "areas",
            "name": "ons_population_single_year:areas",
            "columns": {"area_code": "area_code", "area_name": "area_name"},
            "constants": {"level": "la", "vintage": "2014", "parent_country": "E92000001"},
            "keep_rows": _ENGLISH_LAS,
            "distinct": True,
        },
    )
    to_deaths_geography = areas[["area_code"]].assign(
        deaths_geography=areas["area_code"].replace(dict.fromkeys(_CORNWALL_PARTS, CORNWALL_SCILLY))
    )
    population = aggregate(population, to_deaths_geography, "deaths_geography")
    combined = pd.DataFrame(
        {
            "area_code": [CORNWALL_SCILLY],
            "area_name": ["Cornwall and Isles of Scilly"],
            "level": ["la"],
            "vintage": ["2014"],
            "parent_country": ["E92000001"],
        }
    )
    areas = pd.concat(
        [areas[~areas["area_code"].isin(_CORNWALL_PARTS)], combined], ignore_index=True
    )
    areas = areas.sort_values("area_code", ignore_index=True)
    for frame, source in ((deaths, deaths.attrs), (population, {}), (areas, {})):
        frame.attrs = {"source": source.get("source", "mortality_2014"), "area_codes": "gss"}
    return {"population": population, "deaths": deaths, "areas": areas}
