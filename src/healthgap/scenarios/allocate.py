r"""Resolve a scenario against a baseline: check it against the data, then allocate each
intervention's units to cells (area x sex x age band).

Units go to eligible people in the target in proportion to the eligible pool, weighted
by an optional uptake gradient by deprivation quintile (proportionate universalism):

.. math::

    u_{a,s,x} = V \, \frac{E_{a,s,x} \, g_{q(a)}}{\sum E \, g}, \qquad
    E_{a,s,x} = \frac{P_{a,s,x}}{k} \, \pi_x \, r_{q(a)} \, \mathbb{1}[\text{target}]

with :math:`\pi_x` the eligible share by age (e.g. smoking prevalence), :math:`r_q` its
ratio by quintile, and each cell capped at its pool. Yearly volumes follow the start
year, end year and a linear ramp.

Problems found here (each named, all at once): unknown intervention, level or area;
ages outside the bands or the intervention's ages; coverage or units above the
eligible pool; unknown parameter overrides.

>>> cohort_multipliers(start=1, end=None, ramp=2, horizon=4).tolist()
[0.5, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS
from healthgap.errors import InputError, Problem
from healthgap.scenarios.baseline import Baseline
from healthgap.scenarios.library import Intervention
from healthgap.scenarios.parameters import Parameter, apply_overrides
from healthgap.scenarios.scenario import InterventionSpec, ScenarioSpec

__all__ = ["Resolved", "cohort_multipliers", "resolve", "volume_problems_by_area"]

_CUMULATIVE_KINDS = ("smoking", "hazard_reduction")  # people reached stay reached


@dataclass(frozen=True)
class Resolved:
    """An intervention line ready for the engine."""

    spec: InterventionSpec
    intervention: Intervention  # with the scenario's overrides applied
    units: np.ndarray  # (cell, sex, band): units a year at full volume
    cohorts: np.ndarray  # (horizon,): share of the full yearly volume started in each year
    units_per_year: float
    pool: float  # eligible people in the target (annual)

    @property
    def label(self) -> str:
        return self.spec.name

    @property
    def years_counted(self) -> float:
        """Years of units that must fit in the pool at once: people reached by a cumulative
        intervention (treatment, quitting) stay reached, so every year's units count; other
        units count one year at a time."""
        cumulative = self.intervention.kind in _CUMULATIVE_KINDS
        return float(self.cohorts.sum() if cumulative else self.cohorts.max())

    @property
    def delivered(self) -> float:
        """Units that must fit in the eligible pool (:attr:`pool`)."""
        return self.units_per_year * self.years_counted

    @property
    def parameters(self) -> dict[str, Parameter]:
        return self.intervention.parameters


def cohort_multipliers(start: int, end: int | None, ramp: int, horizon: int) -> np.ndarray:
    """Share of the full yearly volume delivered in each year 1..horizon."""
    years = np.arange(1, horizon + 1)
    active = (years >= start) & (years <= (end or horizon))
    ramped = np.minimum(1.0, (years - start + 1) / ramp) if ramp > 0 else np.ones(horizon)
    return np.where(active, ramped, 0.0)


def _target_mask(
    spec: InterventionSpec, item: Intervention, baseline: Baseline, where: str,
    problems: list[Problem],
) -> np.ndarray:  # fmt: skip
    target, path = spec.target, f"{spec.path}.target"
    cells = np.ones(len(baseline.cells), bool)
    if target.level is not None:
        if target.level not in baseline.levels():
            problems.append(
                Problem(where, None, f"{path}.level", "unknown_level",
                        f"{target.level!r}; the data have {', '.join(baseline.levels())}")
            )  # fmt: skip
        elif target.areas is not None:
            codes = baseline.codes_at(target.level)
            unknown = sorted(set(target.areas) - set(codes))
            if unknown:
                problems.append(
                    Problem(where, None, f"{path}.areas", "unknown_area",
                            f"no {target.level} area {', '.join(unknown)} in the workspace")
                )  # fmt: skip
            cells &= np.isin(codes, target.areas)
    if target.quintiles is not None:
        cells &= np.isin(baseline.cells["quintile"].to_numpy(), target.quintiles)
    sexes = np.isin(baseline.sexes, item.sexes)
    if target.sexes is not None:
        sexes &= np.isin(baseline.sexes, target.sexes)
    starts = np.asarray(baseline.starts)
    ages = (starts >= item.ages[0]) & (starts <= item.ages[1])
    if target.ages is not None:
        lo, hi = target.ages
        bad = [a for a in (lo, hi) if a not in baseline.starts]
        if bad or lo > hi:
            problems.append(
                Problem(where, None, f"{path}.ages", "ages_outside_bands",
                        f"{list(target.ages)}: ages must be band starts "
                        f"{baseline.starts[0]}..{baseline.starts[-1]} and ascending")
            )  # fmt: skip
        elif hi < item.ages[0] or lo > item.ages[1]:
            problems.append(
                Problem(where, None, f"{path}.ages", "ages_outside_intervention",
                        f"{item.id} acts on ages {item.ages[0]}-{item.ages[1]}")
            )  # fmt: skip
        ages &= (starts >= lo) & (starts <= hi)
    return cells[:, None, None] & sexes[None, :, None] & ages[None, None, :]


def _eligible(
    spec: InterventionSpec, item: Intervention, baseline: Baseline, where: str,
    problems: list[Problem],
) -> np.ndarray:  # fmt: skip
    """Eligible people a year in the line's target, ``(cell, sex, band)``."""
    mask = _target_mask(spec, item, baseline, where, problems)
    quintile = baseline.cells["quintile"].to_numpy()
    share = item.exposure(baseline.sexes, baseline.starts)[np.clip(quintile, 0, 5)]
    return baseline.annual_population() * share * mask


