"""Deprivation quantiles of small areas (deciles, quintiles), as OHID assigns them.

>>> areas = pd.DataFrame({"deprivation_score": [50.0, 40.0, 30.0, 20.0, 10.0]})
>>> assign_quantiles(areas, n=5).tolist()
[1, 2, 3, 4, 5]
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem, SmallNumbersWarning

__all__ = ["assign_quantiles"]


def assign_quantiles(
    areas: pd.DataFrame,
    n: int = 10,
    *,
    score: str = "deprivation_score",
    by: str | None = None,
    weights: str | None = None,
    invert: bool = True,
) -> pd.Series:
    """Quantile of each area by ``score``: 1 = most deprived (highest score).

    Reproduces PHEindicatormethods ``phe_quantile`` (OHID, "Assigning deprivation
    categories"), optionally within groups and weighted by population.

    Parameters
    ----------
    areas
        One row per small area.
    n
        Number of quantiles (10 for deciles, 5 for quintiles).
    score
        Column ranked; areas where it is missing get ``<NA>``.
    by
        Column of groups (e.g. ``parent_la``) for local quantiles; ``None`` for national.
    weights
        Column of weights (e.g. population) for population-weighted quantiles.
    invert
        ``True`` (default) gives quantile 1 to the highest score, as for IMD scores;
        ``False`` gives it to the lowest (``invert = FALSE`` in ``phe_quantile``).

    Returns
    -------
    pandas.Series
        Nullable integer quantiles aligned with ``areas.index``.

    Notes
    -----
    With areas ranked :math:`r = 1..N` (ties get the lowest rank, rank 1 = most deprived)
    the OHID formula is

    .. math:: Q = \\max\\left(1, \\left\\lfloor (n + 1) -
              \\left\\lceil \\frac{N + 1 - r}{N / n} \\right\\rceil \\right\\rfloor\\right).

    :math:`N + 1 - r` is the number of areas ranked :math:`r` or after (tied areas
    included), so the weighted form replaces it, and :math:`N`, by the weight of those
    areas and the total weight :math:`W`; with equal weights both forms agree exactly.
    A group with fewer than ``n`` scored areas gets ``<NA>`` and a
    :class:`~healthgap.errors.SmallNumbersWarning`, as in ``phe_quantile``.

    References
    ----------
    PHEindicatormethods ``phe_quantile`` (v2.1.0); OHID, *Assigning deprivation categories*.
    """
    problems = []
    for column in (score, by, weights):
        if column is not None and column not in areas.columns:
            problems.append(Problem("<argument>", None, column, "missing_column", "not in areas"))
    if not isinstance(n, int | np.integer) or n < 1:
        problems.append(Problem("<argument>", None, "n", "invalid_argument", "n must be >= 1"))
    if problems:
        raise InputError(problems)
    values = pd.to_numeric(areas[score], errors="coerce")
    has_score = values.notna()
    if weights is not None:
        w = pd.to_numeric(areas[weights], errors="coerce")
        bad = has_score & (w.isna() | (w < 0))
        if bad.any():
            raise InputError(
                [
                    Problem("<areas>", int(i) + 2, weights, "negative_count", "bad weight")
                    for i in np.flatnonzero(bad.to_numpy())
                ]
            )
    else:
        w = pd.Series(1.0, index=areas.index)
    group = areas[by] if by is not None else pd.Series(0, index=areas.index)
    frame = pd.DataFrame(
        {"group": group, "key": values if invert else -values, "w": w}, index=areas.index
    )[has_score]
    # Weight of the areas ranked at or after each area (its own ties included).
    frame = frame.sort_values(["group", "key"], kind="stable")
    cumulative = frame.groupby("group", sort=False)["w"].cumsum()
    at_or_below = cumulative.groupby([frame["group"], frame["key"]], sort=False).transform("max")
    total = frame.groupby("group", sort=False)["w"].transform("sum")
    count = frame.groupby("group", sort=False)["w"].transform("size")
    quantile = np.floor((n + 1) - np.ceil(at_or_below / (total / n)))
    quantile = np.where(quantile == 0, 1, quantile)
    result = pd.Series(pd.NA, index=areas.index, dtype="Int64")
    small = (count < n).to_numpy()
    result.loc[frame.index[~small]] = quantile[~small].astype(int)
    if small.any():
        warnings.warn(
            "One or more groups had too few small areas with values to allow quantiles "
            "to be assigned",
            SmallNumbersWarning,
            stacklevel=2,
        )
    return result
