"""Scenario grid files: areas x scenarios x parameter sets x budgets, checked before any run.

A grid runs every scenario in every area, under every set of parameter values, as
specified and at every budget (the best mix for that budget)::

    name: Four scenarios in every local authority
    seed: 1
    draws: 1000                  # Monte Carlo draws per cell (0: point estimates only)
    areas: {level: la}           # every LA; or {level: la, within: E12000001}; or a list
    objective: gap               # what a budget buys: gap (year-T gap) or lifetime
    scenarios:                   # the grid puts each area into targets and the comparison
      - name: Statins, most deprived fifth
        horizon: 3
        interventions:
          - intervention: statins
            volume: {coverage: {from: 35, to: 45}}
            target: {quintiles: [1]}
    parameters:                  # sets of values; the library's defaults always run first
      - name: low adherence
        set: {statins.adherence: 0.5}
    budgets: [50000, 200000]     # optional

Scenarios name no areas: the grid fills ``target: {level, areas: [area]}`` and the
comparison (most against least deprived fifth within the area, unless the scenario gives
another comparison type). Every problem is reported at once, with the file, the line and
the place in the file (e.g. ``parameters[0].set.statins.adherence``): an unknown key,
area, intervention or parameter, a bad value, a scenario that names areas.

>>> grid = grid_from_text('''
... scenarios:
...   - name: s
...     interventions: [{intervention: statins, volume: {units_per_year: 10}}]
... parameters: [{name: low, set: {statins.adherence: 0.5}}]
... ''')
>>> [s.name for s in grid.scenarios], [p.name for p in grid.parameter_sets]
(['s'], ['library defaults', 'low'])
>>> grid_from_text("scenarios: []\\nbudgets: [-1]")
Traceback (most recent call last):
...
healthgap.errors.InputError: 2 problems found:
  <grid>, row 2, column 'budgets[0]': [bad_budget] a budget is a positive number of pounds
  <grid>, row 1, column 'scenarios': [no_scenarios] list one or more scenarios
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from healthgap.errors import InputError, Problem
from healthgap.scenarios.library import Intervention
from healthgap.scenarios.parameters import apply_overrides
from healthgap.scenarios.scenario import ScenarioSpec, scenario_from_dict

__all__ = ["GridScenario", "GridSpec", "ParameterSet", "grid_from_text", "load_grid"]

TOP_KEYS = {"name", "seed", "draws", "chunk_draws", "areas", "objective", "scenarios",
            "parameters", "budgets", "confidence", "keep_draws"}  # fmt: skip
OBJECTIVES = ("gap", "lifetime")
DEFAULT_SET = "library defaults"


@dataclass(frozen=True)
class ParameterSet:
    """Named parameter values: ``{intervention: {parameter: value or distribution}}``."""

    name: str
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class GridScenario:
    """A scenario without areas (the grid supplies them) and where it is in the file."""

    name: str
    raw: Mapping[str, Any]
    path: str

    def for_area(self, area: str, level: str, where: str, values: ParameterSet) -> ScenarioSpec:
        """The scenario in ``area`` (at ``level``) with the set's parameter values."""
        raw = copy.deepcopy(dict(self.raw))
        comparison = dict(raw.get("comparison") or {"type": "quintiles"})
        comparison |= {"area": area} | ({"level": level} if comparison["type"] != "area" else {})
        raw["comparison"] = comparison
        for item in raw.get("interventions") or []:
            if isinstance(item, dict):
                item["target"] = {**(item.get("target") or {}), "level": level, "areas": [area]}
                extra = values.values.get(str(item.get("intervention")), {})
                item["overrides"] = {**(item.get("overrides") or {}), **extra}
        return scenario_from_dict(raw, where=where)


@dataclass(frozen=True)
class GridSpec:
    """A validated grid (names checked against the data by :func:`check_grid_names`)."""

    name: str
    source: str
    seed: int
    draws: int
    chunk_draws: int
    areas: tuple[str, ...] | None  # None: every area at `level` (within `within`)
    level: str
    within: str | None
    objective: str
    scenarios: tuple[GridScenario, ...]
    parameter_sets: tuple[ParameterSet, ...]
    budgets: tuple[float, ...]
    confidence: float
    keep_draws: bool
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def line(self, path: str) -> int | None:
        """The line of ``path`` in the file (or of its nearest parent)."""
        return _nearest_line(self.lines, path)

    def fingerprint(self) -> str:
        """The grid's content, canonical (for resuming only runs of the same grid)."""
        return json.dumps(self.raw, sort_keys=True, default=str)


def _nearest_line(lines: Mapping[str, int], path: str) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path.rpartition("[")[0] if path.endswith("]") else path.rpartition(".")[0]
    return lines.get("")


