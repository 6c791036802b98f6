r"""The arithmetic of the slope index of inequality: the closed-form weighted fit on
cumulative-rank midpoints, the simulated limits and the back-transform to SII, RII and
intercept. Vectorised over groups and draws; the checks and the tidy input and output
are in :mod:`healthgap.measures.sii`, which documents the method.

>>> import numpy as np
>>> a = np.full((1, 5), 0.2)
>>> c0, c1 = fit_weights(a, np.cumsum(a, axis=1) - a / 2)
>>> y = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
>>> round(float(np.sum(c1 * y)), 12), round(float(np.sum(c0 * y)), 12)
(5.0, 0.5)
"""

from __future__ import annotations

import numpy as np

__all__ = ["DRAW_BUDGET", "fit_weights", "from_scale", "point_and_limits", "simulate", "to_scale"]

#: Largest number of simulated values held at once: bounds memory (about 32 MB a block).
DRAW_BUDGET = 4_000_000


def to_scale(values: np.ndarray, value_type: str) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_type == "rate":
            return np.log(values)
        if value_type == "proportion":
            return np.log(values / (1.0 - values))
    return values


def from_scale(values: np.ndarray, value_type: str) -> np.ndarray:
    if value_type == "rate":
        return np.exp(values)
    if value_type == "proportion":
        return 1.0 / (1.0 + np.exp(-values))
    return values


def fit_weights(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients c0, c1 (shape (G, Q)) with beta0 = sum(c0 y), beta1 = sum(c1 y)."""
    S1 = np.sum(a * b, axis=-1, keepdims=True)
    S2 = np.sum(a * b * b, axis=-1, keepdims=True)
    det = S2 - S1**2
    return a * (S2 - S1 * b) / det, a * (b - S1) / det


def _order_statistics(draws: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    """Limits (level, lower/upper, G) at sorted positions round(R(1 -/+ c)/2), 1-based."""
    R = draws.shape[-1]
    positions = []
    for level in levels:
        positions += [
            int(np.round(R * (1 - level) / 2)) - 1,
            int(np.round(R * (1 + level) / 2)) - 1,
        ]
    positions = [min(max(p, 0), R - 1) for p in positions]
    # A full sort is faster than np.partition here (NumPy's vectorised sort). A ratio draw
    # is NaN only for an intercept of exactly 0; it would sort last.
    ordered = np.sort(draws, axis=-1)
    return ordered[..., positions].T.reshape(len(levels), 2, -1)


def simulate(
    t: np.ndarray,
    se: np.ndarray,
    c0: np.ndarray,
    c1: np.ndarray,
    value_type: str,
    transform: bool,
    repetitions: int,
    levels: tuple[float, ...],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulated limits of the slope and of (b0 + b1)/b0, each shaped (level, 2, G)."""
    G, Q = t.shape
    slope_limits = np.empty((len(levels), 2, G))
    ratio_limits = np.empty((len(levels), 2, G))
    linear = transform or value_type == "normal"
    per_group = 2 if linear else Q
    group_chunk = max(1, DRAW_BUDGET // (per_group * repetitions))
    for start in range(0, G, group_chunk):
        part = slice(start, min(start + group_chunk, G))
        if linear:
            slope, intercept = _linear_draws(
                t[part], se[part], c0[part], c1[part], repetitions, rng
            )
        else:
            slope, intercept = _refit_draws(
                t[part], se[part], c0[part], c1[part], value_type, repetitions, rng
            )
        slope_limits[:, :, part] = _order_statistics(slope, levels)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio_limits[:, :, part] = _order_statistics((intercept + slope) / intercept, levels)
    return slope_limits, ratio_limits


def _linear_draws(
    t: np.ndarray, se: np.ndarray, c0: np.ndarray, c1: np.ndarray, R: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw (b1, b0) from their exact joint normal: the refit of Normal(t, se) draws.

    Single precision (7 digits) is ample against the Monte-Carlo error of the limits, and
    halves the cost of drawing and sorting."""
    beta0, beta1 = np.sum(c0 * t, axis=-1), np.sum(c1 * t, axis=-1)
    var0 = np.sum((c0 * se) ** 2, axis=-1)
    var1 = np.sum((c1 * se) ** 2, axis=-1)
    cov = np.sum(c0 * c1 * se**2, axis=-1)
    sd1 = np.sqrt(var1)
    with np.errstate(divide="ignore", invalid="ignore"):
        along = np.where(sd1 > 0, cov / sd1, 0.0)  # Cholesky factor of the 2x2 covariance
    across = np.sqrt(np.maximum(var0 - along**2, 0.0))
    normals = rng.standard_normal((2, len(t), R), dtype=np.float32)

    def column(values: np.ndarray) -> np.ndarray:
        return values.astype(np.float32)[:, None]

    slope = column(beta1) + column(sd1) * normals[0]
    intercept = column(beta0) + column(along) * normals[0] + column(across) * normals[1]
    return slope, intercept


def _refit_draws(
    t: np.ndarray,
    se: np.ndarray,
    c0: np.ndarray,
    c1: np.ndarray,
    value_type: str,
    R: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw every quantile on the transformed scale, back-transform, refit (in draw chunks)."""
    G, Q = t.shape
    single = np.float32  # as in _linear_draws: ample precision, half the cost
    slope, intercept = np.empty((G, R), dtype=single), np.empty((G, R), dtype=single)
    t32, se32, c0_32, c1_32 = (x.astype(single)[:, :, None] for x in (t, se, c0, c1))
    draw_chunk = max(1, DRAW_BUDGET // (G * Q))
    for start in range(0, R, draw_chunk):
        part = slice(start, min(start + draw_chunk, R))
        normals = rng.standard_normal((G, Q, part.stop - part.start), dtype=single)
        y = from_scale(t32 + se32 * normals, value_type)
        slope[:, part] = np.sum(c1_32 * y, axis=1)
        intercept[:, part] = np.sum(c0_32 * y, axis=1)
    return slope, intercept


def point_and_limits(
    beta0: np.ndarray,
    beta1: np.ndarray,
    slope_lim: np.ndarray,
    ratio_lim: np.ndarray,
    value_type: str,
    transform: bool,
    multiplier: float,
) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Point values and limits (level, lower/upper, G) of sii, rii and intercept."""
    if transform:
        back = lambda v: from_scale(v, value_type)  # noqa: E731 - short local alias
        middle = beta0 + beta1 / 2.0
        sii = (back(beta0 + beta1) - back(beta0)) * multiplier
        sii_lim = (back(middle + slope_lim / 2.0) - back(middle - slope_lim / 2.0)) * multiplier
        rii = back(beta0 + beta1) / back(beta0)
        rii_lim = back(middle + slope_lim / 2.0) / back(middle - slope_lim / 2.0)
        fitted_start = back(beta0)
    else:
        sii, sii_lim = beta1 * multiplier, slope_lim * multiplier
        rii, rii_lim = (beta0 + beta1) / beta0, ratio_lim
        fitted_start = beta0
    if multiplier < 0:  # polarity reversed: swap the limits and invert the ratio
        sii_lim = sii_lim[:, ::-1]
        rii, rii_lim = 1.0 / rii, 1.0 / rii_lim[:, ::-1]
    return {
        "sii": (sii, sii_lim),
        "rii": (rii, rii_lim),
        "intercept": (fitted_start * abs(multiplier), None),
    }
