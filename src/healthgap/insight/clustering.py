r"""Partition standardised area indicators into segments: k-means or Ward, for several k at once.

Both methods come from well-kept libraries: :class:`sklearn.cluster.KMeans` (weighted by
population when weights are given) and Ward's minimum-variance hierarchy from
:func:`scipy.cluster.hierarchy.linkage` (the routine scikit-learn's unstructured Ward
clustering calls), built once and cut at every candidate number of segments.

Ward needs all pairwise distances, :math:`O(n^2)` memory (4.6 GB for 33,755 LSOAs), so above
``ward_sample`` areas it is fitted to a random sample (drawn with probability proportional
to population when weights are given) and every area joins the segment whose centroid is
nearest: the usual way of scaling a hierarchy to large data, recorded in the run's method.

Every partition is returned as centroids plus labels; :func:`nearest` assigns any areas to
the nearest centroid (squared Euclidean distance in standardised units).

>>> import numpy as np
>>> Z = np.r_[np.zeros((5, 2)), np.ones((5, 2)) * 4]
>>> parts = fit_partitions(Z, [2], method="kmeans", weights=None, seed=1)
>>> sorted(np.bincount(parts[2].labels).tolist())
[5, 5]
>>> parts = fit_partitions(Z, [2], method="ward", weights=None, seed=1)
>>> sorted(np.bincount(parts[2].labels).tolist())
[5, 5]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans

__all__ = ["METHODS", "Partition", "fit_partitions", "nearest"]

METHODS = ("kmeans", "ward")


@dataclass(frozen=True)
class Partition:
    """Labels 0..k-1 of the areas fitted, and the k centroids in standardised units."""

    labels: np.ndarray
    centroids: np.ndarray


def nearest(Z: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Index of the nearest centroid of each row of ``Z`` (vectorised, no loop over areas)."""
    distance = (
        np.einsum("ij,ij->i", Z, Z)[:, None]
        - 2.0 * Z @ centroids.T
        + np.einsum("ij,ij->i", centroids, centroids)[None, :]
    )
    return np.argmin(distance, axis=1)


def _centroids(Z: np.ndarray, labels: np.ndarray, k: int, weights: np.ndarray | None):
    w = np.ones(len(Z)) if weights is None else weights
    totals = np.zeros((k, Z.shape[1]))
    np.add.at(totals, labels, Z * w[:, None])
    return totals / np.bincount(labels, weights=w, minlength=k)[:, None]


def _kmeans(Z, ks, weights, seed, n_init):
    out = {}
    for k in ks:  # a handful of candidate k, not areas
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(Z, sample_weight=weights)
        out[k] = Partition(model.labels_.astype(np.int64), model.cluster_centers_)
    return out


def _ward(Z, ks, weights, seed, ward_sample):
    n = len(Z)
    rng = np.random.default_rng(seed)
    if n > ward_sample:
        p = None if weights is None else weights / weights.sum()
        fitted = np.sort(rng.choice(n, size=ward_sample, replace=False, p=p))
    else:
        fitted = np.arange(n)
    tree = linkage(Z[fitted], method="ward")
    out = {}
    for k in ks:
        cut = fcluster(tree, t=k, criterion="maxclust") - 1
        centroids = _centroids(Z[fitted], cut, int(cut.max()) + 1, None)
        labels = cut.astype(np.int64) if len(fitted) == n else nearest(Z, centroids)
        out[k] = Partition(labels, centroids)
    return out


def fit_partitions(
    Z: np.ndarray,
    ks: Sequence[int],
    *,
    method: str,
    weights: np.ndarray | None,
    seed: int,
    n_init: int = 4,
    ward_sample: int = 4000,
) -> dict[int, Partition]:
    """A partition of the rows of ``Z`` for every ``k`` in ``ks``.

    ``seed`` fixes k-means' initial centres and Ward's sample, so the same inputs and seed
    always give the same labels. ``n_init`` k-means starts are run and the best kept.
    """
    if method == "kmeans":
        return _kmeans(Z, ks, weights, seed, n_init)
    return _ward(Z, ks, weights, seed, ward_sample)