def _line_index(text: str) -> dict[str, int]:
    """1-based line of every node of a YAML document, by its path (``a.b[2].c``)."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{path}.{key.value}" if path else str(key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, f"{path}[{i}]")

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, "")
    return lines


def _areas(raw: Any, add) -> tuple[tuple[str, ...] | None, str, str | None]:  # noqa: ANN001
    if raw is None:
        return None, "la", None
    if isinstance(raw, list):
        return tuple(str(a) for a in raw), "la", None
    if isinstance(raw, Mapping):
        for key in set(raw) - {"level", "within", "codes"}:
            add(f"areas.{key}", "unknown_key", f"{key!r}: use level, within or codes")
        codes = raw.get("codes")
        return (tuple(str(a) for a in codes) if codes else None, str(raw.get("level", "la")),
                None if raw.get("within") is None else str(raw["within"]))  # fmt: skip
    add("areas", "bad_areas", "a list of area codes or {level: la, within: CODE}")
    return None, "la", None


def _parameter_sets(raw: Any, add) -> list[ParameterSet]:  # noqa: ANN001
    sets = [ParameterSet(DEFAULT_SET)]
    if raw is None:
        return sets
    if not isinstance(raw, list):
        add("parameters", "bad_parameters", "a list of {name, set: {intervention.parameter: v}}")
        return sets
    for i, item in enumerate(raw):
        path = f"parameters[{i}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("set"), Mapping):
            add(path, "bad_parameters", "give a name and a set: {intervention.parameter: value}")
            continue
        values: dict[str, dict[str, Any]] = {}
        for key, value in item["set"].items():
            intervention, dot, name = str(key).partition(".")
            if not dot or not name:
                add(f"{path}.set.{key}", "bad_parameter_name", "write intervention.parameter")
                continue
            values.setdefault(intervention, {})[name] = value
        sets.append(ParameterSet(str(item.get("name", f"set {i + 1}")), values))
    names = [s.name for s in sets]
    for i, name in enumerate(names[1:]):
        if names.count(name) > 1:
            add(f"parameters[{i}].name", "duplicate_name", f"{name!r} is used twice")
    return sets


def _scenarios(raw: Any, where: str, add) -> list[GridScenario]:  # noqa: ANN001
    if not isinstance(raw, list) or not raw:
        add("scenarios", "no_scenarios", "list one or more scenarios")
        return []
    out = []
    for i, item in enumerate(raw):
        path = f"scenarios[{i}]"
        if not isinstance(item, Mapping):
            add(path, "bad_scenario", "a scenario is a mapping")
            continue
        comparison = item.get("comparison") or {}
        if isinstance(comparison, Mapping) and "area" in comparison:
            add(f"{path}.comparison.area", "area_in_grid_scenario", "the grid supplies the area")
        for j, line in enumerate(item.get("interventions") or []):
            target = line.get("target") if isinstance(line, Mapping) else None
            for key in ("areas", "level"):
                if isinstance(target, Mapping) and key in target:
                    add(f"{path}.interventions[{j}].target.{key}", "area_in_grid_scenario",
                        "the grid supplies the areas of every target")  # fmt: skip
        scenario = GridScenario(str(item.get("name", f"scenario {i + 1}")), item, path)
        try:  # the structure, with a stand-in area
            scenario.for_area("AREA", "la", where, ParameterSet(DEFAULT_SET))
        except InputError as error:
            for p in error.problems:
                add(f"{path}.{p.column}" if p.column else path, p.rule, p.message)
        out.append(scenario)
    names = [s.name for s in out]
    for s in out:
        if names.count(s.name) > 1:
            add(f"{s.path}.name", "duplicate_name", f"two scenarios are called {s.name!r}")
    return out


def grid_from_text(text: str, where: str = "<grid>") -> GridSpec:
    """Read and check a grid given as YAML text (every structural problem at once)."""
    try:
        lines = _line_index(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else mark.line + 1
        raise InputError([Problem(where, row, None, "unreadable", str(exc))]) from None
    if not isinstance(raw, Mapping):
        raise InputError([Problem(where, 1, None, "not_a_mapping", "a grid file is a mapping")])
    problems: list[Problem] = []

    def add(path: str, rule: str, message: str) -> None:
        problems.append(Problem(where, _nearest_line(lines, path), path, rule, message))

    for key in sorted(set(raw) - TOP_KEYS):
        add(key, "unknown_key", f"{key!r}; a grid has {', '.join(sorted(TOP_KEYS))}")
    numbers: dict[str, float] = {}
    for key, default, low in (("seed", 1, 0), ("draws", 1000, 0), ("chunk_draws", 25, 1)):
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            add(key, f"bad_{key}", f"{key} is a whole number of at least {low}")
            value = default
        numbers[key] = value
    confidence = raw.get("confidence", 0.95)
    if not isinstance(confidence, float) or not 0 < confidence < 1:
        add("confidence", "bad_confidence", "a fraction such as 0.95")
        confidence = 0.95
    objective = str(raw.get("objective", "gap"))
    if objective not in OBJECTIVES:
        add("objective", "bad_objective", f"{objective!r}: use {' or '.join(OBJECTIVES)}")
    budgets = raw.get("budgets") or []
    if not isinstance(budgets, list):
        add("budgets", "bad_budget", "a list of budgets in pounds")
        budgets = []
    for i, budget in enumerate(budgets):
        if isinstance(budget, bool) or not isinstance(budget, int | float) or budget <= 0:
            add(f"budgets[{i}]", "bad_budget", "a budget is a positive number of pounds")
    areas, level, within = _areas(raw.get("areas"), add)
    sets = _parameter_sets(raw.get("parameters"), add)
    scenarios = _scenarios(raw.get("scenarios"), where, add)
    if problems:
        raise InputError(problems)
    return GridSpec(
        name=str(raw.get("name", Path(where).stem)), source=where, seed=int(numbers["seed"]),
        draws=int(numbers["draws"]), chunk_draws=int(numbers["chunk_draws"]), areas=areas,
        level=level, within=within, objective=objective, scenarios=tuple(scenarios),
        parameter_sets=tuple(sets), budgets=tuple(float(b) for b in budgets),
        confidence=float(confidence), keep_draws=bool(raw.get("keep_draws", False)),
        lines=lines, raw=raw,
    )  # fmt: skip


def load_grid(path: str | Path) -> GridSpec:
    """Read and check a grid file (YAML)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(str(path), None, None, "unreadable", str(exc))]) from None
    return grid_from_text(text, str(path))


