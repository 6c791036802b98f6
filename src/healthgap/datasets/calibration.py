r"""Measure the SYNTHETIC demo country with healthgap's own tools, and calibrate it.

:func:`measure_demo` computes, from the tidy tables, the figures the demo is calibrated to:
life expectancy at birth (Chiang II, 95% CI) for the latest pooled years, the gap between
the most and least deprived deciles of LSOAs (deaths and person-years pooled within each
decile), the Arriaga decomposition of the most-vs-least deprived quintile gap by cause and
age (:mod:`healthgap.decomposition.arriaga`), and the decile gap for every rolling pool of
years. :func:`calibrate` solves for the level and gradient scale per sex in
:mod:`healthgap.datasets.parameters` on *expected* counts, so the Poisson noise of one seed
does not leak into the constants.

Deprivation quantiles follow PHEindicatormethods' ``phe_quantile`` (decile 1 = most
deprived, LSOAs ranked by score, ties at the minimum rank):

.. math::

    q = \left\lfloor (n + 1) - \left\lceil \frac{(N + 1) - \mathrm{rank}}{N / n}
        \right\rceil \right\rfloor, \quad q = \max(q, 1)

>>> from healthgap.datasets import load_demo
>>> figures = measure_demo(load_demo("small"))
>>> sorted(figures.life_expectancy)
['female', 'male']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.deprivation import assign_quantiles
from healthgap.data.model import CAUSE_GROUPS
from healthgap.datasets import parameters as par
from healthgap.datasets.geography import COUNTRY_CODE
from healthgap.decomposition.arriaga import arriaga_contributions, split_by_cause
from healthgap.measures.life_table import chiang_life_table
from healthgap.periods import Period

__all__ = ["DemoFigures", "calibrate", "deprivation_quantiles", "measure_demo"]


def deprivation_quantiles(scores: np.ndarray, n: int) -> np.ndarray:
    """Quantile of each area (1 = highest score = most deprived), by
    :func:`healthgap.data.assign_quantiles` (``phe_quantile``).

    >>> deprivation_quantiles(np.array([5.0, 40.0, 12.0, 25.0]), 2).tolist()
    [2, 1, 2, 1]
    """
    frame = pd.DataFrame({"deprivation_score": np.asarray(scores, float)})
    return assign_quantiles(frame, n).to_numpy(dtype=int)


@dataclass(frozen=True)
class DemoFigures:
    """Headline figures of a demo country (see :func:`measure_demo`)."""

    pool: str  # e.g. "2022-24"
    life_expectancy: dict[str, tuple[float, float, float]]  # sex -> (value, lower95, upper95)
    decile_gap: dict[str, float]  # decile 10 minus decile 1 LE, by sex
    quintile_gap: dict[str, float]
    cause_shares: dict[str, dict[str, float]]  # sex -> cause -> share of the quintile gap
    age_contributions: dict[str, np.ndarray]  # sex -> contribution of each band (years)
    cause_by_age: dict[str, np.ndarray]  # sex -> (band, cause) contributions (years)
    gap_trend: pd.DataFrame  # pool, sex, decile_gap


def _codes(column: pd.Series, categories: list) -> np.ndarray:
    """Position of each value in ``categories`` (-1 if absent), fast for categoricals."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        lookup = pd.Index(categories).get_indexer(column.cat.categories.astype(str))
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes], -1)
    return pd.Index(categories).get_indexer(column.astype(str))


