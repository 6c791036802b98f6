r"""Small-area rules for scenario life tables (interventions.md §5.7).

* **Pooling**: a life table needs at least 5,000 person-years (the PHE rule); pool
  years (five for wards) or areas until it has them (:func:`check_pooling`).
* **Suppression**: life expectancy is suppressed when its 95% interval is wider than
  20 years or the person-years are below 5,000 (:func:`suppression_flags`).
* **Shrinkage** (optional): empirical-Bayes gamma-Poisson shrinkage of each cell's
  age- and cause-specific rates towards its parent area's rate (by default the parent's
  rate in the same deprivation quintile),

.. math::

    \hat m_{a} = \frac{D_a + \kappa\, m_{parent}}{P_a + \kappa}, \qquad
    \kappa = \frac{\bar m}{\tau^2}, \quad
    \tau^2 = \max\!\left(\epsilon,\ \operatorname{Var}_P(m_a) - \bar m / \bar P\right)

  (a method-of-moments prior as in Clayton & Kaldor 1987), fitted per parent, sex, band
  and cause; deaths are then :math:`\hat m_a P_a`. Shrinkage trades bias towards the
  parent for stability; results say when it was used.

References
----------
Clayton D, Kaldor J. Empirical Bayes estimates of age-standardized relative risks for use
in disease mapping. Biometrics 1987;43:671-81. PHEindicatormethods ``phe_life_expectancy``.

Examples
--------
>>> import numpy as np
>>> suppression_flags(np.array([4000.0, 9000.0]), np.array([1.0, 6.0])).tolist()
['person-years below 5,000', 'confidence interval wider than 20 years']
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem
from healthgap.scenarios.baseline import Baseline

__all__ = ["MIN_PERSON_YEARS", "check_pooling", "shrink_to_parent", "suppression_flags"]

MIN_PERSON_YEARS = 5_000.0
MAX_CI_WIDTH = 20.0


def suppression_flags(person_years: np.ndarray, se: np.ndarray, z: float = 1.959964) -> np.ndarray:
    """Reason each life expectancy must be suppressed ("" when it may be shown)."""
    py = np.asarray(person_years, float)
    width = 2 * z * np.asarray(se, float)
    return np.where(
        py < MIN_PERSON_YEARS,
        "person-years below 5,000",
        np.where(~np.isfinite(width) | (width > MAX_CI_WIDTH),
                 "confidence interval wider than 20 years", ""),
    )  # fmt: skip


def check_pooling(groups: pd.DataFrame, person_years: np.ndarray, name: str = "<groups>") -> None:
    """Raise an InputError naming every group below 5,000 person-years."""
    low = np.flatnonzero(np.asarray(person_years) < MIN_PERSON_YEARS)
    if low.size:
        raise InputError(
            [
                Problem(
                    name,
                    int(i) + 2,
                    "person_years",
                    "too_few_person_years",
                    f"{groups.iloc[i].to_dict()} has {person_years[i]:,.0f} person-years; "
                    "pool more years or areas (PHE rule: at least 5,000)",
                )
                for i in low
            ]  # fmt: skip
        )


def shrink_to_parent(
    baseline: Baseline, level: str, *, within_quintile: bool = True, floor: float = 1e-12
) -> Baseline:
    """Baseline whose cell rates are shrunk towards their parent at ``level``.

    With ``within_quintile`` (default) the target is the parent's rate for the same
    deprivation quintile, so shrinkage steadies small areas without erasing the
    deprivation gradient the gap is made of; without it, the gap itself shrinks.
    """
    parents = pd.Series(baseline.codes_at(level))
    if within_quintile:
        parents = parents + " Q" + baseline.cells["quintile"].astype(str).to_numpy()
    codes, uniques = pd.factorize(parents)
    n_parents = len(uniques)
    D, P = baseline.deaths, baseline.population[..., None]  # (n, s, x, c), (n, s, x, 1)

    def by_parent(values: np.ndarray) -> np.ndarray:
        out = np.zeros((n_parents, *values.shape[1:]))
        np.add.at(out, codes, values)
        return out

    P_parent = by_parent(np.broadcast_to(P, D.shape))
    count = by_parent(np.ones((len(codes), 1, 1, 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        m_parent = np.where(P_parent > 0, by_parent(D) / P_parent, 0.0)
        m_cell = np.where(P > 0, D / P, 0.0)
        weighted_var = by_parent(P * (m_cell - m_parent[codes]) ** 2) / P_parent
        mean_p = P_parent / count
        tau2 = np.maximum(floor, weighted_var - m_parent / mean_p)
        kappa = np.where(m_parent > 0, m_parent / tau2, 0.0)
        shrunk = (D + kappa[codes] * m_parent[codes]) / (P + kappa[codes])
    shrunk = np.where(P > 0, shrunk, 0.0)
    return replace(baseline, deaths=shrunk * P)
