r"""SYNTHETIC service activity and need of the demo country, by LSOA, ethnic group, age and sex,
with under-use built in for known groups (:data:`UNDER_USE`).

Population. Each LSOA's people aged 18+ (latest demo year) are split into the 19 detailed
ethnic groups of the 2021 Census (a multinomial draw per LSOA, sex and age band): every
group other than White British has its approximate share in England (2021) scaled by
:math:`\exp(0.9\,(\text{urban} - 0.8) + 0.4\,(r - \tfrac12) + \text{London} +
\text{ward noise})`, so minority groups live more in towns and cities and in the London-like
region, and a little more in deprived areas (:math:`r` = national deprivation rank
fraction). Age and sex structure is the LSOA's own for every group.

Services (``need`` = population x ``prevalence``; activity over the period named):

================== ========================== ============ =========================
service            eligible                   prevalence   base uptake per need
================== ========================== ============ =========================
stop_smoking       18+                        smoking      0.05 quits (3 years)
nhs_health_check   40-74                      no CVD       0.45 checks (5 years)
bowel_screening    50-74                      1            0.68 screened (2 years)
================== ========================== ============ =========================

Activity is Poisson with mean need x base uptake x the product of the :data:`UNDER_USE`
factors of the cell; nothing else varies, so an audit should find exactly the groups in
:data:`EXPECTED_UNDER_USE` (the built-in groups and the groups made of them). Cells with no
activity have no activity row. No figure is a real statistic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from healthgap.datasets.parameters import LONDON_REGION
from healthgap.insight.ethnicity import DETAILED

if TYPE_CHECKING:
    from healthgap.datasets.insight_demo import DemoAreas

__all__ = [
    "BASE_UPTAKE",
    "EXPECTED_UNDER_USE",
    "SERVICE_AGE_BANDS",
    "SERVICES",
    "UNDER_USE",
    "draw_service_use",
]

SERVICE_AGE_BANDS = ("18-29", "30-39", "40-49", "50-59", "60-69", "70-74", "75+")
#: Service -> its eligible age bands.
SERVICES: dict[str, tuple[str, ...]] = {
    "stop_smoking": SERVICE_AGE_BANDS,
    "nhs_health_check": ("40-49", "50-59", "60-69", "70-74"),
    "bowel_screening": ("50-59", "60-69", "70-74"),
}
BASE_UPTAKE = {"stop_smoking": 0.05, "nhs_health_check": 0.45, "bowel_screening": 0.68}
_ASIAN, _BLACK = (
    "Asian, Asian British or Asian Welsh",
    "Black, Black British, Black Welsh, Caribbean or African",
)
#: Built-in under-use: service -> [(grouping, category, factor on uptake)].
UNDER_USE: dict[str, list[tuple[str, object, float]]] = {
    "stop_smoking": [("age_band", "18-29", 0.5)],
    "nhs_health_check": [("age_band", "40-49", 0.6), ("ethnic_group_high_level", _BLACK, 0.5)],
    "bowel_screening": [("deprivation_quintile", 1, 0.7), ("ethnic_group_high_level", _ASIAN, 0.6)],
}


def _members(group: str) -> set[str]:
    return {name for name, parent in DETAILED.items() if parent == group}


#: What an equity audit should flag (grouping -> categories as text), per service.
EXPECTED_UNDER_USE: dict[str, dict[str, set[str]]] = {
    "stop_smoking": {"age_band": {"18-29"}},
    "nhs_health_check": {
        "age_band": {"40-49"},
        "ethnic_group_high_level": {_BLACK},
        "ethnic_group": _members(_BLACK),
    },
    "bowel_screening": {
        "deprivation_quintile": {"1"},
        "deprivation_decile": {"1", "2"},
        "ethnic_group_high_level": {_ASIAN},
        "ethnic_group": _members(_ASIAN),
    },
}

#: Approximate shares of England's population in 2021 by detailed group (percent).
_ENGLAND_SHARES = {
    "Bangladeshi": 1.1,
    "Chinese": 0.8,
    "Indian": 3.3,
    "Pakistani": 2.7,
    "Other Asian": 1.7,
    "African": 2.5,
    "Caribbean": 1.1,
    "Other Black": 0.5,
    "White and Asian": 0.8,
    "White and Black African": 0.5,
    "White and Black Caribbean": 0.9,
    "Other Mixed or Multiple ethnic groups": 0.6,
    "English, Welsh, Scottish, Northern Irish or British": 73.5,
    "Irish": 0.9,
    "Gypsy or Irish Traveller": 0.1,
    "Roma": 0.2,
    "Other White": 6.3,
    "Arab": 0.6,
    "Any other ethnic group": 1.6,
}
_WHITE_BRITISH = "English, Welsh, Scottish, Northern Irish or British"
#: Share of each 5-year band start (15-19 ... 90+) falling in each service band.
_FIRST_AGE = {15: 0.4}


def _service_band(age_start: np.ndarray) -> np.ndarray:
    edges = [30, 40, 50, 60, 70, 75]
    return np.searchsorted(edges, age_start, side="right")


def _ethnic_shares(a: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Shares (LSOA x 19 groups) summing to 1 per LSOA."""
    names = list(DETAILED)
    base = np.array([_ENGLAND_SHARES[g] for g in names]) / 100.0
    minority = np.array([g != _WHITE_BRITISH for g in names])
    # region codes run E12900001... in the order of the demo's regions
    region = a["parent_region"].astype(str).str[-6:].astype(int).to_numpy() - 900_001
    region_effect = np.where(region == LONDON_REGION, 1.0, 0.0)
    ward_code = pd.factorize(a["parent_ward"])[0]
    ward_effect = rng.normal(0.0, 0.4, ward_code.max() + 1)[ward_code]
    scale = np.exp(
        0.9 * (a["urban"].to_numpy(float) - 0.8)
        + 0.4 * (a["rank_fraction"].to_numpy() - 0.5)
        + region_effect
        + ward_effect
    )
    noise = np.exp(rng.normal(0.0, 0.3, (len(a), len(names))))
    shares = base[None, :] * scale[:, None] * noise * minority[None, :]
    shares = shares * np.minimum(1.0, 0.85 / shares.sum(axis=1, keepdims=True))
    shares[:, ~minority] = 1.0 - shares.sum(axis=1, keepdims=True)
    return shares


