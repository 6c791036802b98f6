r"""Deaths prevented or postponed (DPP): the fraction of each cell's annual deaths by cause
that one intervention removes in evaluation year :math:`T`.

Every function returns :math:`f_{a,s,x,c,d} = \mathrm{DPP} / (D_{a,s,x,c}/k)`, shaped
``(cell, sex, band, cause, draw)``, with parameters given as arrays over draws.
Cohorts start at the beginning of years :math:`j = 1..T` with volume
:math:`v_j u_{a,s,x}`.

``smoking`` (interventions.md §3a). Lifelong attributable quitters per 4-week quitter
:math:`L = (p_{52} - s_{unaided}/p_4)(1 - r_{late})`; never-smoker rate
:math:`m_{never} = m / (1 + p_s(RR_c - 1))`; with :math:`R_c(t)` the residual excess
:math:`t` years after quitting:

.. math::

    \mathrm{DPP}_c = \sum_j v_j u L \; m_{never,c} (RR_c - 1) \left(1 - R_c(T - j + 0.5)\right)

``hazard_reduction`` (§3b, §3c, screening). With lag weights :math:`w` and components
:math:`i` reaching a share :math:`s_i` of units:

.. math::

    \mathrm{DPP}_c = \sum_j v_j w_{T-j} u \; k_{risk} \, m_c \, \phi_c
        \sum_i s_i \, \alpha_i \left(1 - RR_i^{\,\delta_i}\right)

``nnt`` (§3e, flu): :math:`\mathrm{DPP} = \sum_j v_j w_{T-j} u / NNT`, shared between
causes in proportion to :math:`\omega_c D_c` (:math:`\omega_c` an attributable fraction),
with the weighted deaths pooled over the targeted cells of each sex and age band (stable
for small areas) and capped at all attributable deaths.

``risk_factor`` (§3d): reaching a share :math:`\rho` of births lowers each factor's
prevalence by :math:`\Delta p_f = \rho\, p_f\, \eta_f`, and the rate by

.. math::

    \prod_f \frac{1 + (p_f - \Delta p_f)(RR_f - 1)}{1 + p_f (RR_f - 1)}

Notes
-----
Fractions are not clipped here; :func:`healthgap.scenarios.engine.combine` clips the
combined fraction at 1 and reports it. Cells with no deaths or no person-years get 0.

References
----------
Worked example and sources: ``interventions.md`` §3, §5.3 and §6.

Examples
--------
>>> import numpy as np
>>> piecewise([[0, 1], [1, 0.5], [15, 0]], np.array([0.5, 1.5, 2.5])).round(5).tolist()
[0.75, 0.48214, 0.44643]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from healthgap.scenarios.library import Intervention, age_steps

__all__ = ["fraction_removed", "lag_weight", "piecewise"]

Params = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class _Cells:
    """The cells an intervention is evaluated on, and when."""

    units: np.ndarray  # (cell, sex, band) units a year at full volume
    deaths: np.ndarray  # (cell, sex, band, cause), pooled
    population: np.ndarray  # (cell, sex, band), pooled
    quintile: np.ndarray  # (cell,)
    starts: tuple[int, ...]
    causes: tuple[str, ...]
    sexes: tuple[str, ...]
    years: int
    cohorts: np.ndarray  # (horizon,)
    year: int


def piecewise(points: Sequence[Sequence[float]], t: np.ndarray) -> np.ndarray:
    """Piecewise-linear curve through ``points`` (flat beyond the ends)."""
    xs, ys = zip(*points, strict=True)
    return np.interp(t, np.asarray(xs, float), np.asarray(ys, float))


def lag_weight(item: Intervention, cohorts: np.ndarray, year: int) -> float:
    """Effective share of a full yearly volume acting in ``year`` (lag and fading)."""
    weights = np.asarray(item.tables.get("yearly_effect", [1.0]), dtype=float)
    j = np.arange(1, year + 1)
    since = np.minimum(year - j, len(weights) - 1)
    return float((cohorts[:year] * weights[since]).sum())


def _value(ref: Any, params: Params) -> np.ndarray:
    return params[ref] if isinstance(ref, str) else np.asarray([float(ref)])


def _cause_vector(table: Mapping[str, float], causes: Sequence[str], default: float) -> np.ndarray:
    return np.asarray([float(table.get(c, default)) for c in causes])


def _acts_on(item: Intervention, causes: Sequence[str]) -> np.ndarray:
    return np.isin(np.asarray(causes), item.causes).astype(float)


def _per_person(units: np.ndarray, population: np.ndarray, years: int) -> np.ndarray:
    """units / annual person-years, 0 where there is nobody."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = units * years / population
    return np.where(population > 0, out, 0.0)[..., None, None]


def _smoking(item: Intervention, params: Params, cx: _Cells) -> np.ndarray:
    starts, causes, cohorts, year = cx.starts, cx.causes, cx.cohorts, cx.year
    lifelong = (params["p52"] - params["s_unaided"] / params["p4"]) * (1 - params["r_late"])
    rr = np.stack(
        [age_steps(item.tables["relative_risk"].get(c, {0: 1.0}), starts) for c in causes], axis=1
    )  # (band, cause)
    excess = (rr - 1.0)[..., None] * params["rr_excess_multiplier"]  # (band, cause, draw)
    t = year - np.arange(1, year + 1) + 0.5  # years since quitting of each cohort
    curves = item.tables["residual_excess"]
    removed = np.stack(
        [
            (cohorts[:year] * (1 - piecewise(curves[c], t))).sum() if c in curves else 0.0
            for c in causes
        ]
    )  # (cause,)
    # prevalence depends on the cell only through its quintile: work per quintile (0..5)
    prevalence = item.exposure(cx.sexes, starts)[..., None, None]  # (quintile, sex, band, 1, 1)
    small = lifelong * (removed * _acts_on(item, causes))[:, None]  # (cause, draw)
    per_quitter = (excess * small) / (1.0 + prevalence * excess)  # (quintile, sex, band, c, d)
    per_person = _per_person(cx.units, cx.population, cx.years)
    return per_person * per_quitter[np.clip(cx.quintile, 0, 5)]


