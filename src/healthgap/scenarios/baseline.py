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
from healthgap.decomposition.comparison import ENGLAND, PARENT, Comparison
from healthgap.errors import InputError, Problem
from healthgap.periods import Period

__all__ = [
    "Baseline",
    "ComparisonGroups",
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
        """Area code of every cell at ``level`` (its own code at the cell level; ``"all"``
        for the whole baseline)."""
        if level == "all":
            return np.full(len(self.cells), "all", dtype=object)
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

    def level_holding(self, code: str) -> str:
        """The level at which ``code`` names some cells (InputError if none does)."""
        for level in self.levels():
            if (self.codes_at(level) == str(code)).any():
                return level
        raise InputError(
            f"area {code!r} is not in the baseline (levels {', '.join(self.levels())})",
            rule="unknown_area",
        )

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
        deaths = _sum_by_group(index, len(uniques), self.deaths)
        population = _sum_by_group(index, len(uniques), self.population)
        return Baseline(cells, self.sexes, self.starts, self.causes, deaths, population,
                        self.years, self.period, level)  # fmt: skip


def _sum_by_group(index: np.ndarray, groups: int, values: np.ndarray) -> np.ndarray:
    """``values`` (cell, ...) summed over the cells of each group (every group has a cell),
    each group's cells added in their order, as ``np.add.at`` would but without its per-row
    cost."""
    order = np.argsort(index, kind="stable")
    starts = np.r_[0, np.cumsum(np.bincount(index, minlength=groups))[:-1]]
    return np.add.reduceat(values[order].astype(float, copy=False), starts, axis=0)


@dataclass(frozen=True)
class ComparisonGroups:
    """Which cells form the base and the comparator of each gap of a comparison.

    ``groups`` is a boolean membership matrix (group, cell); ``pairs`` lists
    ``(base group, comparator group)`` index pairs, one per gap; ``labels`` names
    each group.
    """

    groups: np.ndarray
    pairs: np.ndarray
    labels: tuple[str, ...]

    @classmethod
    def from_comparison(cls, baseline: Baseline, comparison: Comparison) -> ComparisonGroups:
        """The groups of a :class:`~healthgap.decomposition.comparison.Comparison`: fifths
        within an area (or every area of a level, or the country), or an area against
        England, its parent or another area. Periods are not compared by this model."""
        if comparison.kind == "period":
            raise InputError(
                "the scenario model compares two populations in one period, not periods",
                rule="unsupported_comparison",
            )
        if comparison.kind == "quantiles":
            if comparison.quantiles != 5:
                raise InputError(
                    "the scenario model splits areas into fifths: use quintiles",
                    rule="unsupported_comparison",
                )
            level = needed_level(baseline, comparison)
            areas = None if comparison.area is None else [comparison.area]
            return cls.quintiles(baseline, level, areas, comparison.base_group,
                                 int(comparison.comparator_group or 5))  # fmt: skip
        area = str(comparison.area)
        level = comparison.level or baseline.level_holding(area)
        base = baseline.codes_at(level) == area
        if comparison.comparator == ENGLAND:
            countries = baseline.cells.get(parent_column("country"))
            other = "all" if countries is None else str(countries[base].iloc[0])
            comp = np.ones(len(base), bool) if countries is None else countries.eq(other).to_numpy()
        else:
            other = str(comparison.comparator)
            if comparison.comparator == PARENT:
                above = [lv for lv in baseline.levels() if lv != level
                         and baseline.nests_within(level, lv)]  # fmt: skip
                if not above:
                    raise InputError(f"{area} has no parent in the baseline", rule="no_comparator")
                other = str(baseline.codes_at(above[0])[base][0])
            comp = baseline.codes_at(baseline.level_holding(other)) == other
        if not base.any():
            raise InputError(f"area {area!r} has no cells in the baseline", rule="unknown_area")
        return cls(np.stack([base, comp]), np.array([[0, 1]]), (area, other))

    @classmethod
    def quintiles(
        cls, baseline: Baseline, level: str, areas: Sequence[str] | None = None,
        base: int = 1, comparator: int = 5,
    ) -> ComparisonGroups:  # fmt: skip
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


def needed_level(baseline: Baseline, comparison: Comparison) -> str:
    """The level a comparison's areas are named at (``"all"`` for the whole country)."""
    if comparison.level is not None:
        return comparison.level
    if comparison.area is None:
        return "all"
    return baseline.level_holding(comparison.area)


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 if absent); fast for categorical columns,
    whose few categories are looked up once instead of millions of strings."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(values.cat.categories.astype(str))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes], -1)
    return index.get_indexer(values.astype(str))


def _years_to_pool(present: Sequence[str], periods: Sequence[str] | None) -> list[str]:
    """The stored period labels to pool: those asked for (a pooled label such as 2022-24
    stands for its single years when the table holds those), by default the latest three
    single years (:meth:`Period.latest`)."""
    if periods is None:
        latest = Period.latest(present)
        if latest is None:
            return list(present[-3:])
        periods = [latest.label]
    chosen: list[str] = []
    for label in map(str, periods):
        period = Period.try_parse(label)
        if label in present or period is None:
            chosen.append(label)
        elif period.label in present:
            chosen.append(period.label)
        else:
            chosen.extend(period.single_labels)
    return list(dict.fromkeys(chosen))


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

    ``periods`` lists the period labels to pool (default: the latest three single years).
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
    # the few distinct labels, not millions of rows, are turned into text
    present = sorted(map(str, population["period"].unique()))
    chosen = _years_to_pool(present, periods)
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
    label = (
        Period.of_years(chosen).label if all(map(Period.try_parse, chosen)) else "+".join(chosen)
    )
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
