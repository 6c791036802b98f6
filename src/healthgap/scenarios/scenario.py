"""Scenario specifications: read from YAML/TOML or Python dicts, validated like imports.

A scenario is one or more interventions, each with an extra volume, a target, a start
year, an end year and a ramp, evaluated at a horizon (the evaluation year ``T``)::

    name: Most deprived quintile of Demo LA
    horizon: 3                     # evaluation year T
    comparison: {type: quintiles, level: la, area: E06000001}
    target_reduction: 0.10         # a 10% gap-reduction target
    discount_rate: 0.035           # for discounted lifetime life-years
    interventions:
      - intervention: smoking_cessation
        volume: {units_per_year: 300}      # or units_total, or coverage: {from: 5, to: 10}
        target: {level: la, areas: [E06000001], quintiles: [1], sexes: [male], ages: [35, 70]}
        start_year: 1
        ramp_years: 0
        overrides: {p52: 0.25}

Every structural problem is reported with the file and the YAML path as column
(e.g. ``interventions[1].volume``). Problems that need the data (unknown areas, units
above the eligible pool) are found by :func:`healthgap.scenarios.allocate.resolve`.

>>> spec = scenario_from_dict({"name": "x", "horizon": 3, "interventions": [
...     {"intervention": "statins", "volume": {"units_per_year": 200}}]})
>>> spec.interventions[0].volume, spec.horizon
({'units_per_year': 200.0}, 3)
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from healthgap.data.model import SEXES
from healthgap.decomposition.comparison import Comparison
from healthgap.errors import InputError, Problem

__all__ = [
    "MAX_UNITS",
    "InterventionSpec",
    "ScenarioSpec",
    "Target",
    "load_scenario",
    "scenario_from_dict",
]

_VOLUME_KEYS = ("units_per_year", "units_total", "coverage")
#: The most units a scenario line may ask for: a billion, far above any eligible pool in
#: England (about 57 million people), so a larger number is a slip, and a bound keeps
#: the arithmetic of the model away from overflow.
MAX_UNITS = 1e9


@dataclass(frozen=True)
class Target:
    """Who an intervention reaches. ``None`` means no restriction."""

    level: str | None = None
    areas: tuple[str, ...] | None = None
    quintiles: tuple[int, ...] | None = None
    sexes: tuple[str, ...] | None = None
    ages: tuple[int, int] | None = None
    gradient: tuple[float, ...] | None = None  # uptake weight by quintile 1..5


@dataclass(frozen=True)
class InterventionSpec:
    """One intervention line of a scenario."""

    intervention: str
    volume: dict[str, float]
    target: Target = Target()
    start_year: int = 1
    end_year: int | None = None
    ramp_years: int = 0
    overrides: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    exposure: dict[str, Any] | None = None
    unit_cost: float | None = None
    capacity: float | None = None
    label: str = ""
    path: str = "interventions[0]"

    @property
    def name(self) -> str:
        return self.label or self.intervention


@dataclass(frozen=True)
class ScenarioSpec:
    """A validated scenario (structure only; data checks happen on resolution)."""

    name: str
    interventions: tuple[InterventionSpec, ...]
    horizon: int = 3
    comparison: Comparison = field(default_factory=Comparison.within)
    target_reduction: float = 0.10
    discount_rate: float = 0.035
    source: str = "<scenario>"

    def with_volumes(self, volumes: Sequence[float]) -> ScenarioSpec:
        """Same scenario with each intervention's units a year replaced (for budgets)."""
        from dataclasses import replace

        items = tuple(
            replace(item, volume={"units_per_year": float(v)})
            for item, v in zip(self.interventions, volumes, strict=True)
        )
        return replace(self, interventions=items)