def check_grid_names(
    grid: GridSpec, areas: Sequence[Mapping[str, Any]], library: Mapping[str, Intervention]
) -> None:
    """Refuse areas, interventions and parameters the data or the library do not know.

    ``areas`` are the records of the workspace's areas table (``area_code``, ``level``).
    """
    problems: list[Problem] = []

    def add(path: str, rule: str, message: str) -> None:
        problems.append(Problem(grid.source, grid.line(path), path, rule, message))

    at_level = {str(a["area_code"]) for a in areas if str(a["level"]) == grid.level}
    if not at_level:
        add("areas.level", "unknown_level", f"the workspace has no {grid.level!r} areas")
    if grid.within is not None and grid.within not in {str(a["area_code"]) for a in areas}:
        add("areas.within", "unknown_area", f"{grid.within!r} is not an area of the workspace")
    for i, code in enumerate(grid.areas or ()):
        if at_level and code not in at_level:
            path = f"areas[{i}]" if isinstance(grid.raw.get("areas"), list) else f"areas.codes[{i}]"
            add(path, "unknown_area", f"{code!r} is not a {grid.level} area of the workspace")
    for scenario in grid.scenarios:
        for j, line in enumerate(scenario.raw.get("interventions") or []):
            name = str(line.get("intervention"))
            if name not in library:
                add(f"{scenario.path}.interventions[{j}].intervention", "unknown_intervention",
                    f"{name!r}; known: {', '.join(sorted(library))}")  # fmt: skip
    for i, values in enumerate(grid.parameter_sets[1:]):
        for intervention, chosen in values.values.items():
            prefix = f"parameters[{i}].set.{intervention}"
            if intervention not in library:
                add(f"{prefix}.{next(iter(chosen))}", "unknown_intervention",
                    f"{intervention!r}; known: {', '.join(sorted(library))}")  # fmt: skip
                continue
            try:
                apply_overrides(library[intervention].parameters, chosen, where=grid.source,
                                path=prefix)  # fmt: skip
            except InputError as error:
                for p in error.problems:
                    add(p.column or prefix, p.rule, p.message)
    if problems:
        raise InputError(problems)


def grid_areas(grid: GridSpec, areas: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """``(code, name)`` of the grid's areas in a fixed order (the order of its chunks)."""
    chosen = [a for a in areas if str(a["level"]) == grid.level]
    if grid.within is not None:
        column = [k for k in chosen[0] if k.startswith("parent_")] if chosen else []
        chosen = [a for a in chosen if grid.within in (str(a[c]) for c in column)]
    if grid.areas is not None:
        wanted = set(grid.areas)
        chosen = [a for a in chosen if str(a["area_code"]) in wanted]
    return sorted((str(a["area_code"]), str(a.get("area_name", a["area_code"]))) for a in chosen)
