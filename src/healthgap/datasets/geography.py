"""Geography of the SYNTHETIC demo country: regions, local authorities, wards and LSOAs.

Everything is drawn at once as arrays (no loop over areas). Areas are nested and
numbered in order: LSOAs by ward, wards by local authority, local authorities by
region. Codes are 9-character GSS-style codes in a ``9xxxxx`` serial range that no
real area uses (e.g. LSOA ``E01900001``); names all start with "Synthetic". The
country keeps the code ``E92000001`` so that it can stand in for England as a
comparator; its name says it is synthetic.

>>> import numpy as np
>>> geo = draw_geography(np.random.default_rng(1), n_lsoa=40, n_ward=10, las_per_region=(2, 3))
>>> geo.lsoa_code[0], geo.la_code.size, int(geo.ward_of_lsoa.max()) + 1
('E01900001', 5, 10)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from healthgap.datasets import parameters as par

__all__ = ["COUNTRY_CODE", "COUNTRY_NAME", "Geography", "draw_geography"]

COUNTRY_CODE = "E92000001"
COUNTRY_NAME = "Synthetic England (SYNTHETIC demo country)"
_LA_KIND = {"E06": "Unitary", "E07": "District", "E08": "Metropolitan", "E09": "Borough"}


@dataclass(frozen=True)
class Geography:
    """Area codes, names and nesting, and each LSOA's deprivation and rurality."""

    region_code: np.ndarray
    region_name: np.ndarray
    la_code: np.ndarray
    la_name: np.ndarray
    region_of_la: np.ndarray  # index into region arrays
    ward_code: np.ndarray
    ward_name: np.ndarray
    la_of_ward: np.ndarray
    ward_rural: np.ndarray  # bool
    lsoa_code: np.ndarray
    lsoa_name: np.ndarray
    ward_of_lsoa: np.ndarray
    score: np.ndarray  # IMD-like deprivation score, higher = more deprived
    rank_fraction: np.ndarray  # national rank of score / N, 1 = most deprived

    @property
    def la_of_lsoa(self) -> np.ndarray:
        return self.la_of_ward[self.ward_of_lsoa]

    @property
    def lsoa_rural(self) -> np.ndarray:
        return self.ward_rural[self.ward_of_lsoa]


def _codes(prefix: np.ndarray | str, n: int) -> np.ndarray:
    serial = np.char.zfill((900_001 + np.arange(n)).astype(str), 6)
    return np.char.add(prefix, serial).astype(object)


def _spread(rng: np.random.Generator, total: int, groups: int, minimum: int) -> np.ndarray:
    """Split ``total`` items between ``groups`` (each at least ``minimum``), unevenly."""
    weights = rng.lognormal(0.0, 0.5, groups)
    extra = rng.multinomial(total - minimum * groups, weights / weights.sum())
    return extra + minimum


def _index_within(group: np.ndarray) -> np.ndarray:
    """0-based position of each item within its (contiguous) group."""
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    counts = np.diff(np.r_[starts, group.size])
    return np.arange(group.size) - np.repeat(starts, counts)


def _letters(k: np.ndarray) -> np.ndarray:
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype=object)
    first = np.where(k >= 26, alphabet[np.clip(k // 26 - 1, 0, 25)], "")
    return (first + alphabet[k % 26]).astype(object)


def draw_geography(
    rng: np.random.Generator,
    *,
    n_lsoa: int = par.N_LSOA,
    n_ward: int = par.N_WARD,
    las_per_region: Sequence[int] = par.LAS_PER_REGION,
) -> Geography:
    """Draw the nested areas and the LSOA deprivation scores of the synthetic country."""
    n_region = len(las_per_region)
    region_of_la = np.repeat(np.arange(n_region), las_per_region)
    n_la = region_of_la.size
    la_of_ward = np.repeat(np.arange(n_la), _spread(rng, n_ward, n_la, min(6, n_ward // n_la)))
    ward_of_lsoa = np.repeat(np.arange(n_ward), _spread(rng, n_lsoa, n_ward, 1))

    la_number = _index_within(region_of_la)
    la_prefix = np.where(rng.random(n_la) < 0.3, "E06", "E07").astype(object)
    for region, metropolitan in par.METROPOLITAN_LAS.items():  # a handful of regions
        la_prefix[(region_of_la == region) & (la_number < metropolitan)] = "E08"
    la_prefix[region_of_la == par.LONDON_REGION] = "E09"
    la_code = _codes(la_prefix.astype(str), n_la)
    kind = np.vectorize(_LA_KIND.get, otypes=[object])(la_prefix)
    la_name = (
        "Synthetic "
        + kind
        + " "
        + np.char.zfill((np.arange(n_la) + 1).astype(str), 3).astype(object)
    )

    rural_share = rng.beta(*par.RURAL_SHARE_BETA, n_la)
    rural_share[region_of_la == par.LONDON_REGION] = 0.0
    ward_rural = rng.random(n_ward) < rural_share[la_of_ward]

    region_effect = np.resize(np.asarray(par.REGION_SCORE_EFFECT), n_region)
    log_score = (
        par.SCORE_LOG_MEAN
        + region_effect[region_of_la][la_of_ward][ward_of_lsoa]
        + rng.normal(0.0, par.SCORE_SD["la"], n_la)[la_of_ward][ward_of_lsoa]
        + rng.normal(0.0, par.SCORE_SD["ward"], n_ward)[ward_of_lsoa]
        + par.RURAL_SCORE_EFFECT * ward_rural[ward_of_lsoa]
        + rng.normal(0.0, par.SCORE_SD["lsoa"], n_lsoa)
    )
    score = np.round(np.clip(np.exp(log_score), 0.5, 93.0), 3)
    # Ties are broken by position so every LSOA has a distinct rank.
    order = np.lexsort((np.arange(n_lsoa), score))
    rank_fraction = np.empty(n_lsoa)
    rank_fraction[order] = (np.arange(n_lsoa) + 1) / n_lsoa

    ward_in_la = _index_within(la_of_ward) + 1
    lsoa_name = (
        la_name[la_of_ward][ward_of_lsoa]
        + " "
        + np.char.zfill(ward_in_la[ward_of_lsoa].astype(str), 3).astype(object)
        + _letters(_index_within(ward_of_lsoa))
    )
    return Geography(
        region_code=_codes("E12", n_region),
        region_name=np.array([f"Synthetic Region {chr(65 + i)}" for i in range(n_region)], object),
        la_code=la_code,
        la_name=la_name,
        region_of_la=region_of_la,
        ward_code=_codes("E05", n_ward),
        ward_name="Synthetic Ward "
        + np.char.zfill((np.arange(n_ward) + 1).astype(str), 4).astype(object),
        la_of_ward=la_of_ward,
        ward_rural=ward_rural,
        lsoa_code=_codes("E01", n_lsoa),
        lsoa_name=lsoa_name,
        ward_of_lsoa=ward_of_lsoa,
        score=score,
        rank_fraction=rank_fraction,
    )
