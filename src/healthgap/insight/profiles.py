r"""Segment profiles: each indicator indexed against the whole (= 100), sizes, life expectancy.

Index
-----
For indicator :math:`j`, segment :math:`s` and population weights :math:`w` (1 per area when
none are given), with :math:`\bar x_{s} = \sum_{i \in s} w_i x_i / \sum_{i \in s} w_i` and
:math:`\bar x` the same over all areas:

* when every value is above zero: :math:`I_s = 100\, \bar x_s / \bar x` (the usual
  geodemographic index: 120 means 20% above the whole);
* otherwise (scores centred on zero, such as the IMD health and crime domains, where a ratio
  means nothing): the values are first turned into weighted mid-rank percentiles
  :math:`p_i \in (0, 1)`, whose weighted mean over all areas is :math:`\tfrac12`, and
  :math:`I_s = 100\, \bar p_s / \tfrac12`. ``index_method`` says which was used.

``z`` is the segment mean in standard deviations from the whole, the basis of the suggested
names. Life expectancy by segment is computed from deaths and person-years summed over the
segment's areas (not an average of area values) with the Chiang II method of
:func:`healthgap.measures.life_expectancy`.

>>> import pandas as pd
>>> labels = pd.Series([1, 1, 2], index=["E1", "E2", "E3"], name="segment")
>>> X = pd.DataFrame({"income": [0.1, 0.3, 0.2]}, index=labels.index)
>>> segment_profiles(labels, X)[["segment", "index", "index_method"]].to_dict("list")
{'segment': [1, 2], 'index': [100.0, 100.0], 'index_method': ['ratio', 'ratio']}
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem
from healthgap.insight.indicators import JoinedIndicators
from healthgap.measures.life_expectancy import life_expectancy

__all__ = [
    "ECOLOGICAL_NOTE",
    "segment_life_expectancy",
    "segment_profiles",
    "segment_shares",
    "segment_summary",
]

#: Said wherever segment figures are shown.
ECOLOGICAL_NOTE = (
    "Segments describe small areas, not the people in them: a segment's figures are "
    "averages over its areas, and many residents differ from them (the ecological fallacy)."
)


def _weights(labels: pd.Series, population: pd.Series | None) -> np.ndarray:
    if population is None:
        return np.ones(len(labels))
    aligned = population.reindex(labels.index)
    if aligned.isna().any() or (aligned < 0).any():
        bad = aligned.index[aligned.isna() | (aligned < 0)]
        raise InputError(
            [
                Problem(
                    "population",
                    None,
                    "population",
                    "bad_population",
                    f"area {code} has no population or a negative one",
                )
                for code in bad[:1000]
            ]
        )
    return aligned.to_numpy(dtype=float)


def _percentiles(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mid-rank percentile of each value (ties share their mid-rank)."""
    order = np.argsort(values, kind="stable")
    sorted_values, sorted_weights = values[order], weights[order]
    _, first, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    cumulative = np.cumsum(sorted_weights)
    before = np.r_[0.0, cumulative][first]
    tie_weight = np.add.reduceat(sorted_weights, first)
    mid = (before + tie_weight / 2.0) / cumulative[-1]
    out = np.empty(len(values))
    out[order] = np.repeat(mid, counts)
    return out


