r"""Death rates and death counts of the SYNTHETIC demo country.

The rate model is written out in :mod:`healthgap.datasets.parameters`. Counts are drawn one
year at a time so memory stays bounded (a year of the national country is 33,800 LSOAs
x 2 sexes x 20 bands x 8 causes). Each cell's deaths from all causes are binomial among the
people at risk, then split over causes by their share of the expected deaths:

.. math::

    D_{tlsb\cdot} \sim \operatorname{Binomial}\!\left(P_{tlsb},\,
        \min\{1, \textstyle\sum_c m_{tlsbc}\}\right), \qquad
    (D_{tlsbc})_c \mid D_{tlsb\cdot} \sim \operatorname{Multinomial}\!\left(D_{tlsb\cdot},\,
        m_{tlsbc} / \textstyle\sum_{c'} m_{tlsbc'}\right)

so a cell never has more deaths than person-years, and the expected count is still
:math:`P_{tlsb}\, m_{tlsbc}` wherever the all-cause rate is below one. (Independent Poisson
counts per cause, which this replaces, have the same means but could exceed the
population of a tiny cell of the very old, which the data model refuses.) Expected counts for
large groups (the country, the deprivation deciles) are computed exactly up to a binning of
the deprivation rank into :data:`RANK_BINS` bins, which is what lets the small demo carry
country totals cheaply.

>>> import numpy as np
>>> from healthgap.datasets.geography import draw_geography
>>> from healthgap.datasets.population import draw_population
>>> rng = np.random.default_rng(1)
>>> geo = draw_geography(rng, n_lsoa=40, n_ward=10, las_per_region=(2, 3))
>>> pop = draw_population(rng, geo)
>>> model = draw_mortality(rng, geo)
>>> years = np.arange(2021, 2024)
>>> counts = draw_deaths(rng, model, pop.person_years(years), years)
>>> sorted(counts)
['age', 'cause', 'deaths', 'lsoa', 'sex', 'year']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sparse

from healthgap.datasets import parameters as par
from healthgap.datasets.geography import Geography
from healthgap.datasets.population import PopulationModel

__all__ = [
    "RANK_BINS",
    "MortalityModel",
    "draw_cell_deaths",
    "draw_deaths",
    "draw_mortality",
    "expected_by_group",
]

RANK_BINS = 200


@dataclass(frozen=True)
class MortalityModel:
    """Per-LSOA rate factors plus the calibrated level and gradient scale per sex."""

    rank_fraction: np.ndarray  # (LSOA,), 1 = most deprived
    area_factor: np.ndarray  # (LSOA,), frailty x rural factor, mean about 1
    level: dict[str, float] = field(default_factory=lambda: dict(par.LEVEL))
    gradient_scale: dict[str, float] = field(default_factory=lambda: dict(par.GRADIENT_SCALE))

    def multiplier(self, rank: np.ndarray) -> np.ndarray:
        """Rate per person-year in the reference year, shaped (rank, sex, band, cause),
        for LSOAs (or bins) at deprivation ``rank`` with an area factor of 1."""
        schedule = np.stack([self.level[s] * par.cause_schedule(s) for s in par.DEMO_SEXES])
        scale = np.array([self.gradient_scale[s] for s in par.DEMO_SEXES])
        exponent = (
            scale[None, :, None, None]
            * par.age_weight()[None, None, :, None]
            * par.CAUSE_GRADIENT[None, None, None, :]
            * (np.asarray(rank)[:, None, None, None] - 0.5)
        )
        return schedule[None] * np.exp(exponent)


def period_trend(rank: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Rate factor relative to the reference year, shaped (year, rank): a steady fall for
    everyone before the break year, then a faster fall for the least deprived."""
    years = np.asarray(years, float)[:, None]
    after = (
        par.IMPROVEMENT_AFTER_LEAST
        + (par.IMPROVEMENT_AFTER_MOST - par.IMPROVEMENT_AFTER_LEAST) * np.asarray(rank)[None, :]
    )
    since_break = np.maximum(years, par.TREND_BREAK_YEAR) - par.REFERENCE_YEAR
    before_break = np.minimum(years, par.TREND_BREAK_YEAR) - par.TREND_BREAK_YEAR
    return np.exp(-after * since_break - par.IMPROVEMENT_BEFORE * before_break)


def draw_mortality(rng: np.random.Generator, geo: Geography) -> MortalityModel:
    """Draw each LSOA's frailty (log-normal, mean one) and apply its rural factor."""
    sd = par.FRAILTY_SD
    frailty = rng.lognormal(-(sd**2) / 2, sd, geo.lsoa_code.size)
    rural = np.where(geo.lsoa_rural, par.RURAL_RATE_FACTOR, 1.0)
    return MortalityModel(rank_fraction=geo.rank_fraction, area_factor=frailty * rural)


