"""Quality and stability of candidate segmentations, and the choice of the number of segments.

Quality: the silhouette (Rousseeuw 1987; on a random sample of areas, as its cost grows with
the square of their number) and the Calinski-Harabasz ratio (1974). Stability: each
bootstrap resample is clustered again, its segments extended to every area by nearest
centroid and compared with the full-data segments by the adjusted Rand index (Hubert &
Arabie 1985). The chosen k has the best silhouette among candidates whose mean ARI reaches
the threshold; see :mod:`healthgap.insight.segmentation` for the whole method.

>>> import pandas as pd
>>> table = pd.DataFrame({"k": [3, 4, 5], "silhouette": [0.30, 0.35, 0.40],
...                       "stability": [0.95, 0.90, 0.60]})
>>> choose_k(table, fixed=None, min_stability=0.75)
4
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, silhouette_score

from healthgap.compute import Chunk, Executor, InProcessExecutor, map_ordered
from healthgap.errors import HealthgapWarning
from healthgap.insight.clustering import fit_partitions, nearest

__all__ = ["UnstableSegmentsWarning", "bootstrap_stability", "choose_k", "selection_table"]


class UnstableSegmentsWarning(HealthgapWarning):
    """No candidate number of segments reached the stability asked for."""


@dataclass(frozen=True)
class _Resampling:
    """What every bootstrap resample needs (sent once to each worker)."""

    Z: np.ndarray
    labels: dict[int, np.ndarray]
    method: str
    weights: np.ndarray | None
    size: int
    n_init: int
    ward_sample: int


def _resample(chunk: Chunk[int], job: _Resampling) -> dict[int, float]:
    """ARI of one resample's partition per k; the chunk's item is the resample's seed."""
    rng = np.random.default_rng(chunk.item)
    pick = rng.integers(0, len(job.Z), job.size)
    parts = fit_partitions(
        job.Z[pick],
        list(job.labels),
        method=job.method,
        seed=int(rng.integers(2**31)),
        weights=None if job.weights is None else job.weights[pick],
        n_init=job.n_init,
        ward_sample=job.ward_sample,
    )
    return {
        k: float(adjusted_rand_score(job.labels[k], nearest(job.Z, part.centroids)))
        for k, part in parts.items()
    }


def bootstrap_stability(
    Z: np.ndarray,
    labels: dict[int, np.ndarray],
    *,
    method: str,
    weights: np.ndarray | None,
    seeds: Sequence[int],
    size: int,
    n_init: int,
    ward_sample: int,
    executor: Executor | None = None,
) -> dict[int, np.ndarray]:
    """Adjusted Rand index of each resample's partition (extended to all areas), per k.

    Each resample has its own seed, so they run as independent chunks on ``executor``
    (:mod:`healthgap.compute`; default this process) with the same result anywhere.
    """
    job = _Resampling(Z, labels, method, weights, size, n_init, ward_sample)
    found = map_ordered(executor or InProcessExecutor(), _resample, list(seeds), shared=job)
    return {k: np.array([scores[k] for scores in found], dtype=float) for k in labels}


def selection_table(
    Z: np.ndarray,
    labels: dict[int, np.ndarray],
    stability: dict[int, np.ndarray],
    *,
    sample: int,
    seed: int,
) -> pd.DataFrame:
    """One row per candidate k: silhouette, Calinski-Harabasz, mean/SD/min bootstrap ARI."""
    rows = []
    for k, found in labels.items():
        distinct = np.unique(found).size > 1
        scores = stability[k]
        resampled = scores.size > 0
        rows.append(
            {
                "k": k,
                "silhouette": float(
                    silhouette_score(Z, found, sample_size=min(sample, len(Z)), random_state=seed)
                )
                if distinct
                else np.nan,
                "calinski_harabasz": float(calinski_harabasz_score(Z, found))
                if distinct
                else np.nan,
                "stability": float(np.mean(scores)) if resampled else np.nan,
                "stability_sd": float(np.std(scores)) if resampled else np.nan,
                "stability_min": float(np.min(scores)) if resampled else np.nan,
            }
        )
    return pd.DataFrame(rows)


def choose_k(selection: pd.DataFrame, *, fixed: int | None, min_stability: float) -> int:
    """The number of segments: ``fixed`` if given (warning when unstable), else the best
    silhouette among stable candidates, else the most stable (with a warning)."""
    resampled = selection["stability"].notna().all()
    if fixed is not None:
        stability = selection["stability"].iloc[0]
        if resampled and stability < min_stability:
            warnings.warn(
                f"{fixed} segments are unstable across resamples (mean adjusted Rand "
                f"{stability:.2f} < {min_stability})",
                UnstableSegmentsWarning,
                stacklevel=4,
            )
        return int(fixed)
    if not resampled:
        return int(selection.loc[selection["silhouette"].idxmax(), "k"])
    stable = selection[selection["stability"] >= min_stability]
    if not stable.empty:
        return int(stable.loc[stable["silhouette"].idxmax(), "k"])
    best = selection.loc[selection["stability"].idxmax()]
    warnings.warn(
        f"no candidate reached a mean adjusted Rand index of {min_stability}; "
        f"took the most stable, k = {int(best['k'])} ({best['stability']:.2f})",
        UnstableSegmentsWarning,
        stacklevel=4,
    )
    return int(best["k"])