def segment_profiles(
    labels: pd.Series,
    indicators: pd.DataFrame | JoinedIndicators,
    *,
    population: pd.Series | None = None,
    indicator_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Index of every indicator in every segment against the whole (= 100).

    Parameters
    ----------
    labels : Series
        Segment of each area, indexed by area code (e.g. ``SmallAreaSegmenter.labels_`` or
        a licensed lookup's assignments).
    indicators : DataFrame or JoinedIndicators
        Indicators indexed by area code; every area of ``labels`` must be present.
    population : Series, optional
        Population of each area (weights); default one per area.
    indicator_labels : mapping, optional
        Words for each indicator (default the labels of ``JoinedIndicators``, or the names).

    Returns
    -------
    DataFrame
        One row per segment and indicator: ``segment``, ``indicator``, ``label``,
        ``segment_value``, ``whole_value``, ``index``, ``index_method`` ("ratio" or "rank"),
        ``z``, ``statistic`` and ``method``.
    """
    if isinstance(indicators, JoinedIndicators):
        indicator_labels = {**indicators.labels, **dict(indicator_labels or {})}
        indicators = indicators.values
    missing = labels.index.difference(indicators.index)
    if len(missing):
        raise InputError(
            [
                Problem(
                    "indicators",
                    None,
                    "area_code",
                    "unmatched_code",
                    f"area {code} has a segment but no indicators",
                )
                for code in missing[:1000]
            ]
        )
    X = indicators.reindex(labels.index).astype(float)
    w = _weights(labels, population)
    segments = np.sort(labels.unique())
    code = np.searchsorted(segments, labels.to_numpy())
    seg_weight = np.bincount(code, weights=w, minlength=len(segments))
    values = X.to_numpy()
    whole = np.average(values, axis=0, weights=w)
    sd = np.sqrt(np.average((values - whole) ** 2, axis=0, weights=w))
    means = (
        np.vstack(
            [
                np.bincount(code, weights=w * values[:, j], minlength=len(segments))
                for j in range(values.shape[1])
            ]
        ).T
        / seg_weight[:, None]
    )
    positive = (values > 0).all(axis=0)
    percentile = np.column_stack([_percentiles(values[:, j], w) for j in range(values.shape[1])])
    mean_pct = (
        np.vstack(
            [
                np.bincount(code, weights=w * percentile[:, j], minlength=len(segments))
                for j in range(values.shape[1])
            ]
        ).T
        / seg_weight[:, None]
    )
    whole_pct = np.average(percentile, axis=0, weights=w)
    index = np.where(positive, 100.0 * means / whole, 100.0 * mean_pct / whole_pct)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (means - whole) / sd
    names = [str(c) for c in X.columns]
    words = dict(indicator_labels or {})
    S, J = len(segments), len(names)
    out = pd.DataFrame(
        {
            "segment": np.repeat(segments, J),
            "indicator": np.tile(names, S),
            "label": np.tile([words.get(n, n) for n in names], S),
            "segment_value": means.ravel(),
            "whole_value": np.tile(whole, S),
            "index": np.round(index.ravel(), 1),
            "index_method": np.tile(np.where(positive, "ratio", "rank"), S),
            "z": z.ravel(),
        }
    )
    weighting = "population-weighted" if population is not None else "unweighted"
    out["statistic"] = "index against the whole (whole = 100)"
    out["method"] = f"{weighting} means over the segment's areas"
    return out


def segment_summary(labels: pd.Series, *, population: pd.Series | None = None) -> pd.DataFrame:
    """Areas and population of each segment, and its share of the whole population.

    >>> labels = pd.Series([1, 1, 2], index=["E1", "E2", "E3"])
    >>> segment_summary(labels, population=pd.Series([10, 30, 60], index=labels.index))
       segment  n_areas  population  population_share
    0        1        2        40.0               0.4
    1        2        1        60.0               0.6
    """
    w = _weights(labels, population)
    frame = pd.DataFrame({"segment": labels.to_numpy(), "population": w})
    out = frame.groupby("segment", sort=True).agg(
        n_areas=("population", "size"), population=("population", "sum")
    )
    out["population_share"] = out["population"] / out["population"].sum()
    return out.reset_index()


def segment_shares(
    labels: pd.Series, parent: pd.Series, *, population: pd.Series | None = None
) -> pd.DataFrame:
    """Share of each parent area's population (e.g. a local authority's) in each segment.

    Returns one row per parent and segment present (``parent_code``, ``segment``,
    ``population``, ``share``, ``dominant``: True for the parent's largest segment).

    >>> labels = pd.Series([1, 2, 2], index=["E1", "E2", "E3"])
    >>> parent = pd.Series(["LA1", "LA1", "LA1"], index=labels.index)
    >>> segment_shares(labels, parent)[["segment", "share", "dominant"]].round(3).to_dict("list")
    {'segment': [1, 2], 'share': [0.333, 0.667], 'dominant': [False, True]}
    """
    w = _weights(labels, population)
    parents = parent.reindex(labels.index)
    if parents.isna().any():
        bad = parents.index[parents.isna()]
        raise InputError(
            [
                Problem("lookup", None, "parent", "no_parent", f"area {code} has no parent area")
                for code in bad[:1000]
            ]
        )
    frame = pd.DataFrame(
        {"parent_code": parents.to_numpy(), "segment": labels.to_numpy(), "population": w}
    )
    out = frame.groupby(["parent_code", "segment"], sort=True)["population"].sum().reset_index()
    total = out.groupby("parent_code")["population"].transform("sum")
    out["share"] = out["population"] / total
    ranked = out.sort_values(["parent_code", "share", "segment"], ascending=[True, False, True])
    out["dominant"] = (~ranked.duplicated("parent_code")).reindex(out.index)
    return out


def segment_life_expectancy(
    labels: pd.Series,
    population: pd.DataFrame,
    deaths: pd.DataFrame,
    *,
    keys: tuple[str, ...] = ("sex", "period"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Life expectancy at birth of each segment and of the whole, and the gap between them.

    ``population`` and ``deaths`` are the workspace tables (``area_code``, ``period``,
    ``sex``, ``age_start``, ``person_years`` / ``deaths``; deaths rows may be left out where
    zero, and causes are summed). Areas without a segment are left out.

    Returns one row per segment (``"whole"`` for all areas together) and ``keys``: ``value``,
    ``lowercl``, ``uppercl``, ``gap`` (segment minus whole, years), ``confidence``,
    ``statistic``, ``method`` and the suppression columns of the life-expectancy measure.
    """
    segment_of = labels.astype(str)
    pop = population[population["area_code"].isin(segment_of.index)]
    cell = ["area_code", *keys, "age_start"]
    dead = deaths[deaths["area_code"].isin(segment_of.index)]
    dead = dead.groupby(cell, observed=True, as_index=False)["deaths"].sum()
    merged = pop[[*cell, "person_years"]].merge(dead, on=cell, how="left")
    merged["deaths"] = merged["deaths"].fillna(0.0)
    merged["segment"] = merged["area_code"].astype(str).map(segment_of)
    by_segment = merged.groupby(["segment", *keys, "age_start"], observed=True, as_index=False)[
        ["person_years", "deaths"]
    ].sum()
    whole = by_segment.groupby([*keys, "age_start"], observed=True, as_index=False)[
        ["person_years", "deaths"]
    ].sum()
    whole["segment"] = "whole"
    table = pd.concat([by_segment, whole], ignore_index=True)
    result = life_expectancy(table, keys=("segment", *keys), ages=[0], confidence=confidence).drop(
        columns="age_start"
    )
    reference = result[result["segment"] == "whole"].set_index(list(keys))["value"]
    joined = result.join(reference.rename("whole_value"), on=list(keys))
    result["gap"] = joined["value"] - joined["whole_value"]
    return result