@dataclass(frozen=True)
class _Cells:
    """Each row's area position and its (period, sex, band[, cause]) cell, computed once
    per table so that summing into any grouping of areas is one bincount."""

    area: np.ndarray
    cell: np.ndarray
    shape: tuple[int, ...]
    value: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, value: str, codes: list[str], periods: list[str]) -> _Cells:
        parts = [
            _codes(frame["period"], periods),
            _codes(frame["sex"], list(par.DEMO_SEXES)),
            pd.Index(STANDARD_STARTS).get_indexer(frame["age_start"]),
        ]
        shape = [len(periods), len(par.DEMO_SEXES), len(STANDARD_STARTS)]
        if "cause" in frame:
            parts.append(_codes(frame["cause"], list(CAUSE_GROUPS)))
            shape.append(len(CAUSE_GROUPS))
        area = _codes(frame["area_code"], codes)
        cell = np.zeros(len(frame), dtype=np.int64)
        valid = area >= 0
        for part, size in zip(parts, shape, strict=True):  # 4 or 5 columns, not rows
            cell *= size
            cell += part
            valid &= part >= 0
        weights = frame[value].to_numpy(dtype=float)
        if not valid.all():  # rows outside the vocabularies are left out
            area, cell, weights = area[valid], cell[valid], weights[valid]
        return cls(area, cell, tuple(shape), weights)

    def sum_by(self, group: np.ndarray, n_groups: int) -> np.ndarray:
        """Array (group, period, sex, band[, cause]); areas with group -1 are left out."""
        g = group[self.area]
        size = int(np.prod(self.shape))
        flat = g.astype(np.int64) * size + self.cell
        weights = self.value
        if (g < 0).any():
            keep = g >= 0
            flat, weights = flat[keep], weights[keep]
        return np.bincount(flat, weights, n_groups * size).reshape(n_groups, *self.shape)