def _number(value: Any, where: str, column: str, problems: list[Problem]) -> float | None:
    """``value`` as a finite float, or None with a problem (infinity and NaN are typing
    slips that would otherwise travel into every result of the scenario)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        problems.append(Problem(where, None, column, "not_a_number", f"{value!r} is not a number"))
        return None
    if not math.isfinite(number):
        problems.append(
            Problem(where, None, column, "not_finite", f"{value!r} is not a finite number")
        )
        return None
    return number


def _volume(raw: Any, where: str, path: str, problems: list[Problem]) -> dict[str, float]:
    column = f"{path}.volume"
    if not isinstance(raw, Mapping) or sum(k in raw for k in _VOLUME_KEYS) != 1:
        problems.append(
            Problem(where, None, column, "bad_volume",
                    f"give exactly one of {', '.join(_VOLUME_KEYS)}")
        )  # fmt: skip
        return {}
    if "coverage" in raw:
        cov = raw["coverage"]
        if not isinstance(cov, Mapping) or "from" not in cov or "to" not in cov:
            problems.append(Problem(where, None, column, "bad_coverage", "needs from and to (%)"))
            return {}
        lo = _number(cov["from"], where, f"{column}.coverage.from", problems)
        hi = _number(cov["to"], where, f"{column}.coverage.to", problems)
        if lo is None or hi is None:
            return {}
        for name, value in (("from", lo), ("to", hi)):
            if not 0 <= value <= 100:
                problems.append(
                    Problem(where, None, f"{column}.coverage.{name}", "coverage_out_of_range",
                            f"coverage {value:g}% is outside 0-100%")
                )  # fmt: skip
        if hi < lo:
            problems.append(
                Problem(where, None, f"{column}.coverage", "coverage_decreases",
                        f"coverage falls from {lo:g}% to {hi:g}%")
            )  # fmt: skip
        return {"coverage_from": lo, "coverage_to": hi}
    key = next(k for k in _VOLUME_KEYS if k in raw)
    value = _number(raw[key], where, f"{column}.{key}", problems)
    if value is not None and value < 0:
        problems.append(Problem(where, None, f"{column}.{key}", "negative_volume", f"{value:g}"))
    if value is not None and value > MAX_UNITS:
        problems.append(
            Problem(where, None, f"{column}.{key}", "volume_too_large",
                    f"{value:g} units is more than the {MAX_UNITS:,.0f} a scenario may ask for")
        )  # fmt: skip
        return {}
    return {} if value is None else {key: value}


def _target(raw: Any, where: str, path: str, problems: list[Problem]) -> Target:
    column = f"{path}.target"
    if raw is None:
        return Target()
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, None, column, "bad_target", "target must be a mapping"))
        return Target()
    unknown = set(raw) - {"level", "areas", "quintiles", "sexes", "ages", "gradient"}
    for key in sorted(unknown):
        problems.append(Problem(where, None, f"{column}.{key}", "unknown_field", repr(key)))
    sexes = tuple(str(s) for s in raw["sexes"]) if "sexes" in raw else None
    for s in sexes or ():
        if s not in SEXES[:2]:
            problems.append(
                Problem(where, None, f"{column}.sexes", "unknown_sex", f"{s!r}: male or female")
            )
    quintiles = tuple(int(q) for q in raw["quintiles"]) if "quintiles" in raw else None
    for q in quintiles or ():
        if q not in range(1, 6):
            problems.append(
                Problem(where, None, f"{column}.quintiles", "bad_quintile", f"{q} is not 1-5")
            )
    ages = None
    if "ages" in raw:
        try:
            lo, hi = (int(a) for a in raw["ages"])
            ages = (lo, hi)
        except (TypeError, ValueError):
            problems.append(Problem(where, None, f"{column}.ages", "bad_ages", "give [from, to]"))
    gradient = None
    if "gradient" in raw:
        g = raw["gradient"]
        values = [g ** ((5 - q) / 4) for q in range(1, 6)] if isinstance(g, int | float) else g
        try:
            gradient = tuple(float(v) for v in values)
            if len(gradient) != 5 or min(gradient) < 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Problem(where, None, f"{column}.gradient", "bad_gradient",
                        "a Q1:Q5 ratio or five non-negative weights (Q1 first)")
            )  # fmt: skip
            gradient = None
    areas = tuple(str(a) for a in raw["areas"]) if "areas" in raw else None
    level = str(raw["level"]) if "level" in raw else None
    if areas is not None and level is None:
        problems.append(
            Problem(where, None, f"{column}.level", "missing_level", "areas need a level")
        )
    return Target(level, areas, quintiles, sexes, ages, gradient)


def _intervention(raw: Any, i: int, where: str, problems: list[Problem]) -> InterventionSpec | None:
    path = f"interventions[{i}]"
    if not isinstance(raw, Mapping) or "intervention" not in raw:
        problems.append(Problem(where, None, path, "missing_intervention", "needs intervention"))
        return None
    start = int(raw.get("start_year", 1))
    end = raw.get("end_year")
    ramp = int(raw.get("ramp_years", 0))
    if start < 1:
        problems.append(Problem(where, None, f"{path}.start_year", "bad_year", "starts at year 1"))
    if ramp < 0:
        problems.append(Problem(where, None, f"{path}.ramp_years", "bad_ramp", "ramp < 0"))
    for key in ("unit_cost", "capacity"):
        if key in raw:
            value = _number(raw[key], where, f"{path}.{key}", problems)
            if value is not None and value < 0:
                problems.append(Problem(where, None, f"{path}.{key}", f"negative_{key}", ""))
    return InterventionSpec(
        intervention=str(raw["intervention"]),
        volume=_volume(raw.get("volume"), where, path, problems),
        target=_target(raw.get("target"), where, path, problems),
        start_year=start,
        end_year=None if end is None else int(end),
        ramp_years=ramp,
        overrides=dict(raw.get("overrides") or {}),
        tables=dict(raw.get("tables") or {}),
        exposure=dict(raw["exposure"]) if raw.get("exposure") else None,
        unit_cost=float(raw["unit_cost"]) if "unit_cost" in raw else None,
        capacity=float(raw["capacity"]) if "capacity" in raw else None,
        label=str(raw.get("label", "")),
        path=path,
    )


def scenario_from_dict(raw: Mapping[str, Any], where: str = "<scenario>") -> ScenarioSpec:
    """Validate a scenario given as a mapping; all structural problems at once."""
    problems: list[Problem] = []
    items = raw.get("interventions")
    if not isinstance(items, list) or not items:
        problems.append(
            Problem(where, None, "interventions", "no_interventions", "list one or more")
        )
        items = []
    horizon = int(raw.get("horizon", 3))
    if horizon < 1:
        problems.append(Problem(where, None, "horizon", "bad_horizon", "horizon is at least 1"))
    parsed = [_intervention(item, i, where, problems) for i, item in enumerate(items)]
    for spec in parsed:
        if spec is not None and spec.start_year > horizon:
            problems.append(
                Problem(where, None, f"{spec.path}.start_year", "starts_after_horizon",
                        f"starts in year {spec.start_year}, after the horizon {horizon}")
            )  # fmt: skip
    comparison = Comparison.within()
    try:
        comparison = Comparison.from_mapping(raw.get("comparison"), where=where)
    except InputError as error:
        problems.extend(error.problems)
    rate = _number(raw.get("discount_rate", 0.035), where, "discount_rate", problems)
    tau = _number(raw.get("target_reduction", 0.10), where, "target_reduction", problems)
    if tau is not None and not 0 < tau <= 1:
        problems.append(Problem(where, None, "target_reduction", "bad_target", "a fraction, 0-1"))
    if problems:
        raise InputError(problems)
    return ScenarioSpec(
        name=str(raw.get("name", Path(where).stem)),
        interventions=tuple(p for p in parsed if p is not None),
        horizon=horizon,
        comparison=comparison,
        target_reduction=float(tau or 0.10),
        discount_rate=float(rate or 0.0),
        source=where,
    )


def load_scenario(path: str | Path) -> ScenarioSpec:
    """Read a scenario file (``.yaml``, ``.yml`` or ``.toml``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (OSError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise InputError([Problem(str(path), None, None, "unreadable", str(exc))]) from None
    if not isinstance(raw, Mapping):
        raise InputError([Problem(str(path), None, None, "not_a_mapping", "expected a mapping")])
    return scenario_from_dict(raw, str(path))