def _with_overrides(spec: InterventionSpec, item: Intervention, where: str) -> Intervention:
    params = apply_overrides(item.parameters, spec.overrides, where=where,
                             path=f"{spec.path}.overrides")  # fmt: skip
    tables = {**item.tables, **spec.tables}
    eligible = {**item.eligible, **(spec.exposure or {})}
    if spec.exposure:
        eligible["evidence"] = spec.exposure.get("evidence", "A")
        eligible["table"] = _exposure_rows(spec, where)
    unit_cost = item.unit_cost
    if spec.unit_cost is not None:
        unit_cost = replace(unit_cost, value=spec.unit_cost, source="local value", evidence="A",
                            overridden=True)  # fmt: skip
    return replace(item, parameters=params, tables=tables, eligible=eligible, unit_cost=unit_cost)


def _exposure_rows(spec: InterventionSpec, where: str) -> list[dict[str, Any]]:
    """Rows of a user exposure table: a DataFrame, a list of rows or a CSV path (relative to
    the scenario file)."""
    table = (spec.exposure or {}).get("table")
    if table is None:
        return []
    column = f"{spec.path}.exposure.table"
    if isinstance(table, str | Path):
        path = Path(table) if Path(table).is_absolute() else Path(where).parent / table
        try:
            table = pd.read_csv(path)
        except (OSError, ValueError) as exc:
            raise InputError([Problem(where, None, column, "unreadable", str(exc))]) from None
    frame = pd.DataFrame(table)
    problems = [
        Problem(where, None, column, "missing_column", f"the exposure table needs {name!r}")
        for name in ("age_start", "value")
        if name not in frame
    ]
    if not problems:
        bad = frame[~frame["age_start"].isin(STANDARD_STARTS) | ~frame["value"].between(0, 1)]
        problems = [
            Problem(where, int(i) + 2, column, "bad_exposure_row",
                    f"age_start must be a band start and value a share 0-1: {row.to_dict()}")
            for i, row in bad.iterrows()
        ]  # fmt: skip
    if problems:
        raise InputError(problems)
    return frame.to_dict("records")


def resolve(
    scenario: ScenarioSpec, baseline: Baseline, library: Mapping[str, Intervention]
) -> list[Resolved]:
    """Check the scenario against the data and allocate units; all problems at once."""
    where = scenario.source
    problems: list[Problem] = []
    out: list[Resolved] = []
    quintile = baseline.cells["quintile"].to_numpy()
    for spec in scenario.interventions:
        if spec.intervention not in library:
            problems.append(
                Problem(where, None, f"{spec.path}.intervention", "unknown_intervention",
                        f"{spec.intervention!r}; known: {', '.join(sorted(library))}")
            )  # fmt: skip
            continue
        try:
            item = _with_overrides(spec, library[spec.intervention], where)
        except InputError as err:
            problems.extend(err.problems)
            continue
        eligible = _eligible(spec, item, baseline, where, problems)
        pool = float(eligible.sum())
        cohorts = cohort_multipliers(spec.start_year, spec.end_year, spec.ramp_years,
                                     scenario.horizon)  # fmt: skip
        per_year = _units_per_year(spec, pool, cohorts, item.kind in _CUMULATIVE_KINDS)
        delivered = Resolved(spec, item, np.empty(0), cohorts, per_year, pool).delivered
        if delivered > pool * (1 + 1e-9):
            problems.append(
                Problem(where, None, f"{spec.path}.volume", "units_above_pool",
                        _above_pool(delivered, pool, item))
            )  # fmt: skip
        gradient = spec.target.gradient
        weight = (
            np.where(quintile > 0, np.asarray(gradient)[np.clip(quintile - 1, 0, 4)], 1.0)
            if gradient is not None
            else np.ones(len(quintile))
        )
        weighted = eligible * weight[:, None, None]
        total = weighted.sum()
        units = per_year * weighted / total if total > 0 else np.zeros_like(weighted)
        units = np.minimum(units, eligible)  # a steep gradient cannot exceed a cell's pool
        out.append(Resolved(spec, item, units, cohorts, per_year, pool))
    if problems:
        raise InputError(problems)
    return out