def _decomposition(P: np.ndarray, D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Arriaga by band and by (band, cause) of LE(group 1) - LE(group 0), per sex."""
    base = chiang_life_table(D[0].sum(-1), P[0])
    comp = chiang_life_table(D[1].sum(-1), P[1])
    parts = arriaga_contributions(base, comp)
    by_cause, _ = split_by_cause(parts.total, D[0] / P[0][..., None], D[1] / P[1][..., None])
    return parts.total, by_cause


def measure_demo(tables: dict[str, pd.DataFrame], pool: int = 3) -> DemoFigures:
    """Measure the headline figures of a demo country (national or small) from its tables.

    The country figures use the country rows when present (small demo), else the sum of
    all LSOAs. Deciles and quintiles are of the LSOAs present, ranked by
    ``deprivation_score``: national ones for the national demo, local ones (within the one
    local authority) for the small demo.
    """
    areas, population, deaths = tables["areas"], tables["population"], tables["deaths"]
    periods = sorted(map(str, pd.unique(population["period"])))
    lsoa = areas[areas["level"] == "lsoa"]
    codes = [*lsoa["area_code"].astype(str), COUNTRY_CODE]
    scores = lsoa["deprivation_score"].to_numpy(float)
    decile = np.append(deprivation_quantiles(scores, 10) - 1, -1)
    quintile = np.append(deprivation_quantiles(scores, 5) - 1, -1)
    has_country = bool((_codes(population["area_code"], [COUNTRY_CODE]) == 0).any())
    national = np.append(np.full(len(scores), -1 if has_country else 0), 0 if has_country else -1)

    people = _Cells.of(population, "person_years", codes, periods)
    dead = _Cells.of(deaths, "deaths", codes, periods)

    def cubes(group: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        return people.sum_by(group, n), dead.sum_by(group, n)

    latest = slice(len(periods) - pool, len(periods))
    P, D = cubes(national, 1)
    country = chiang_life_table(D[0, latest].sum((0, -1)), P[0, latest].sum(0))
    z = stats.norm.ppf(0.975)
    e0, se0 = country.e[:, 0], country.se[:, 0]
    life_expectancy = {
        sex: (float(e0[i]), float(e0[i] - z * se0[i]), float(e0[i] + z * se0[i]))
        for i, sex in enumerate(par.DEMO_SEXES)
    }

    Pd, Dd = cubes(decile, 10)
    # Rolling pools of `pool` years: sums over a sliding window along the period axis.
    window = len(periods) - pool + 1
    roll_P = np.stack([Pd[:, i : i + pool].sum(1) for i in range(window)], axis=1)
    roll_D = np.stack([Dd[:, i : i + pool].sum((1, -1)) for i in range(window)], axis=1)
    e_dec = chiang_life_table(roll_D, roll_P).e[..., 0]  # (decile, pool, sex)
    gaps = e_dec[9] - e_dec[0]
    labels = [Period.of_years(periods[i : i + pool]).label for i in range(window)]
    gap_trend = pd.DataFrame(
        {
            "pool": np.repeat(labels, len(par.DEMO_SEXES)),
            "sex": np.tile(par.DEMO_SEXES, window),
            "decile_gap": gaps.ravel(),
        }
    )

    Pq, Dq = cubes(quintile, 5)
    ends_P = Pq[[0, 4], latest].sum(1)
    ends_D = Dq[[0, 4], latest].sum(1)
    by_age, by_cause = _decomposition(ends_P, ends_D)
    quintile_gap = by_age.sum(-1)
    sexes = list(par.DEMO_SEXES)
    return DemoFigures(
        pool=Period.of_years(periods[latest]).label,
        life_expectancy=life_expectancy,
        decile_gap={s: float(gaps[-1, i]) for i, s in enumerate(sexes)},
        quintile_gap={s: float(quintile_gap[i]) for i, s in enumerate(sexes)},
        cause_shares={
            s: dict(zip(CAUSE_GROUPS, by_cause[i].sum(0) / quintile_gap[i], strict=True))
            for i, s in enumerate(sexes)
        },
        age_contributions={s: by_age[i] for i, s in enumerate(sexes)},
        cause_by_age={s: by_cause[i] for i, s in enumerate(sexes)},
        gap_trend=gap_trend,
    )


def _expected_tables(seed: int):  # noqa: ANN202 - internal helper returning the model parts
    from healthgap.datasets.geography import draw_geography
    from healthgap.datasets.mortality import draw_mortality, expected_by_group
    from healthgap.datasets.population import draw_population

    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    geo = draw_geography(streams[0])
    population = draw_population(streams[1], geo)
    mortality = draw_mortality(streams[2], geo)
    decile = deprivation_quantiles(geo.score, 10) - 1
    years = np.arange(par.REFERENCE_YEAR - 1, par.REFERENCE_YEAR + 2)
    return mortality, population, years, decile, expected_by_group


def calibrate(seed: int | None = None) -> dict[str, dict[str, float]]:
    """Solve for ``LEVEL`` and ``GRADIENT_SCALE`` (per sex) so that the *expected* national
    LE and decile gap of the pooled years around the reference year hit ``TARGETS``.

    Returns ``{"LEVEL": {...}, "GRADIENT_SCALE": {...}}`` to paste into parameters.py.
    """
    from dataclasses import replace

    from healthgap.datasets.demo import DEFAULT_SEED

    model, population, years, decile, expected = _expected_tables(
        DEFAULT_SEED if seed is None else seed
    )
    result: dict[str, dict[str, float]] = {"LEVEL": {}, "GRADIENT_SCALE": {}}
    for i, sex in enumerate(par.DEMO_SEXES):  # two sexes

        def misfit(x: np.ndarray, i: int = i, sex: str = sex) -> np.ndarray:
            trial = replace(
                model,
                level={**model.level, sex: float(x[0])},
                gradient_scale={**model.gradient_scale, sex: float(x[1])},
            )
            P, D = expected(trial, population, years, decile, 10)
            e_dec = chiang_life_table(D.sum((1, 4))[:, i], P.sum(1)[:, i]).e[:, 0]
            e_all = chiang_life_table(D.sum((0, 1, 4))[i], P.sum((0, 1))[i]).e[0]
            return np.array(
                [
                    e_all - par.TARGETS[f"le_{sex}"],
                    e_dec[9] - e_dec[0] - par.TARGETS[f"decile_gap_{sex}"],
                ]
            )

        start = np.array([model.level[sex], model.gradient_scale[sex]])
        solution = optimize.fsolve(misfit, start, xtol=1e-10)
        result["LEVEL"][sex] = round(float(solution[0]), 5)
        result["GRADIENT_SCALE"][sex] = round(float(solution[1]), 5)
    return result