def draw_deaths(
    rng: np.random.Generator,
    model: MortalityModel,
    person_years: np.ndarray,
    years: np.ndarray,
    lsoas: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Poisson death counts for ``person_years`` (year, LSOA, sex, band), keeping only the
    non-zero cells. Returns index arrays (year, lsoa, sex, age, cause) and ``deaths``;
    ``lsoa`` indexes ``person_years``' LSOA axis."""
    pick = slice(None) if lsoas is None else lsoas
    rank = model.rank_fraction[pick]
    # Rate per person-year in the reference year, per LSOA: (LSOA, sex, band, cause).
    rates = model.multiplier(rank) * model.area_factor[pick, None, None, None]
    trend = period_trend(rank, years)
    parts: list[tuple[np.ndarray, ...]] = []
    for t in range(len(years)):  # one year at a time bounds memory; years are few
        expected = rates * (person_years[t] * trend[t][:, None, None])[..., None]
        counts = draw_cell_deaths(rng, person_years[t], expected)
        flat = np.flatnonzero(counts)
        lsoa, sex, age, cause = np.unravel_index(flat, counts.shape)
        year = np.full(flat.size, t, dtype=np.int16)
        parts.append((year, lsoa, sex, age, cause, counts.reshape(-1)[flat]))
    names = ("year", "lsoa", "sex", "age", "cause", "deaths")
    dtypes = (np.int16, np.int32, np.int8, np.int8, np.int8, np.int32)
    return {
        name: np.concatenate([p[i] for p in parts]).astype(dtype)
        for i, (name, dtype) in enumerate(zip(names, dtypes, strict=True))
    }


def draw_cell_deaths(
    rng: np.random.Generator, person_years: np.ndarray, expected: np.ndarray
) -> np.ndarray:
    """Death counts shaped like ``expected`` (..., cause), never summing over causes to more
    than the cell's ``person_years`` (...): a binomial all-cause count among the people at
    risk, split over causes by a multinomial draw (see the module docstring).

    >>> rng = np.random.default_rng(0)
    >>> counts = draw_cell_deaths(rng, np.array([2, 1000]), np.array([[3.0, 1.0], [5.0, 5.0]]))
    >>> int(counts[0].sum()) <= 2, counts.shape
    (True, (2, 2))
    """
    at_risk = np.asarray(person_years).astype(np.int64)
    total_expected = expected.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        probability = np.where(at_risk > 0, total_expected / np.maximum(at_risk, 1), 0.0)
    totals = rng.binomial(at_risk, np.clip(probability, 0.0, 1.0))
    n_causes = expected.shape[-1]
    counts = np.zeros((totals.size, n_causes), dtype=np.int32)
    died = np.flatnonzero(totals)
    if died.size:
        weights = expected.reshape(-1, n_causes)[died]
        remaining = totals.reshape(-1)[died]
        split = np.zeros((died.size, n_causes), dtype=np.int32)
        # Most cells have one death: its cause is one categorical draw.
        one = np.flatnonzero(remaining == 1)
        cumulative = np.cumsum(weights[one], axis=1)
        pick = rng.random(one.size) * cumulative[:, -1]
        cause = np.minimum((pick[:, None] >= cumulative).sum(axis=1), n_causes - 1)
        split[one, cause] = 1
        # Others: the multinomial split as a chain of binomials, one vectorised draw per
        # cause, D_c ~ Binomial(deaths not yet assigned, m_c / sum of m over causes c..last).
        many = np.flatnonzero(remaining > 1)
        later = np.cumsum(weights[many, ::-1], axis=1)[:, ::-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = np.clip(np.nan_to_num(weights[many] / later), 0.0, 1.0)
        left = remaining[many]
        for c in range(n_causes - 1):
            drawn = rng.binomial(left, shares[:, c])
            split[many, c] = drawn
            left = left - drawn
        split[many, -1] = left
        counts[died] = split
    return counts.reshape(expected.shape)


def expected_by_group(
    model: MortalityModel,
    population: PopulationModel,
    years: np.ndarray,
    group: np.ndarray,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Expected person-years (group, year, sex, band) and deaths (group, year, sex, band,
    cause) summed over the LSOAs of each group (e.g. all zeros for the country).

    LSOAs are binned by deprivation rank within each group; within a bin, rates use the
    bin's centre rank (well under 1% error per cell; far less for sums over many LSOAs).
    """
    n_lsoa = model.rank_fraction.size
    rank_bin = np.minimum((model.rank_fraction * RANK_BINS).astype(int), RANK_BINS - 1)
    column = np.asarray(group) * RANK_BINS + rank_bin
    n_cells = population.level.shape[1] * population.level.shape[2]
    level = population.level.reshape(n_lsoa, n_cells)
    rows = np.repeat(np.arange(n_lsoa), n_cells)
    cols = (column[:, None] * n_cells + np.arange(n_cells)).ravel()
    shape = (n_lsoa, n_groups * RANK_BINS * n_cells)
    people = sparse.csr_matrix((level.ravel(), (rows, cols)), shape=shape)
    at_risk = sparse.csr_matrix(((level * model.area_factor[:, None]).ravel(), (rows, cols)), shape)
    growth = population.scale(years)  # (year, LSOA)
    out_shape = (len(years), n_groups, RANK_BINS) + population.level.shape[1:]
    person_years = np.asarray((people.T @ growth.T).T).reshape(out_shape)
    weighted = np.asarray((at_risk.T @ growth.T).T).reshape(out_shape)

    centre = (np.arange(RANK_BINS) + 0.5) / RANK_BINS
    rate = model.multiplier(centre)  # (bin, sex, band, cause)
    trend = period_trend(centre, years)  # (year, bin)
    deaths = np.einsum("tgksb,ksbc,tk->gtsbc", weighted, rate, trend, optimize=True)
    return person_years.sum(axis=2).transpose(1, 0, 2, 3), deaths
