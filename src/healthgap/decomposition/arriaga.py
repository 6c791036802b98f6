r"""Arriaga's decomposition of a difference in life expectancy, vectorised (array kernel).

Population 1 is the *base* (e.g. the most deprived quintile, or the area) and
population 2 the *comparator* (the least deprived quintile, or England). The gap is
:math:`G = e_0^2 - e_0^1`. Each band's contribution, in the telescoping form that is
algebraically identical to Arriaga (1984) in Preston, Heuveline & Guillot's notation:

.. math::

    {}_n\Delta_x = \frac{l_x^1}{l_0}\left(e_x^2 - e_x^1\right)
                 - \frac{l_{x+n}^1}{l_0}\left(e_{x+n}^2 - e_{x+n}^1\right)

with the open band taking only the first term, so that :math:`\sum_x {}_n\Delta_x = G`
exactly. The direct effect is
:math:`DE_x = (l_x^1/l_0)({}_nL_x^2/l_x^2 - {}_nL_x^1/l_x^1)` and the indirect plus
interaction effect is the rest.

References
----------
1. Arriaga EE. Measuring and explaining the change in life expectancies.
   Demography 1984;21:83-96.
2. Preston SH, Heuveline P, Guillot M. Demography: measuring and modeling population
   processes. Oxford: Blackwell, 2001, pp. 64-65.

Examples
--------
>>> import numpy as np
>>> from healthgap.measures.life_table import chiang_life_table
>>> base = chiang_life_table([[2.0, 30.0, 300.0]], [[1000.0, 9000.0, 1000.0]], (0, 1, 5))
>>> comp = chiang_life_table([[1.0, 10.0, 250.0]], [[1000.0, 9000.0, 1000.0]], (0, 1, 5))
>>> parts = arriaga_contributions(base, comp)
>>> bool(np.isclose(parts.total.sum(), comp.e[0, 0] - base.e[0, 0], rtol=0, atol=1e-12))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from healthgap.measures.life_table import LifeTable

__all__ = ["ArriagaParts", "arriaga_contributions", "split_by_cause"]


@dataclass(frozen=True)
class ArriagaParts:
    """Age-band contributions to e_0(comparator) - e_0(base), each shaped ``(..., band)``."""

    direct: np.ndarray
    indirect: np.ndarray  # indirect + interaction ("other effect")
    total: np.ndarray


def arriaga_contributions(base: LifeTable, comparator: LifeTable) -> ArriagaParts:
    """Arriaga contributions of each age band to ``comparator.e[...,0] - base.e[...,0]``.

    Both life tables must share a band set and a radix; arrays broadcast, so one
    comparator (e.g. England) can be set against many bases at once.
    """
    if base.starts != comparator.starts:
        raise ValueError("base and comparator life tables must use the same age bands")
    radix = base.l[..., :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        gap_e = comparator.e - base.e
        head = base.l / radix * gap_e
        tail = np.zeros_like(head)
        tail[..., :-1] = head[..., 1:]
        total = head - tail
        direct = base.l / radix * (comparator.L / comparator.l - base.L / base.l)
        direct[..., -1] = total[..., -1]  # the open band's contribution is all direct
        indirect = total - direct  # NaN where a tiny population has no survivors left
    return ArriagaParts(direct=direct, indirect=indirect, total=total)


def split_by_cause(
    total: np.ndarray, rates_base: np.ndarray, rates_comparator: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r"""Split each band's contribution between causes (Preston / Segment Tool rule).

    .. math::

        {}_n\Delta_x^c = {}_n\Delta_x \,
        \frac{m_x^{c,1} - m_x^{c,2}}{m_x^{1} - m_x^{2}}

    Parameters
    ----------
    total : array, shape (..., band)
        Age-band contributions from :func:`arriaga_contributions`.
    rates_base, rates_comparator : array, shape (..., band, cause)
        Cause-specific death rates; causes must be exhaustive (they sum to all-cause).

    Returns
    -------
    (by_cause, unsplit) : arrays shaped (..., band, cause) and (..., band)
        ``unsplit`` marks bands whose all-cause rates are identical; their
        contribution is then numerically zero and every cause part is set to zero
        (the rest of a non-zero contribution, if any, is kept in ``total``).
    """
    diff_cause = np.asarray(rates_base, float) - np.asarray(rates_comparator, float)
    diff_all = diff_cause.sum(axis=-1)
    unsplit = diff_all == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(unsplit[..., None], 0.0, diff_cause / diff_all[..., None])
    return total[..., None] * share, unsplit
