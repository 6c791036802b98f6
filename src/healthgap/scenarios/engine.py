r"""The impact engine: combine interventions, rebuild life tables, new LE and gap.

For each intervention :math:`k` the fraction :math:`f_k` of annual deaths removed in the
evaluation year (see :mod:`healthgap.scenarios.effects`) is combined multiplicatively
within each cell and cause (independence; no double counting):

.. math::

    m'_{a,s,x,c} = m_{a,s,x,c} \prod_k \left(1 - f_{k,a,s,x,c}\right)

clipped at zero. Cells are summed into the groups of the comparison (e.g. the most and
least deprived quintile of an area), the Chiang life table
(:func:`healthgap.measures.life_table.chiang_life_table`) is rerun with person-years
fixed (a static period model), and the gap is
:math:`G = e_0^{comp} - e_0^{base}`. The share of a relative gap target
:math:`\tau` achieved is :math:`(G_0 - G_1)/(\tau G_0)`.

Use :class:`ScenarioModel` for repeated evaluations: it precomputes the group sums
and baseline life tables once, so an evaluation only touches targeted cells.

References
----------
interventions.md §5.3 and the worked example §6; Chiang (1968); PHEindicatormethods.

Examples
--------
Fitting a model and evaluating a scenario on a two-quintile baseline is shown in
:mod:`healthgap.scenarios.results` (one example for the engine and its tidy tables).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from healthgap.decomposition.comparison import ENGLAND, PARENT, Comparison
from healthgap.errors import InputError, NotFittedError, SmallNumbersWarning
from healthgap.measures.life_table import LifeTable, chiang_life_table
from healthgap.scenarios.allocate import Resolved, resolve
from healthgap.scenarios.baseline import Baseline, ComparisonGroups, exact_level, needed_level
from healthgap.scenarios.effects import fraction_removed
from healthgap.scenarios.library import Intervention, load_library
from healthgap.scenarios.scenario import ScenarioSpec

__all__ = ["Evaluation", "ScenarioModel", "combine", "point_parameters"]


def _group_sum(G: sparse.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Sum cell values (cell, ...) into groups (group, ...) with a sparse membership."""
    if values.shape[0] == 0:  # nobody reached
        return np.zeros((G.shape[0], *values.shape[1:]))
    flat = values.reshape(values.shape[0], -1)
    return np.asarray(G @ flat).reshape(G.shape[0], *values.shape[1:])


def combine(fractions: Sequence[np.ndarray]) -> tuple[np.ndarray, int]:
    """Retained share of deaths :math:`\\prod_k (1 - f_k)`, clipped to [0, 1].

    Returns the retained share and the number of cells clipped (an intervention
    removing more deaths than there are: report, do not hide).

    >>> r, clipped = combine([np.array([0.1, 0.5]), np.array([0.1, 0.8])])
    >>> r.round(3).tolist(), clipped
    ([0.81, 0.1], 0)
    """
    retained = combine_raw(fractions)
    clipped = int(((retained < 0) | (retained > 1)).sum())
    return np.clip(retained, 0.0, 1.0), clipped


def combine_raw(fractions: Sequence[np.ndarray]) -> np.ndarray:
    """The unclipped product :math:`\\prod_k (1 - f_k)` (to count what clipping changed)."""
    shape = np.broadcast_shapes(*(f.shape for f in fractions))
    retained = (
        np.ones(shape) if not fractions else np.array(np.broadcast_to(1.0 - fractions[0], shape))
    )
    for f in fractions[1:]:
        retained *= 1.0 - f  # in place: these arrays are the largest of a run
    return retained


def point_parameters(items: Sequence[Resolved]) -> list[dict[str, np.ndarray]]:
    """Each intervention's point values as length-1 arrays (a deterministic run)."""
    return [{n: np.array([p.value]) for n, p in r.parameters.items()} for r in items]


@dataclass
class Evaluation:
    """Arrays of one evaluation; the trailing axis is the draw (length 1 if deterministic).

    Keys of ``arrays``: ``e0_base``/``e0_new`` (group, sex, draw), ``gap_base``/
    ``gap_new``/``gap_reduction``/``target_share`` (pair, sex, draw), ``dpp``
    (intervention, sex, band, cause, draw) alone, ``dpp_combined`` (sex, band, cause,
    draw), ``gap_reduction_alone`` and ``waterfall`` (intervention, pair, sex, draw).
    """

    scenario: ScenarioSpec
    items: list[Resolved]
    groups: ComparisonGroups
    arrays: dict[str, np.ndarray]
    clipped: int = 0
    extras: dict[str, Any] = field(default_factory=dict)