def _table(columns: dict[str, tuple[np.ndarray, list[str]] | np.ndarray]) -> pd.DataFrame:
    """A frame from integer codes (as categories) and plain arrays."""
    out = {}
    for name, column in columns.items():
        if isinstance(column, tuple):
            codes, categories = column
            out[name] = pd.Categorical.from_codes(codes, categories=categories)
        else:
            out[name] = column
    return pd.DataFrame(out)


def draw_service_use(areas: DemoAreas, rng: np.random.Generator):
    """``(need, activity)`` tables for every service in :data:`SERVICES`.

    Cells are handled as integer codes (area, sex, band, ethnic group) until the tables are
    built, so the national demo (11 million need cells) stays within a few hundred MB.
    """
    a = areas.areas.reset_index(drop=True)
    pop = areas.population
    adult = pop[pop["age_start"] >= 15].copy()
    adult["people"] = adult["person_years"] * adult["age_start"].map(_FIRST_AGE).fillna(1.0)
    adult["band"] = _service_band(adult["age_start"].to_numpy())
    grouped = adult.groupby(["area_code", "sex", "band"], as_index=False)["people"].sum()
    area_codes = list(a["area_code"])
    sexes = sorted(set(grouped["sex"]))
    position = pd.Index(area_codes).get_indexer(grouped["area_code"])
    sex_code = pd.Index(sexes).get_indexer(grouped["sex"])
    shares = _ethnic_shares(a, rng)
    names = list(DETAILED)
    G = len(names)
    # whole people: each LSOA x sex x band split between the groups by a multinomial draw
    people = np.rint(grouped["people"].to_numpy()).astype(np.int64)
    population = rng.multinomial(people, shares[position]).ravel().astype(float)
    # the smallest integer codes that hold them: 11 million national cells move less memory
    cell_area = np.repeat(position.astype(np.int32), G)
    cell_sex = np.repeat(sex_code.astype(np.int8), G)
    cell_band = np.repeat(grouped["band"].to_numpy().astype(np.int8), G)
    cell_group = np.tile(np.arange(G, dtype=np.int8), len(grouped))
    present = population > 0
    cell_area, cell_sex, cell_band, cell_group, population = (
        x[present] for x in (cell_area, cell_sex, cell_band, cell_group, population)
    )
    rank = a["rank_fraction"].to_numpy()[cell_area]
    quintile = a["deprivation_quintile"].to_numpy()[cell_area]
    # integer codes throughout: 11 million national cells compared as numbers, not text
    high_levels = sorted(set(DETAILED.values()))
    high_level = np.array([high_levels.index(DETAILED[g]) for g in names])[cell_group]
    age_mid = np.array([23.5, 34.5, 44.5, 54.5, 64.5, 72, 82])[cell_band]
    male = cell_sex == sexes.index("male")

    needs: dict[str, list[np.ndarray]] = {}
    activities: dict[str, list[np.ndarray]] = {}
    for s, (service, bands) in enumerate(SERVICES.items()):  # three services
        keep = np.isin(cell_band, [SERVICE_AGE_BANDS.index(b) for b in bands])
        if service == "stop_smoking":
            logit = -1.95 + 2.4 * (rank - 0.5) + 0.25 * male - 0.02 * (age_mid - 40)
            prevalence = 1.0 / (1.0 + np.exp(-logit[keep]))
        elif service == "nhs_health_check":
            prevalence = 0.92 - 0.005 * (age_mid[keep] - 40)
        else:
            prevalence = np.ones(keep.sum())
        prevalence = np.round(prevalence, 4)
        factor = np.ones(keep.sum())
        for grouping, category, effect in UNDER_USE[service]:
            if grouping == "age_band":
                hit = cell_band[keep] == SERVICE_AGE_BANDS.index(str(category))
            elif grouping == "deprivation_quintile":
                hit = quintile[keep] == category
            else:
                hit = high_level[keep] == high_levels.index(str(category))
            factor = np.where(hit, factor * effect, factor)
        count = rng.poisson(population[keep] * prevalence * BASE_UPTAKE[service] * factor)
        keys = {
            "service": np.full(keep.sum(), s, dtype=np.int8),
            "area_code": cell_area[keep],
            "ethnic_group": cell_group[keep],
            "age_band": cell_band[keep],
            "sex": cell_sex[keep],
        }
        done = count > 0
        for name, values in keys.items():
            needs.setdefault(name, []).append(values)
            activities.setdefault(name, []).append(values[done])
        needs.setdefault("population", []).append(population[keep])
        needs.setdefault("prevalence", []).append(prevalence)
        activities.setdefault("activity", []).append(count[done])
    categories = {
        "service": list(SERVICES),
        "area_code": area_codes,
        "ethnic_group": names,
        "age_band": list(SERVICE_AGE_BANDS),
        "sex": sexes,
    }

    def table(parts: dict[str, list[np.ndarray]]) -> pd.DataFrame:
        joined = {name: np.concatenate(arrays) for name, arrays in parts.items()}
        return _table(
            {name: (v, categories[name]) if name in categories else v for name, v in joined.items()}
        )

    return table(needs), table(activities)