def _above_pool(delivered: float, pool: float, item: Intervention) -> str:
    return (
        f"{delivered:,.0f} units exceed the eligible pool of {pool:,.0f} "
        f"({item.eligible.get('description', 'eligible people')})"
    )


def _units_per_year(
    spec: InterventionSpec, pool: float | np.ndarray, cohorts: np.ndarray, cumulative: bool
) -> float | np.ndarray:
    volume = spec.volume
    if "units_per_year" in volume:
        return float(volume["units_per_year"])
    if "units_total" in volume:
        years = cohorts.sum()
        return float(volume["units_total"]) / years if years > 0 else 0.0
    if "coverage_to" in volume:
        extra = (volume["coverage_to"] - volume["coverage_from"]) / 100.0 * pool
        # people reached by a cumulative intervention stay reached: spread over the years
        return extra / cohorts.sum() if cumulative and cohorts.sum() > 0 else extra
    return 0.0


def volume_problems_by_area(
    scenario: ScenarioSpec,
    baseline: Baseline,
    library: Mapping[str, Intervention],
    level: str,
    codes: Sequence[str],
) -> list[tuple[str, Problem]]:
    """Check the scenario's volumes in every area of ``codes`` at once, as if each of its
    lines targeted one area at ``level`` at a time (a scenario grid's areas).

    The eligible pool of each line is computed once over every cell and summed by area
    with one ``bincount``; the units each area would deliver (a fixed volume, or a
    coverage rise times that area's pool) are compared with it in one array operation.
    Returns ``(area code, problem)`` for every area whose volume exceeds its pool;
    problems of no area in particular (unknown intervention, parameter or ages) raise
    :class:`~healthgap.errors.InputError` as :func:`resolve` does.

    >>> from healthgap.scenarios import load_library, scenario_from_dict
    >>> from healthgap.scenarios.baseline import Baseline
    >>> cells = pd.DataFrame({"cell": ["A Q1", "B Q1"], "area_code": ["A", "B"],
    ...                       "quintile": [1, 1]})
    >>> people = np.full((2, 2, 19), 100.0)
    >>> people[1] = 5.0  # area B is small
    >>> base = Baseline(cells, ("male", "female"), tuple(range(0, 95, 5)), ("all",),
    ...                 np.ones((2, 2, 19, 1)), people, 1, "2023", "la")
    >>> spec = scenario_from_dict({"interventions": [{"intervention": "statins",
    ...     "volume": {"units_per_year": 50}, "target": {"level": "la", "areas": ["A"]}}]})
    >>> [(code, p.rule) for code, p in volume_problems_by_area(spec, base, load_library(),
    ...                                                      "la", ["A", "B"])]
    [('B', 'units_above_pool')]
    """
    where = scenario.source
    problems: list[Problem] = []
    lines = tuple(replace(line, volume={"units_per_year": 0.0}) for line in scenario.interventions)
    zero = replace(scenario, interventions=lines)
    resolved = resolve(zero, baseline, library)  # problems of no area raise here
    codes = list(dict.fromkeys(map(str, codes)))  # each area once
    area_of_cell = pd.Index(codes).get_indexer(baseline.codes_at(level))
    inside = area_of_cell >= 0
    found: list[tuple[str, Problem]] = []
    for line, item in zip(scenario.interventions, resolved, strict=True):
        everywhere = replace(line, target=replace(line.target, level=level, areas=None))
        eligible = _eligible(everywhere, item.intervention, baseline, where, problems)
        pools = np.bincount(area_of_cell[inside], weights=eligible.sum(axis=(1, 2))[inside],
                            minlength=len(codes))  # fmt: skip
        cumulative = item.intervention.kind in _CUMULATIVE_KINDS
        per_year = np.broadcast_to(_units_per_year(line, pools, item.cohorts, cumulative),
                                   pools.shape)  # fmt: skip
        delivered = per_year * item.years_counted
        for area in np.flatnonzero(delivered > pools * (1 + 1e-9)):
            message = _above_pool(delivered[area], pools[area], item.intervention)
            found.append((codes[area], Problem(where, None, f"{line.path}.volume",
                                               "units_above_pool", message)))  # fmt: skip
    if problems:
        raise InputError(problems)
    return found
