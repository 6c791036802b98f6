"""The baseline of a scenario model: pooled deaths and person-years as arrays, and the
groups (e.g. most and least deprived quintile of an area) whose gap is tracked.

Arrays are shaped ``(cell, sex, age band, cause)`` for deaths and ``(cell, sex, band)``
for person-years, pooled over ``years`` years, so annual rates are ``m = D / P`` and
annual deaths ``D / years``. A *cell* is the unit units are allocated to: an LSOA, or
an area at a higher level split by deprivation quintile. Each cell carries its area
codes at every level and its quintile (1 = most deprived; 0 = unknown).

>>> import numpy as np, pandas as pd
>>> cells = pd.DataFrame({"cell": ["Q1", "Q5"], "area_code": ["A", "A"], "quintile": [1, 5]})
>>> base = Baseline.from_arrays(np.ones((2, 1, 20, 2)), np.full((2, 1, 20), 1e4), cells,
...                             sexes=("male",), causes=("circulatory", "other"), years=3)
>>> base.deaths.shape, float(base.annual_deaths().sum())
((2, 1, 20, 2), 26.666666666666668)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.deprivation import assign_quantiles
from healthgap.data.model import CAUSE_GROUPS, parent_column
from healthgap.data.workspace import Workspace, open_workspace
from healthgap.errors import InputError, Problem

__all__ = [
    "Baseline",
    "Comparison",
    "baseline_from_tables",
    "baseline_from_workspace",
    "exact_level",
]


@dataclass(frozen=True)
class Baseline:
    """Pooled baseline arrays plus a description of each cell."""

    cells: pd.DataFrame  # columns: cell, area_code, quintile, parent_<level>...
    sexes: tuple[str, ...]
    starts: tuple[int, ...]
    causes: tuple[str, ...]
    deaths: np.ndarray  # (cell, sex, band, cause), pooled over `years`
    population: np.ndarray  # (cell, sex, band), pooled person-years
    years: int
    period: str = ""
    cell_level: str = "lsoa"

    @classmethod
    def from_arrays(
        cls,
        deaths: np.ndarray,
        population: np.ndarray,
        cells: pd.DataFrame,
        *,
        sexes: Sequence[str] = ("male", "female"),
        causes: Sequence[str] = CAUSE_GROUPS,
        starts: Sequence[int] = STANDARD_STARTS,
        years: int = 1,
        period: str = "",
        cell_level: str = "lsoa",
    ) -> Baseline:
        D = np.asarray(deaths, dtype=float)
        P = np.asarray(population, dtype=float)
        expected = (len(cells), len(sexes), len(starts), len(causes))
        if D.shape != expected or P.shape != expected[:3]:
            raise InputError(
                f"deaths {D.shape} / population {P.shape} do not match cells x sexes x "
                f"bands x causes {expected}",
                rule="shape_mismatch",
            )
        cells = cells.reset_index(drop=True).copy()
        if "quintile" not in cells:
            cells["quintile"] = 0
        return cls(cells, tuple(sexes), tuple(starts), tuple(causes), D, P, int(years), period,
                   cell_level)  # fmt: skip

    def annual_deaths(self) -> np.ndarray:
        return self.deaths / self.years

    def annual_population(self) -> np.ndarray:
        return self.population / self.years

    def codes_at(self, level: str) -> np.ndarray:
        """Area code of every cell at ``level`` (its own code at the cell level)."""
        column = parent_column(level)
        if column in self.cells:
            return self.cells[column].astype(str).to_numpy()
        if level == self.cell_level or level == "cell":
            return self.cells["area_code"].astype(str).to_numpy()
        raise InputError(f"the baseline has no level {level!r}", rule="unknown_level")

    def levels(self) -> list[str]:
        prefix = "parent_"
        found = [c[len(prefix) :] for c in self.cells if c.startswith(prefix)]
        return [self.cell_level] + [lvl for lvl in found if lvl != self.cell_level]

    def nests_within(self, level: str, other: str) -> bool:
        """True when every area at ``level`` lies in a single area at ``other``."""
        if other in (level, "all"):
            return True
        if other not in self.levels() or level not in self.levels():
            return False
        frame = pd.DataFrame({"a": self.codes_at(level), "b": self.codes_at(other)})
        return bool((frame.groupby("a")["b"].nunique() <= 1).all())

    def coarsen(self, level: str) -> Baseline:
        """Cells merged into (area at ``level``) x deprivation quintile.

        Exact for scenarios whose targets and comparison are at ``level`` or above: units
        are allocated in proportion to the eligible pool, so every small area of one
        quintile of one area gets the same fraction of its deaths removed.
        """
        if level == self.cell_level:
            return self
        codes = self.codes_at(level)
        quintile = self.cells["quintile"].to_numpy()
        key = pd.Series(codes).astype(str) + " Q" + pd.Series(quintile).astype(str)
        index, uniques = pd.factorize(key)
        first = self.cells.groupby(index, sort=True).head(1).sort_index()
        keep = [c for c in self.cells if c.startswith("parent_")
                and self.nests_within(level, c[len("parent_"):])]  # fmt: skip
        cells = first[keep].reset_index(drop=True)
        cells.insert(0, "cell", np.asarray(uniques))
        cells.insert(1, "area_code", codes[first.index.to_numpy()])
        cells["quintile"] = first["quintile"].to_numpy()
        deaths = np.zeros((len(uniques), *self.deaths.shape[1:]))
        population = np.zeros((len(uniques), *self.population.shape[1:]))
        np.add.at(deaths, index, self.deaths)
        np.add.at(population, index, self.population)
        return Baseline(cells, self.sexes, self.starts, self.causes, deaths, population,
                        self.years, self.period, level)  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """Which cells form the base and the comparator of each gap.

    ``groups`` is a boolean membership matrix (group, cell); ``pairs`` lists
    ``(base group, comparator group)`` index pairs, one per gap; ``labels`` names
    each group.
    """

    groups: np.ndarray
    pairs: np.ndarray
    labels: tuple[str, ...]

    @classmethod
    def quintiles(
        cls, baseline: Baseline, level: str, areas: Sequence[str] | None = None,
        base: int = 1, comparator: int = 5,
    ) -> Comparison:  # fmt: skip
        """Most vs least deprived quintile within each area at ``level`` (Segment style)."""
        codes = baseline.codes_at(level)
        chosen = sorted(set(codes)) if areas is None else [str(a) for a in areas]
        quintile = baseline.cells["quintile"].to_numpy()
        area_match = codes[None, :] == np.asarray(chosen)[:, None]
        base_rows = area_match & (quintile == base)[None, :]
        comp_rows = area_match & (quintile == comparator)[None, :]
        groups = np.concatenate([base_rows, comp_rows])
        n = len(chosen)
        pairs = np.stack([np.arange(n), np.arange(n) + n], axis=1)
        labels = tuple(f"{a} Q{base}" for a in chosen) + tuple(f"{a} Q{comparator}" for a in chosen)
        return cls(groups, pairs, labels)

    @classmethod
    def areas(
        cls, baseline: Baseline, level: str, base: str, comparator: str | None = None
    ) -> Comparison:
        """An area against another area (or against every cell: the whole country)."""
        codes = baseline.codes_at(level)
        comp = np.ones(len(codes), bool) if comparator is None else codes == str(comparator)
        groups = np.stack([codes == str(base), comp])
        return cls(groups, np.array([[0, 1]]), (str(base), str(comparator or "all")))


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 if absent); fast for categorical columns,
    whose few categories are looked up once instead of millions of strings."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(values.cat.categories.astype(str))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes], -1)
    return index.get_indexer(values.astype(str))


def baseline_from_tables(
    areas: pd.DataFrame,
    population: pd.DataFrame,
    deaths: pd.DataFrame,
    *,
    periods: Sequence[str] | None = None,
    level: str = "lsoa",
    quintile_by: str | None = "la",
    sexes: Sequence[str] = ("male", "female"),
    causes: Sequence[str] = CAUSE_GROUPS,
    starts: Sequence[int] = STANDARD_STARTS,
) -> Baseline:
    """Build a baseline at the smallest level of ``areas`` (e.g. LSOA) from tidy tables.

    ``periods`` lists single-year period labels to pool (default: the last three).
    Quintiles are of ``deprivation_score`` within each area at ``quintile_by`` (or
    nationally with ``None``). Missing death rows count as zero deaths.
    """
    problems = [
        Problem(name, None, column, "missing_column", f"{name} needs column {column!r}")
        for name, frame, needed in (
            ("areas", areas, ("area_code", "level", "deprivation_score")),
            ("population", population, ("area_code", "period", "sex", "age_start", "person_years")),
            ("deaths", deaths, ("area_code", "period", "sex", "age_start", "cause", "deaths")),
        )  # fmt: skip
        for column in needed
        if column not in frame
    ]
    if problems:
        raise InputError(problems)
    small = areas[areas["level"].astype(str) == level].reset_index(drop=True)
    if small.empty:
        raise InputError(f"the areas table has no {level!r} areas", rule="unknown_level")
    present = sorted(population["period"].astype(str).unique())
    chosen = present[-3:] if periods is None else periods
    chosen = [str(p) for p in chosen]
    by = parent_column(quintile_by) if quintile_by else None
    if by is not None and by not in small:
        raise InputError(f"areas have no column {by!r} for quintiles", rule="unknown_level")
    cells = small[[c for c in small if c == "area_code" or c.startswith("parent_")]].copy()
    cells.insert(0, "cell", cells["area_code"].astype(str))
    cells["quintile"] = assign_quantiles(small, n=5, by=by).fillna(0).astype(int).to_numpy()

    area_index = pd.Index(cells["area_code"].astype(str))
    pop = population[_positions(population["period"], pd.Index(chosen)) >= 0]
    dth = deaths[_positions(deaths["period"], pd.Index(chosen)) >= 0]
    P = np.zeros((len(cells), len(sexes), len(starts)))
    D = np.zeros((len(cells), len(sexes), len(starts), len(causes)))
    for frame, target, value, extra in (
        (pop, P, "person_years", None),
        (dth, D, "deaths", "cause"),
    ):
        a = _positions(frame["area_code"], area_index)
        s = _positions(frame["sex"], pd.Index(list(sexes)))
        x = pd.Index(list(starts)).get_indexer(frame["age_start"].astype(int))
        keep = (a >= 0) & (s >= 0) & (x >= 0)
        index: tuple[np.ndarray, ...] = (a[keep], s[keep], x[keep])
        if extra is not None:
            c = _positions(frame[extra], pd.Index(list(causes)))
            keep_c = c[keep] >= 0
            index = tuple(i[keep_c] for i in index) + (c[keep][keep_c],)
            values = frame[value].to_numpy(float)[keep][keep_c]
        else:
            values = frame[value].to_numpy(float)[keep]
        np.add.at(target, index, values)
    label = chosen[0] if len(chosen) == 1 else f"{chosen[0]}-{chosen[-1][-2:]}"
    return Baseline.from_arrays(D, P, cells, sexes=sexes, causes=causes, starts=starts,
                                years=len(chosen), period=label, cell_level=level)  # fmt: skip


def baseline_from_workspace(
    workspace: str | os.PathLike[str] | Workspace,
    *,
    periods: Sequence[str] | None = None,
    level: str = "lsoa",
    quintile_by: str | None = "la",
) -> Baseline:
    """:func:`baseline_from_tables` on a workspace's areas, population and deaths."""
    ws = workspace if isinstance(workspace, Workspace) else open_workspace(workspace)
    missing = [t for t in ("areas", "population", "deaths") if not ws.has(t)]
    if missing:
        raise InputError([Problem(str(ws.path), None, t, "missing_table",
                                  f"the workspace has no {t} table") for t in missing])  # fmt: skip
    return baseline_from_tables(ws.read("areas"), ws.read("population"), ws.read("deaths"),
                                periods=periods, level=level, quintile_by=quintile_by)  # fmt: skip


def exact_level(baseline: Baseline, needed: Sequence[str]) -> str:
    """The coarsest level the baseline can be merged to (with quintiles) without changing
    any result: every level in ``needed`` (targets, comparison) must contain its areas."""
    needed = [n for n in needed if n not in ("all", "cell")]
    candidates = sorted(baseline.levels(), key=lambda lvl: len(set(baseline.codes_at(lvl))))
    for level in candidates:
        if all(baseline.nests_within(level, n) for n in needed):
            return level
    return baseline.cell_level
