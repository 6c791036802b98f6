"""Calibration of the SYNTHETIC demo country against published English figures.

Targets (docs/demo-data.md): LE at birth 79.5 (males) and 83.1 (females); most vs least
deprived decile gap 9.4 and 7.4 years (ONS, national IMD deciles of LSOAs); about two-thirds
of the most-vs-least deprived quintile gap from circulatory disease, cancer and respiratory
disease and more than half at ages 60+ (OHID Segment Tool commentary, May 2019); a gap that
widens after 2011. National figures are checked here on *expected* counts (fast, exact up
to binning); the realised national figures are measured by ``benchmarks/bench_demo.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.model import CAUSE_GROUPS
from healthgap.datasets import COUNTRY_CODE, load_demo
from healthgap.datasets import parameters as par
from healthgap.datasets.calibration import (
    _decomposition,
    _expected_tables,
    calibrate,
    measure_demo,
)
from healthgap.datasets.demo import DEFAULT_SEED
from healthgap.datasets.mortality import expected_by_group
from healthgap.measures.life_table import chiang_life_table

STARTS = np.asarray(STANDARD_STARTS)
CAUSE = {name: i for i, name in enumerate(CAUSE_GROUPS)}


@pytest.fixture(scope="module")
def expected_national() -> dict[str, np.ndarray]:
    """Expected person-years and deaths by national decile and quintile, every year."""
    model, population, _, decile, _ = _expected_tables(DEFAULT_SEED)
    years = np.arange(2010, 2025)
    quintile = decile // 2  # with N divisible by 10, quintiles are pairs of deciles
    P10, D10 = expected_by_group(model, population, years, decile, 10)
    P5, D5 = expected_by_group(model, population, years, quintile, 5)
    return {"P10": P10, "D10": D10, "P5": P5, "D5": D5}


def _le(P: np.ndarray, D: np.ndarray) -> np.ndarray:
    return chiang_life_table(D.sum(-1), P).e[..., 0]


def test_stored_constants_are_the_calibrated_ones() -> None:
    solved = calibrate()
    for name, stored in (("LEVEL", par.LEVEL), ("GRADIENT_SCALE", par.GRADIENT_SCALE)):
        for sex in par.DEMO_SEXES:
            assert solved[name][sex] == pytest.approx(stored[sex], abs=2e-5), (name, sex)


def test_expected_national_le_and_decile_gap_hit_the_targets(
    expected_national: dict[str, np.ndarray],
) -> None:
    latest = slice(12, 15)  # 2022-24
    P = expected_national["P10"][:, latest].sum(1)
    D = expected_national["D10"][:, latest].sum(1)
    national = _le(P.sum(0), D.sum(0))
    by_decile = _le(P, D)  # (decile, sex)
    for i, sex in enumerate(par.DEMO_SEXES):
        assert national[i] == pytest.approx(par.TARGETS[f"le_{sex}"], abs=0.01)
        gap = by_decile[9, i] - by_decile[0, i]
        assert gap == pytest.approx(par.TARGETS[f"decile_gap_{sex}"], abs=0.01)
        assert (np.diff(by_decile[:, i]) > 0).all(), "LE must rise steadily with decile"


def test_quintile_gap_is_mostly_circulatory_cancer_respiratory_and_older_ages(
    expected_national: dict[str, np.ndarray],
) -> None:
    latest = slice(12, 15)
    P = expected_national["P5"][[0, 4], latest].sum(1)
    D = expected_national["D5"][[0, 4], latest].sum(1)
    by_age, by_cause = _decomposition(P, D)
    for i, sex in enumerate(par.DEMO_SEXES):
        gap = by_age[i].sum()
        assert by_cause[i].sum() == pytest.approx(gap, rel=1e-12)
        big_three = by_cause[i][:, [CAUSE["circulatory"], CAUSE["cancer"], CAUSE["respiratory"]]]
        assert 0.60 < big_three.sum() / gap < 0.75, sex
        assert by_age[i][STARTS >= 60].sum() / gap > 0.5, sex
        working_age = (STARTS >= 15) & (STARTS < 50)
        assert by_cause[i][working_age, CAUSE["external"]].sum() > 0.1, sex
        assert by_cause[i][0, CAUSE["infant_perinatal"]] > 0.02, sex


def test_decile_gap_widens_after_2011(expected_national: dict[str, np.ndarray]) -> None:
    P, D = expected_national["P10"], expected_national["D10"]
    first = _le(P[:, 0:3].sum(1), D[:, 0:3].sum(1))  # 2010-12
    last = _le(P[:, 12:15].sum(1), D[:, 12:15].sum(1))  # 2022-24
    for i in range(2):
        assert (last[9, i] - last[0, i]) - (first[9, i] - first[0, i]) > 0.8
        assert last[:, i].mean() > first[:, i].mean(), "LE still improves on average"


def test_small_demo_realised_figures() -> None:
    """The small demo: country rows reproduce the national targets; the local quintile
    decomposition adds up exactly to the local gap."""
    figures = measure_demo(load_demo("small"))
    assert figures.pool == "2022-24"
    for sex, (value, lower, upper) in figures.life_expectancy.items():
        assert value == pytest.approx(par.TARGETS[f"le_{sex}"], abs=0.15), sex
        assert lower < value < upper and upper - lower < 0.2
        assert figures.quintile_gap[sex] > 2.0
        assert sum(figures.cause_shares[sex].values()) == pytest.approx(1.0, abs=1e-9)
        assert figures.age_contributions[sex].sum() == pytest.approx(figures.quintile_gap[sex])
    assert set(figures.gap_trend["pool"]) >= {"2010-12", "2022-24"}


def test_small_demo_country_rows_match_the_national_model() -> None:
    tables = load_demo("small")
    population = tables["population"]
    country = population[population["area_code"] == COUNTRY_CODE]
    latest = country[country["period"] == "2024"]["person_years"].sum()
    _, pop_model, _, _, _ = _expected_tables(DEFAULT_SEED)
    national = pop_model.person_years(np.array([2024])).sum()
    assert latest == pytest.approx(national, rel=1e-5)
