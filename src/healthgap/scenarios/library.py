"""The intervention library: versioned YAML definitions, loaded and validated.

Interventions are data, not code. Each file in ``healthgap/scenarios/interventions/``
declares the unit, the eligible population (a share of the population by age, with an
optional deprivation-quintile gradient), the ages, sexes and causes acted on, the
effect model (``kind``), every scalar parameter with its default, distribution,
source and evidence tag, the fixed tables (relative risks by cause and age, time
courses) and a unit cost. Users add their own file in the same format and load it
with :func:`load_intervention` or ``load_library(extra=[...])``.

Effect kinds (formulas in :mod:`healthgap.scenarios.effects`):

``smoking``
    lifelong attributable quitters remove part of the smoker's excess death rate.
``hazard_reduction``
    treated people have their cause-specific hazard cut by ``1 - rr**dose`` (drugs,
    screening, bundles of components).
``nnt``
    one death prevented per ``nnt`` people reached a year, shared between causes.
``risk_factor``
    a reduction in the prevalence of risk factors changes a rate (infant deaths).

>>> library = load_library()
>>> sorted(library)[:3]
['alcohol_brief_advice', 'blood_pressure', 'bowel_screening']
>>> library["statins"].parameters["adherence"].evidence
'A'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.model import CAUSE_GROUPS
from healthgap.errors import InputError, Problem
from healthgap.scenarios.parameters import Distribution, Parameter

__all__ = ["KINDS", "Intervention", "age_steps", "load_intervention", "load_library"]

KINDS = ("smoking", "hazard_reduction", "nnt", "risk_factor")
_REQUIRED = ("id", "version", "name", "kind", "unit", "unit_cost", "ages", "eligible")
_KIND_PARAMETERS = {
    "smoking": ("p4", "p52", "s_unaided", "r_late", "rr_excess_multiplier"),
    "hazard_reduction": ("k_risk",),
    "nnt": ("nnt",),
    "risk_factor": (),
}


@dataclass(frozen=True)
class Intervention:
    """One validated intervention definition (see the module docstring)."""

    id: str
    version: int
    name: str
    kind: str
    unit: str
    unit_cost: Parameter
    cost_basis: str
    ages: tuple[int, int]
    sexes: tuple[str, ...]
    causes: tuple[str, ...]
    eligible: dict[str, Any]
    parameters: dict[str, Parameter]
    tables: dict[str, Any] = field(default_factory=dict)
    components: tuple[dict[str, Any], ...] = ()
    default_enabled: bool = True
    certainty: str = "moderate"
    sources: dict[str, str] = field(default_factory=dict)
    path: str = ""

    def eligible_share(self, starts: Iterable[int] = STANDARD_STARTS) -> np.ndarray:
        """Share of the population eligible in each age band (zero outside ``ages``)."""
        starts = np.asarray(list(starts))
        share = age_steps(self.eligible.get("by_age", {0: 1.0}), starts)
        inside = (starts >= self.ages[0]) & (starts <= self.ages[1])
        return np.where(inside, share, 0.0)

    def quintile_ratio(self) -> np.ndarray:
        """Relative eligible share by deprivation quintile (1 = most deprived)."""
        return np.asarray(self.eligible.get("quintile_ratio", [1.0] * 5), dtype=float)

    def exposure(self, sexes: Sequence[str], starts: Sequence[int]) -> np.ndarray:
        """Eligible share (e.g. smoking prevalence) by quintile 0..5 (0 = unknown), sex and
        band: ``by_age`` x ``quintile_ratio``, then any rows of an exposure ``table``
        (columns ``age_start``, ``value`` and optionally ``sex`` and ``quintile``)."""
        ratio = np.concatenate([[1.0], self.quintile_ratio()])
        share = self.eligible_share(starts)
        out = np.broadcast_to(ratio[:, None, None] * share, (6, len(sexes), len(starts))).copy()
        inside = (np.asarray(starts) >= self.ages[0]) & (np.asarray(starts) <= self.ages[1])
        for row in self.eligible.get("table") or ():
            x = list(starts).index(int(row["age_start"]))
            s = slice(None) if row.get("sex") in (None, "", "persons") else list(sexes).index(
                str(row["sex"]))  # fmt: skip
            q = slice(None) if row.get("quintile") in (None, "", 0) else int(row["quintile"])
            out[q, s, x] = float(row["value"])
        return np.clip(out, 0.0, 1.0) * inside


def age_steps(steps: Mapping[Any, float], starts: Iterable[int]) -> np.ndarray:
    """Step function of age: each key is the age from which its value applies.

    >>> age_steps({35: 0.3, 55: 0.25}, [30, 35, 50, 55, 90]).tolist()
    [0.0, 0.3, 0.3, 0.25, 0.25]
    """
    starts = np.asarray(list(starts), dtype=float)
    keys = np.asarray(sorted(float(k) for k in steps), dtype=float)
    if keys.size == 0:
        return np.zeros(starts.shape)
    values = np.asarray([float(steps[k]) for k in sorted(steps, key=float)])
    idx = np.searchsorted(keys, starts, side="right") - 1
    return np.where(idx >= 0, values[np.clip(idx, 0, None)], 0.0)


def _parameter(name: str, spec: Any, where: str, problems: list[Problem]) -> Parameter | None:
    column = f"parameters.{name}"
    if not isinstance(spec, Mapping) or "value" not in spec:
        problems.append(Problem(where, None, column, "missing_value", "needs a value"))
        return None
    evidence = str(spec.get("evidence", ""))
    if evidence not in ("R", "V", "A"):
        problems.append(
            Problem(where, None, column, "bad_evidence_tag", f"{evidence!r} is not R, V or A")
        )
    try:
        value = float(spec["value"])
        dist = (
            Distribution.parse(spec["distribution"], where=where, column=column)
            if "distribution" in spec
            else Distribution.fixed(value)
        )
    except InputError as err:
        problems.extend(err.problems)
        return None
    except (TypeError, ValueError):
        problems.append(Problem(where, None, column, "not_a_number", repr(spec["value"])))
        return None
    return Parameter(
        name, value, dist, str(spec.get("source", "")), evidence, str(spec.get("description", ""))
    )


def _from_mapping(raw: Mapping[str, Any], where: str) -> Intervention:
    problems = [
        Problem(where, None, key, "missing_field", f"the field {key!r} is required")
        for key in _REQUIRED
        if key not in raw
    ]
    if problems:
        raise InputError(problems)
    kind = str(raw["kind"])
    if kind not in KINDS:
        problems.append(Problem(where, None, "kind", "unknown_kind", f"{kind!r} not in {KINDS}"))
    params: dict[str, Parameter] = {}
    for name, spec in (raw.get("parameters") or {}).items():
        p = _parameter(str(name), spec, where, problems)
        if p is not None:
            params[str(name)] = p
    for needed in _KIND_PARAMETERS.get(kind, ()):
        if needed not in params:
            problems.append(
                Problem(where, None, f"parameters.{needed}", "missing_parameter",
                        f"kind {kind!r} needs parameter {needed!r}")
            )  # fmt: skip
    components = tuple(raw.get("components") or ())
    for i, comp in enumerate(components):
        for role, ref in comp.items():
            if role != "name" and isinstance(ref, str) and ref not in params:
                problems.append(
                    Problem(where, None, f"components[{i}].{role}", "unknown_parameter",
                            f"{ref!r} is not a declared parameter")
                )  # fmt: skip
    causes = tuple(raw.get("causes") or CAUSE_GROUPS)
    for cause in causes:
        if cause not in CAUSE_GROUPS:
            problems.append(Problem(where, None, "causes", "unknown_cause", f"{cause!r}"))
    ages = tuple(int(a) for a in raw["ages"])
    if len(ages) != 2 or ages[0] > ages[1] or ages[0] < 0 or ages[1] > STANDARD_STARTS[-1]:
        problems.append(Problem(where, None, "ages", "bad_ages", f"{raw['ages']!r}"))
    unit_cost = _parameter("unit_cost", raw["unit_cost"], where, problems)
    if raw.get("cost_basis", "per_unit") not in ("per_unit", "per_person_year"):
        problems.append(
            Problem(where, None, "cost_basis", "bad_cost_basis",
                    "cost_basis is per_unit or per_person_year")
        )  # fmt: skip
    if problems:
        raise InputError(problems)
    assert unit_cost is not None
    return Intervention(
        id=str(raw["id"]),
        version=int(raw["version"]),
        name=str(raw["name"]),
        kind=kind,
        unit=str(raw["unit"]),
        unit_cost=unit_cost,
        cost_basis=str(raw.get("cost_basis", "per_unit")),
        ages=(ages[0], ages[1]),
        sexes=tuple(raw.get("sexes") or ("male", "female")),
        causes=causes,
        eligible=dict(raw["eligible"]),
        parameters=params,
        tables=dict(raw.get("tables") or {}),
        components=components,
        default_enabled=bool(raw.get("default_enabled", True)),
        certainty=str(raw.get("certainty", "moderate")),
        sources={str(k): str(v) for k, v in (raw.get("sources") or {}).items()},
        path=where,
    )


def load_intervention(path: str | Path) -> Intervention:
    """Load and validate one intervention file (YAML); every problem is reported."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError([Problem(str(path), None, None, "unreadable", str(exc))]) from None
    if not isinstance(raw, Mapping):
        raise InputError([Problem(str(path), None, None, "not_a_mapping", "expected a mapping")])
    return _from_mapping(raw, str(path))


@cache
def _built_in() -> tuple[Intervention, ...]:
    """The package's own intervention files, read once per process (they ship with it)."""
    folder = resources.files("healthgap.scenarios") / "interventions"
    paths = sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))
    return tuple(load_intervention(path) for path in paths)


def load_library(extra: Iterable[str | Path] = ()) -> dict[str, Intervention]:
    """The built-in library plus any user files (a user file may replace a built-in id)."""
    library: dict[str, Intervention] = {item.id: item for item in _built_in()}
    problems: list[Problem] = []
    for path in (Path(p) for p in extra):
        try:
            item = load_intervention(path)
        except InputError as err:
            problems.extend(err.problems)
            continue
        library[item.id] = item
    if problems:
        raise InputError(problems)
    return library
