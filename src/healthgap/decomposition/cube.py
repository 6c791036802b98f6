"""Turn tidy deaths and population tables into the arrays the decomposition works on.

A *population* is one combination of the key columns (by default ``area_code``,
``period`` and ``sex``). Deaths become an array shaped (population, age band, cause)
and person-years one shaped (population, age band). Rows missing from ``deaths`` count
as zero deaths, as in the demo data, where zero-count rows are omitted. A *pair* table
says which population is the base and which the comparator; see :func:`resolve_pairs`.

>>> import pandas as pd
>>> pop = pd.DataFrame({"area_code": ["A", "A"], "age_start": [0, 1],
...                     "person_years": [100.0, 400.0]})
>>> deaths = pd.DataFrame({"area_code": ["A"], "age_start": [1], "cause": ["all"],
...                        "deaths": [3.0]})
>>> cube = build_cube(deaths, pop, key=("area_code",), starts=(0, 1))
>>> cube.deaths.shape, cube.deaths[0, :, 0].tolist()
((1, 2, 1), [0.0, 3.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthgap.data.model import CAUSE_GROUPS
from healthgap.errors import InputError, Problem

__all__ = ["PopulationCube", "build_cube", "resolve_pairs"]


@dataclass(frozen=True)
class PopulationCube:
    """Deaths and person-years of many populations as arrays, with their keys."""

    keys: pd.DataFrame  # one row per population, columns = key
    deaths: np.ndarray  # (population, band, cause)
    person_years: np.ndarray  # (population, band)
    causes: tuple[str, ...]
    starts: tuple[int, ...]


def _order_causes(found: Sequence[str]) -> tuple[str, ...]:
    # Keep the standard cause-group order so tables and charts read the same everywhere.
    known = [c for c in CAUSE_GROUPS if c in set(found)]
    return tuple(known + sorted(set(found) - set(known)))


def _check_table(
    frame: pd.DataFrame, name: str, columns: Sequence[str], count: str, starts: Sequence[int]
) -> list[Problem]:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        return [
            Problem(name, None, c, "missing_column", f"the {name} table needs a column {c!r}")
            for c in missing
        ]
    problems: list[Problem] = []
    values = pd.to_numeric(frame[count], errors="coerce").to_numpy(dtype=float)
    for row in np.flatnonzero(~np.isfinite(values))[:200]:
        problems.append(
            Problem(name, int(row) + 2, count, "not_a_number", f"{count} must be a number")
        )
    for row in np.flatnonzero(values < 0)[:200]:
        problems.append(
            Problem(name, int(row) + 2, count, "negative_count", f"{count} is {values[row]:g}")
        )
    bad_age = ~frame["age_start"].isin(list(starts)).to_numpy()
    for row in np.flatnonzero(bad_age)[:200]:
        problems.append(
            Problem(
                name,
                int(row) + 2,
                "age_start",
                "unknown_age_band",
                f"age_start {frame['age_start'].iloc[row]!r} is not a band start of {list(starts)}",
            )
        )
    return problems


def _key_labels(frame: pd.DataFrame, key: Sequence[str]) -> list[str]:
    """``"k=v, k=v"`` naming each row of ``frame`` by its ``key`` columns, for messages."""
    if not key:
        return [""] * len(frame)
    parts = [f"{k}=" + frame[k].astype(str) for k in key]
    return parts[0].str.cat(parts[1:], sep=", ").tolist()


def build_cube(
    deaths: pd.DataFrame,
    population: pd.DataFrame,
    *,
    key: Sequence[str],
    starts: Sequence[int],
) -> PopulationCube:
    """Arrays of deaths (population, band, cause) and person-years (population, band).

    Raises
    ------
    InputError
        Listing every missing column, negative or non-numeric count, unknown age band,
        death row without a population, and population lacking an age band.
    """
    key = list(key)
    starts = tuple(int(s) for s in starts)
    problems = _check_table(
        population, "population", [*key, "age_start", "person_years"], "person_years", starts
    )
    problems += _check_table(
        deaths, "deaths", [*key, "age_start", "cause", "deaths"], "deaths", starts
    )
    if problems:
        raise InputError(problems)

    keys = population[key].drop_duplicates().sort_values(key).reset_index(drop=True)
    index = pd.MultiIndex.from_frame(keys)
    n_pop, n_band = len(keys), len(starts)
    band_of = np.searchsorted(np.asarray(starts), population["age_start"].to_numpy(dtype=int))
    pop_code = index.get_indexer(pd.MultiIndex.from_frame(population[key]))
    cells = pop_code * n_band + band_of
    person_years = np.bincount(
        cells, weights=population["person_years"].to_numpy(float), minlength=n_pop * n_band
    ).reshape(n_pop, n_band)
    present = np.bincount(cells, minlength=n_pop * n_band).reshape(n_pop, n_band) > 0
    lacking, band = np.nonzero(~present)
    problems += [
        Problem(
            "population",
            None,
            "age_start",
            "missing_age_band",
            f"population {label} has no row for age band {starts[b]}",
        )
        for label, b in zip(_key_labels(keys.iloc[lacking], key), band, strict=True)
    ]

    death_code = index.get_indexer(pd.MultiIndex.from_frame(deaths[key]))
    orphans = np.flatnonzero(death_code < 0)[:200]
    for row, label in zip(orphans, _key_labels(deaths.iloc[orphans], key), strict=True):
        problems.append(
            Problem(
                "deaths",
                int(row) + 2,
                None,
                "no_population",
                f"deaths for {label} have no matching person-years in the population table",
            )
        )
    if problems:
        raise InputError(problems)

    causes = _order_causes(deaths["cause"].astype(str).unique().tolist())
    if not causes:
        causes = ("all",)
    cause_code = pd.Index(causes).get_indexer(deaths["cause"].astype(str))
    n_cause = len(causes)
    death_band = np.searchsorted(np.asarray(starts), deaths["age_start"].to_numpy(dtype=int))
    flat = (death_code * n_band + death_band) * n_cause + cause_code
    death_array = np.bincount(
        flat, weights=deaths["deaths"].to_numpy(float), minlength=n_pop * n_band * n_cause
    ).reshape(n_pop, n_band, n_cause)
    return PopulationCube(keys, death_array, person_years, causes, starts)


def resolve_pairs(
    pairs: pd.DataFrame, cube: PopulationCube, key: Sequence[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Indices of the base and comparator population of every pair.

    For each key column ``k``, ``pairs`` holds either ``base_k`` and ``comparator_k``
    (the two sides differ, e.g. ``base_area_code``/``comparator_area_code``), or ``k``
    (both sides share it, e.g. ``sex``), or neither: the pairs are then repeated for
    every value of ``k`` found in the data (e.g. every period and sex).

    Returns the pair keys as output columns, and the base and comparator indices.
    """
    key = list(key)
    frame = pairs.reset_index(drop=True).copy()
    problems: list[Problem] = []
    for k in key:
        one_sided = [f"{side}_{k}" in frame.columns for side in ("base", "comparator")]
        if any(one_sided) and not all(one_sided):
            problems.append(
                Problem(
                    "pairs",
                    None,
                    k,
                    "incomplete_pair_column",
                    f"give both base_{k} and comparator_{k}, or neither",
                )
            )
    if problems:
        raise InputError(problems)
    expand = [k for k in key if k not in frame.columns and f"base_{k}" not in frame.columns]
    if expand:
        frame = frame.merge(cube.keys[expand].drop_duplicates(), how="cross")

    def side(name: str) -> pd.DataFrame:
        return pd.DataFrame(
            {k: frame[f"{name}_{k}"] if f"{name}_{k}" in frame.columns else frame[k] for k in key}
        )

    index = pd.MultiIndex.from_frame(cube.keys)
    base = index.get_indexer(pd.MultiIndex.from_frame(side("base")))
    comparator = index.get_indexer(pd.MultiIndex.from_frame(side("comparator")))
    for name, found in (("base", base), ("comparator", comparator)):
        unknown = np.flatnonzero(found < 0)[:200]
        for row, label in zip(unknown, _key_labels(side(name).iloc[unknown], key), strict=True):
            problems.append(
                Problem(
                    "pairs",
                    int(row) + 2,
                    None,
                    f"unknown_{name}",
                    f"the {name} population ({label}) is not in the data",
                )
            )
    if problems:
        raise InputError(problems)
    out_columns = [
        c for c in frame.columns if c.removeprefix("base_").removeprefix("comparator_") in key
    ]
    return frame[out_columns], base, comparator
