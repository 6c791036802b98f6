r"""Abridged life table by Chiang's method (Chiang II), vectorised over any number of groups.

This is the numeric kernel shared by life expectancy, healthy life expectancy,
the decomposition of gaps and the scenario engine. It works on NumPy arrays
shaped ``(..., age band)`` and applies no suppression rules: those belong to
:func:`healthgap.measures.life_expectancy.life_expectancy`, which explains every
missing value.

Formula
-------
With bands starting at :math:`x_i`, widths :math:`n_i` (last band open),
deaths :math:`D_i` and person-years :math:`P_i`:

.. math::

    M_i = D_i / P_i, \qquad a_0 = 0.1 \text{ (first band of width 1)}, \quad a_i = 0.5

    q_i = \frac{n_i M_i}{1 + n_i (1 - a_i) M_i}
          \text{ (or 1 when } n_i a_i M_i > 1\text{)}, \qquad q_\omega = 1

    l_0 = 100\,000, \quad l_{i+1} = l_i (1 - q_i), \quad d_i = l_i - l_{i+1}

    L_i = n_i (l_{i+1} + a_i d_i), \qquad L_\omega = l_\omega / M_\omega

    T_i = \sum_{j \ge i} L_j, \qquad e_i = T_i / l_i

Variance (Chiang, with Silcocks et al. for the open band):

.. math::

    W_i = \frac{q_i^2 (1 - q_i)}{D_i} l_i^2 \left[(1 - a_i) n_i + e_{i+1}\right]^2,
    \qquad W_\omega = \frac{l_\omega^2}{D_\omega M_\omega^2},
    \qquad \operatorname{Var}(e_i) = \frac{\sum_{j \ge i} W_j}{l_i^2}

References
----------
1. Chiang CL. *The Life Table and its Construction*. In: Introduction to Stochastic
   Processes in Biostatistics. New York: Wiley, 1968.
2. Silcocks PBS, Jenner DA, Reza R. Life expectancy as a summary of mortality in a
   population: statistical considerations and suitability for use by health authorities.
   J Epidemiol Community Health 2001;55:38-43.
3. PHEindicatormethods 2.1.0, ``phe_life_expectancy`` (the national reference method).

Examples
--------
>>> import numpy as np
>>> deaths = np.array([[1.0, 10.0, 100.0]])
>>> pop = np.array([[1000.0, 10000.0, 1000.0]])
>>> lt = chiang_life_table(deaths, pop, starts=(0, 1, 5))
>>> lt.e.shape, round(float(lt.e[0, 0]), 4)
((1, 3), 14.9373)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from healthgap.agebands import STANDARD_STARTS, band_widths

__all__ = ["LifeTable", "chiang_life_table", "fraction_lived"]

RADIX = 100_000.0


def fraction_lived(starts: Sequence[int]) -> np.ndarray:
    """The fraction a_i of each band lived by those who die in it: 0.1 at age 0 (if the
    first band is a single year), else 0.5, as in the reference implementation."""
    a = np.full(len(starts), 0.5)
    if starts[0] == 0 and len(starts) > 1 and starts[1] == 1:
        a[0] = 0.1
    return a


@dataclass(frozen=True)
class LifeTable:
    """Columns of abridged life tables, each shaped ``(..., age band)``."""

    starts: tuple[int, ...]
    n: np.ndarray  # band widths (open band: 2 / M, used only to force q = 1)
    a: np.ndarray  # fraction of the band lived by those who die in it
    m: np.ndarray  # death rate D / P
    q: np.ndarray  # probability of dying in the band
    l: np.ndarray  # noqa: E741 - survivors at the start of the band (standard notation)
    d: np.ndarray  # deaths in the band (life-table)
    L: np.ndarray  # person-years lived in the band
    T: np.ndarray  # person-years lived from the start of the band on
    e: np.ndarray  # life expectancy at the start of the band
    variance: np.ndarray  # Chiang/Silcocks variance of e

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(self.variance)


def chiang_life_table(
    deaths: np.ndarray,
    population: np.ndarray,
    starts: Sequence[int] = STANDARD_STARTS,
    *,
    radix: float = RADIX,
) -> LifeTable:
    """Build Chiang II abridged life tables for every group at once.

    Parameters
    ----------
    deaths, population : array_like, shape (..., n_bands)
        Deaths and person-years by age band (last band open). Deaths may be fractional.
    starts : sequence of int
        Start age of each band, ascending; default the standard 20 bands.
    radix : float
        l_0, default 100,000 (life expectancy does not depend on it).

    Returns
    -------
    LifeTable
        Arrays shaped like ``deaths``. Groups with zero deaths in the open band get
        infinite ``e`` at that band: callers must check and explain this.
    """
    D = np.asarray(deaths, dtype=float)
    P = np.asarray(population, dtype=float)
    starts = tuple(int(s) for s in starts)
    if D.shape != P.shape or D.shape[-1] != len(starts):
        raise ValueError(
            f"deaths {D.shape} and population {P.shape} must share a shape ending in "
            f"{len(starts)} age bands"
        )
    a = fraction_lived(starts)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        M = D / P
        n = np.broadcast_to(band_widths(starts), D.shape).copy()
        n[..., -1] = 2.0 / M[..., -1]
        q = n * M / (1.0 + n * (1.0 - a) * M)
        q = np.where(n * a * M > 1.0, 1.0, q)
        q[..., -1] = 1.0

        survival = np.cumprod(1.0 - q[..., :-1], axis=-1)
        lead = np.ones(D.shape[:-1] + (1,))
        l = radix * np.concatenate([lead, survival], axis=-1)  # noqa: E741
        l_next = np.concatenate([l[..., 1:], np.zeros(D.shape[:-1] + (1,))], axis=-1)
        d = l - l_next
        L = n * (l_next + a * d)
        L[..., -1] = l[..., -1] / M[..., -1]
        T = np.flip(np.cumsum(np.flip(L, axis=-1), axis=-1), axis=-1)
        e = np.where(l > 0, T / l, 0.0)

        e_next = np.concatenate([e[..., 1:], np.zeros(D.shape[:-1] + (1,))], axis=-1)
        var_q = np.where(d > 0, q * q * (1.0 - q) / D, 0.0)
        W = var_q * l * l * ((1.0 - a) * n + e_next) ** 2
        W[..., -1] = l[..., -1] ** 2 / (D[..., -1] * M[..., -1] ** 2)
        W_tail = np.flip(np.cumsum(np.flip(W, axis=-1), axis=-1), axis=-1)
        variance = np.where(l > 0, W_tail / (l * l), np.nan)
    return LifeTable(starts, n, np.broadcast_to(a, D.shape), M, q, l, d, L, T, e, variance)