def _hazard(item: Intervention, params: Params, cx: _Cells) -> np.ndarray:
    causes = cx.causes
    epsilon = 0.0
    for comp in item.components or ({"rr": "rr", "dose": 1.0, "adherence": 1.0},):
        share = _value(comp.get("share", 1.0), params)
        adherence = _value(comp.get("adherence", 1.0), params)
        rr, dose = _value(comp["rr"], params), _value(comp.get("dose", 1.0), params)
        epsilon = epsilon + share * adherence * (1.0 - rr**dose)
    fraction = _cause_vector(item.tables.get("cause_fraction", {}), causes, 1.0)
    per_cause = (fraction * _acts_on(item, causes))[:, None] * epsilon * params["k_risk"]
    lag = lag_weight(item, cx.cohorts, cx.year)
    return _per_person(cx.units, cx.population, cx.years) * lag * per_cause


def _nnt(item: Intervention, params: Params, cx: _Cells) -> np.ndarray:
    units, causes = cx.units, cx.causes
    weights = _cause_vector(item.tables.get("cause_weights", {}), causes, 0.0)
    weights = weights * _acts_on(item, causes)
    # Pool the target's weighted deaths by sex and age: a small area's few deaths would
    # otherwise decide where the deaths prevented fall (and could exceed them).
    reached = units > 0
    weighted = ((cx.deaths * weights).sum(axis=-1) * reached).sum(axis=0)  # (sex, band)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_death = np.where(weighted > 0, units.sum(axis=0) * cx.years / weighted, 0.0)
    # share of the attributable (weighted) deaths prevented, at most all of them
    lag = lag_weight(item, cx.cohorts, cx.year)
    share = np.minimum(1.0, per_death[..., None] * lag / params["nnt"])
    share = np.where(reached[..., None], share[None], 0.0)  # (cell, sex, band, draw)
    return share[:, :, :, None, :] * weights[:, None]


def _risk_factor(item: Intervention, params: Params, cx: _Cells) -> np.ndarray:
    causes = cx.causes
    per_person = _per_person(cx.units, cx.population, cx.years)[..., 0, 0]
    reached_all = per_person * lag_weight(item, cx.cohorts, cx.year)
    bands = np.flatnonzero(reached_all.any(axis=(0, 1)))  # usually the infant band only
    reached = reached_all[:, :, bands]
    ratio = np.asarray(item.tables.get("prevalence_quintile_ratio", [1.0] * 5), float)
    q_ratio = np.where(cx.quintile > 0, ratio[np.clip(cx.quintile - 1, 0, 4)], 1.0)
    factor = 1.0
    for comp in item.components:
        p = np.minimum(1.0, q_ratio[:, None, None, None] * _value(comp["prevalence"], params))
        rr, effect = _value(comp["rr"], params), _value(comp["effect"], params)
        drop = np.minimum(1.0, reached[..., None]) * p * effect  # (cell, sex, band, draw)
        factor = factor * (1 + (p - drop) * (rr - 1)) / (1 + p * (rr - 1))
    removed = np.where(reached[..., None] > 0, 1.0 - factor, 0.0)  # (cell, sex, band*, draw)
    draws = removed.shape[-1] if removed.ndim == 4 else 1
    out = np.zeros((*reached_all.shape, len(causes), draws))
    out[:, :, bands] = removed[:, :, :, None, :] * _acts_on(item, causes)[:, None]
    return out


_KIND = {"smoking": _smoking, "hazard_reduction": _hazard, "nnt": _nnt, "risk_factor": _risk_factor}


def fraction_removed(
    item: Intervention,
    params: Params,
    units: np.ndarray,
    deaths: np.ndarray,
    population: np.ndarray,
    quintile: np.ndarray,
    *,
    starts: Sequence[int],
    causes: Sequence[str],
    years: int,
    cohorts: np.ndarray,
    year: int,
    sexes: Sequence[str] = ("male", "female"),
) -> np.ndarray:
    """Fraction of annual deaths removed by one intervention in ``year``.

    Parameters
    ----------
    item : Intervention
        Definition (with overrides applied).
    params : mapping of name to array (draw,)
        Parameter values; use arrays of length 1 for a deterministic run.
    units : array (cell, sex, band)
        Units a year at full volume.
    deaths, population : arrays (cell, sex, band, cause) and (cell, sex, band)
        Pooled over ``years`` years.
    quintile : array (cell,)
        Deprivation quintile of each cell (0 unknown).
    cohorts : array (horizon,)
        Share of the full yearly volume started in each year.
    year : int
        Evaluation year (1-based).

    Returns
    -------
    numpy.ndarray, shape (cell, sex, band, cause, draw)
    """
    cells = _Cells(units, deaths, population, quintile, tuple(starts), tuple(causes),
                   tuple(sexes), int(years), np.asarray(cohorts, float), int(year))  # fmt: skip
    out = _KIND[item.kind](item, params, cells)
    shape = (*deaths.shape, max(len(np.atleast_1d(v)) for v in params.values()) if params else 1)
    return np.broadcast_to(out, shape)