class ScenarioModel:
    """A baseline prepared for fast repeated evaluation of scenarios, estimator style.

    ``fit(comparison)`` sums the cells into the comparison's groups and builds the baseline
    life tables once, and returns the fitted model; ``evaluate(scenario)`` then only works
    on the targeted cells, for scenarios that name the same comparison. What exists only
    after fitting ends in an underscore; using it before raises
    :class:`~healthgap.errors.NotFittedError`.

    Attributes
    ----------
    comparison_ : Comparison
        The comparison the model was fitted for.
    groups_ : ComparisonGroups
        Which cells form each side of each gap.
    group_deaths_, group_population_ : numpy.ndarray
        Baseline deaths (group, sex, band, cause) and person-years (group, sex, band).
    base_life_table_ : LifeTable
        The groups' baseline life tables.
    """

    def __init__(
        self, baseline: Baseline, library: Mapping[str, Intervention] | None = None
    ) -> None:
        self.baseline = baseline
        self.library: Mapping[str, Intervention] = load_library() if library is None else library

    def __repr__(self) -> str:
        fitted = f"fitted for {self.comparison_!r}" if self.is_fitted else "not fitted"
        return f"<ScenarioModel {len(self.baseline.cells)} cells, {fitted}>"

    @classmethod
    def for_scenario(
        cls,
        baseline: Baseline,
        scenario: ScenarioSpec,
        library: Mapping[str, Intervention] | None = None,
    ) -> ScenarioModel:
        """A model fitted for the scenario's comparison, on the baseline merged to the
        coarsest level that leaves this scenario's results unchanged
        (:meth:`Baseline.coarsen`)."""
        needed = [i.target.level or "all" for i in scenario.interventions]
        needed.append(needed_level(baseline, scenario.comparison))
        comparator = scenario.comparison.comparator
        if scenario.comparison.kind == "area" and comparator not in (ENGLAND, PARENT):
            needed.append(baseline.level_holding(str(comparator)))
        if any(i.target.level is not None and i.target.level == baseline.cell_level
               for i in scenario.interventions):  # fmt: skip
            coarse = baseline
        else:
            coarse = baseline.coarsen(exact_level(baseline, needed))
        return cls(coarse, library=library).fit(scenario.comparison)

    def fit(self, comparison: Comparison | Mapping[str, Any] | str | None = None) -> ScenarioModel:
        """Fit the model for ``comparison`` (default: the country's most against least
        deprived fifth) and return it."""
        chosen = Comparison.coerce(comparison)
        groups = ComparisonGroups.from_comparison(self.baseline, chosen)
        membership = groups.groups.astype(float)
        self.comparison_ = chosen
        self.groups_ = groups
        self.group_deaths_ = np.einsum("gn,nsxc->gsxc", membership, self.baseline.deaths)
        self.group_population_ = np.einsum("gn,nsx->gsx", membership, self.baseline.population)
        self.base_life_table_ = self.life_table(self.group_deaths_.sum(-1))
        return self

    @property
    def is_fitted(self) -> bool:
        return "groups_" in self.__dict__

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set yet: a fitted one asked for before fit().
        if name.endswith("_") and not name.startswith("_"):
            raise NotFittedError(
                f"ScenarioModel.{name} exists once the model is fitted: call "
                ".fit(comparison) first, or build it with ScenarioModel.for_scenario(...)"
            )
        raise AttributeError(name)

    def life_table(self, deaths: np.ndarray) -> LifeTable:
        """Life tables of ``deaths`` (group, sex, band[, ...]) on the groups' person-years."""
        P = np.broadcast_to(self.group_population_, deaths.shape)
        return chiang_life_table(deaths, P, self.baseline.starts)

    def resolve(self, scenario: ScenarioSpec) -> list[Resolved]:
        """Check the scenario against the baseline and allocate its units (no fit needed)."""
        return resolve(scenario, self.baseline, self.library)

    def check_comparison(self, scenario: ScenarioSpec) -> None:
        """Refuse a scenario whose comparison is not the one the model was fitted for."""
        if scenario.comparison != self.comparison_:
            raise InputError(
                f"the scenario compares {scenario.comparison!r} but the model was fitted for "
                f"{self.comparison_!r}: fit a model for the scenario "
                "(ScenarioModel.for_scenario)",
                rule="comparison_mismatch",
            )

    def fractions(
        self,
        items: Sequence[Resolved],
        params: Sequence[Mapping[str, np.ndarray]],
        year: int,
        cells: np.ndarray,
    ) -> list[np.ndarray]:
        """Fraction removed by each intervention in ``year`` over the chosen cells."""
        b = self.baseline
        q = b.cells["quintile"].to_numpy()[cells]
        return [
            fraction_removed(r.intervention, p, r.units[cells], b.deaths[cells],
                             b.population[cells], q, starts=b.starts, causes=b.causes,
                             years=b.years, cohorts=r.cohorts, year=year, sexes=b.sexes)
            for r, p in zip(items, params, strict=True)
        ]  # fmt: skip

    def evaluate(
        self,
        scenario: ScenarioSpec,
        params: Sequence[Mapping[str, np.ndarray]] | None = None,
        noise: np.ndarray | None = None,
        *,
        items: list[Resolved] | None = None,
        detail: bool = True,
    ) -> Evaluation:
        """Evaluate a scenario at point values (or at given parameter draws).

        ``noise`` optionally multiplies the groups' baseline deaths (group, sex, band,
        cause, draw) for Monte Carlo; ``detail=False`` skips the per-intervention
        waterfall (faster).
        """
        self.check_comparison(scenario)
        items = self.resolve(scenario) if items is None else items
        params = point_parameters(items) if params is None else params
        year = scenario.horizon
        cells = np.flatnonzero(np.any([r.units.sum(axis=(1, 2)) > 0 for r in items], axis=0))
        D_cells = self.baseline.deaths[cells][..., None]  # (n, s, x, c, 1)
        fractions = self.fractions(items, params, year, cells)
        raw = combine_raw(fractions)
        # only cells with deaths matter: a fraction above 1 of zero deaths removes nothing
        clipped = int(((raw < 0) & (D_cells > 0)).sum())
        retained = np.clip(raw, 0.0, 1.0)
        del raw
        if clipped:
            warnings.warn(
                f"{clipped} cell values lost more deaths than observed and were clipped at "
                "zero; pool years or areas, or lower the volume",
                SmallNumbersWarning,
                stacklevel=2,
            )
        G = sparse.csr_matrix(self.groups_.groups[:, cells].astype(float))
        annual = 1.0 / self.baseline.years
        lost = D_cells * (1 - retained)  # (cell, sex, band, cause, draw)
        alone_all: list[np.ndarray] = []  # deaths each intervention removes alone, all causes

        def each_lost() -> Iterator[np.ndarray]:
            for f in fractions:  # one large array at a time
                lost_k = D_cells * f
                if detail:
                    alone_all.append(lost_k.sum(3))
                yield lost_k

        lost_each = each_lost()
        arrays: dict[str, np.ndarray] = {
            "dpp": np.stack([lost_k.sum(0) for lost_k in lost_each]) * annual,
            "dpp_combined": lost.sum(0) * annual,
        }
        base_all = self.group_deaths_.sum(-1)[..., None]  # (group, sex, band, 1)
        if noise is None:
            scale = None
            base_noisy = base_all
        else:  # noisy deaths, and the same relative removal as without noise
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(base_all > 0, noise / base_all, 1.0)
            base_noisy = base_all * scale

        def new_deaths(lost_all: np.ndarray) -> np.ndarray:
            removed = _group_sum(G, lost_all)
            return base_noisy - (removed if scale is None else removed * scale)

        e0_new = self._e0(new_deaths(lost.sum(3)))
        e0_base = (self._e0(base_noisy) if noise is not None
                   else self.base_life_table_.e[..., 0][..., None])  # fmt: skip
        e0_base = np.broadcast_to(e0_base, e0_new.shape)
        arrays |= {"e0_base": e0_base, "e0_new": e0_new}
        arrays |= self._gaps(e0_base, e0_new, scenario.target_reduction)
        extras: dict[str, Any] = {"cells": cells, "new_group_deaths": None}
        if detail:
            tau = scenario.target_reduction
            alone = [self._e0(new_deaths(lost_k)) for lost_k in alone_all]
            steps, running = [], np.ones_like(retained)
            for k, f in enumerate(fractions):  # gap after adding each intervention in turn
                if k == len(fractions) - 1:
                    steps.append(e0_new)
                    break
                running = running * np.clip(1.0 - f, 0.0, None)
                steps.append(self._e0(new_deaths((D_cells * (1 - running)).sum(3))))
            arrays["gap_reduction_alone"] = np.stack(
                [self._gaps(e0_base, v, tau)["gap_reduction"] for v in alone]
            )
            arrays["e0_gain_alone"] = np.stack([v - e0_base for v in alone])
            arrays["waterfall"] = np.stack([self._gaps(e0_base, v, tau)["gap_new"] for v in steps])
            if noise is None:  # by cause, for the decomposition of the gain
                removed = _group_sum(G, lost)
                extras["new_group_deaths"] = self.group_deaths_[..., None] - removed
        return Evaluation(scenario, items, self.groups_, arrays, clipped, extras)

    def _e0(self, deaths: np.ndarray) -> np.ndarray:
        """e0 of (group, sex, band, draw) deaths -> (group, sex, draw)."""
        moved = np.moveaxis(deaths, -1, 2)  # (g, s, d, x)
        P = np.broadcast_to(self.group_population_[:, :, None, :], moved.shape)
        return chiang_life_table(moved, P, self.baseline.starts).e[..., 0]

    def _gaps(self, e0_base: np.ndarray, e0_new: np.ndarray, tau: float) -> dict[str, np.ndarray]:
        pairs = self.groups_.pairs
        gap_base = e0_base[pairs[:, 1]] - e0_base[pairs[:, 0]]
        gap_new = e0_new[pairs[:, 1]] - e0_new[pairs[:, 0]]
        reduction = gap_base - gap_new
        with np.errstate(divide="ignore", invalid="ignore"):
            share = reduction / (tau * gap_base)
        return {"gap_base": gap_base, "gap_new": gap_new, "gap_reduction": reduction,
                "target_share": share}  # fmt: skip
