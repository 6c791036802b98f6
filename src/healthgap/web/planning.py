"""The Plan page's form and its cache of fitted models (no method lives here).

Form values become a scenario through :func:`~healthgap.scenarios.scenario_from_dict`, which
validates them like the CLI; the scenario runs through :func:`healthgap.analyses.plan_scenario`
and :func:`healthgap.analyses.plan_budget`. What stays here is the web's cache: the
workspace's baseline and a model fitted per local authority, so a control change costs one
evaluation (tens of milliseconds).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from healthgap.analyses import (
    Executor,
    Source,
    plan_baseline,
    plan_budget,
    plan_model,
    plan_scenario,
    plan_sensitivity,
)
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.scenarios import (
    MAX_UNITS,
    Baseline,
    ScenarioModel,
    ScenarioSpec,
    load_library,
    scenario_from_dict,
)

__all__ = [
    "TARGET_GROUPS",
    "Planner",
    "choices_query",
    "field_labels",
    "field_paths",
    "parse_choices",
    "scenario_spec",
]

TARGET_GROUPS = {
    "all": ("Everyone eligible", {}),
    "q1": ("Most deprived fifth", {"quintiles": [1]}),
    "q12": ("Most deprived two fifths", {"quintiles": [1, 2]}),
}
MAX_HORIZON = 25
KEPT_RESULTS = 512  # plan results kept per server (a bundle is tens of kilobytes)


def parse_choices(form: Mapping[str, str], library: Mapping[str, Any]) -> dict[str, Any]:
    """Read the controls of the Plan form, listing every problem found.

    Returns ``{"area_code", "horizon", "target_reduction", "interventions": {id: {volume,
    target}}}`` with only the interventions given a volume above zero.
    """
    problems: list[Problem] = []

    def bad(column: str, rule: str, message: str) -> None:
        problems.append(Problem("<form>", None, column, rule, message))

    interventions: dict[str, dict[str, Any]] = {}
    limit = f"{MAX_UNITS:,.0f}"
    for key in library:
        raw = (form.get(f"{key}__volume") or "0").strip()
        target = form.get(f"{key}__target", "all")
        try:
            volume = float(raw)
        except ValueError:
            volume = -1.0
        if not 0 <= volume <= MAX_UNITS:  # also refuses NaN
            bad(f"{key}__volume", "not_a_volume", f"{raw!r} is not a number from 0 to {limit}")
            continue
        if target not in TARGET_GROUPS:
            bad(f"{key}__target", "unknown_target", f"{target!r} is not a target group")
            continue
        if volume > 0:
            interventions[key] = {"volume": volume, "target": target}
    horizon_raw = (form.get("horizon") or "5").strip()
    if not horizon_raw.isdigit() or not 1 <= int(horizon_raw) <= MAX_HORIZON:
        bad("horizon", "bad_horizon", f"give a horizon of 1 to {MAX_HORIZON} years")
    reduction_raw = (form.get("target_reduction") or "10").strip()
    try:
        reduction = float(reduction_raw)
    except ValueError:
        reduction = -1.0
    if not 0 < reduction <= 100:
        bad("target_reduction", "bad_target", "give the target gap reduction as 1 to 100 %")
    if problems:
        raise InputError(problems)
    return {
        "area_code": (form.get("area_code") or "").strip(),
        "horizon": int(horizon_raw),
        "target_reduction": reduction,
        "interventions": interventions,
    }


def field_labels(library: Mapping[str, Any]) -> dict[str, str]:
    """The label on screen of each Plan control (for problems in plain words)."""
    labels = {}
    for key, item in library.items():
        labels[f"{key}__volume"] = item.name
        labels[f"{key}__target"] = f"{item.name}, target group"
    return labels


def field_paths(choices: Mapping[str, Any]) -> dict[str, str]:
    """The Plan control each path of the core's scenario stands for: the scenario lists the
    chosen interventions in order (:func:`scenario_spec`), so ``interventions[1].volume``
    is the volume control of the second chosen intervention.

    >>> paths = field_paths({"interventions": {"statins": {}, "blood_pressure": {}}})
    >>> paths["interventions[1].volume"]
    'blood_pressure__volume'
    """
    paths = {}
    for i, key in enumerate(choices.get("interventions", {})):
        paths[f"interventions[{i}].volume"] = f"{key}__volume"
        paths[f"interventions[{i}].target"] = f"{key}__target"
    return paths


def choices_query(choices: Mapping[str, Any]) -> str:
    """The Plan form's fields for ``choices`` as a query string (inverse of
    :func:`parse_choices`), so a chart download asks for the results on screen.

    >>> choices_query({"area_code": "E1", "horizon": 5, "target_reduction": 10.0,
    ...                "interventions": {"statins": {"volume": 200.0, "target": "q1"}}})
    'area_code=E1&horizon=5&target_reduction=10.0&statins__volume=200.0&statins__target=q1'
    """
    fields: dict[str, Any] = {
        "area_code": choices["area_code"],
        "horizon": choices["horizon"],
        "target_reduction": choices["target_reduction"],
    }
    for key, control in choices["interventions"].items():
        fields[f"{key}__volume"] = control["volume"]
        fields[f"{key}__target"] = control["target"]
    return urlencode(fields)


def scenario_spec(choices: Mapping[str, Any], name: str = "web scenario") -> ScenarioSpec:
    """The core's scenario for the chosen controls (gap of the area's most vs least
    deprived fifth)."""
    area = choices["area_code"]
    return scenario_from_dict(
        {
            "name": name,
            "horizon": choices["horizon"],
            "target_reduction": choices["target_reduction"] / 100,
            "comparison": {"type": "quintiles", "level": "la", "area": area},
            "interventions": [
                {
                    "intervention": key,
                    "volume": {"units_per_year": c["volume"]},
                    "target": {"level": "la", "areas": [area], **TARGET_GROUPS[c["target"]][1]},
                }
                for key, c in choices["interventions"].items()
            ],
        },
        where="<form>",
    )


class Planner:
    """Scenario models of one workspace, fitted once per local authority and kept."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._baseline: Baseline | None = None
        self._models: dict[tuple[str, str], ScenarioModel] = {}
        self._results: OrderedDict[str, ResultBundle] = OrderedDict()
        self._authorities: tuple[tuple[tuple[str, str], ...], frozenset[str]] | None = None
        self._lock = threading.Lock()
        self.library = load_library()

    def local_authorities(self) -> list[dict[str, str]]:
        areas = self.source.areas()
        las = areas[areas["level"] == "la"].sort_values("area_name")
        return las[["area_code", "area_name"]].to_dict("records")

    def _baseline_for_workspace(self) -> Baseline:
        if self._baseline is None:
            self._baseline = plan_baseline(self.source)
        return self._baseline

    def warm(self) -> None:
        """Build the workspace's baseline now (seconds on a national workspace)."""
        with self._lock:
            self._baseline_for_workspace()

    def _authority_codes(self) -> frozenset[str]:
        content = tuple(sorted(self.source.hashes().items()))
        with self._lock:
            if self._authorities is None or self._authorities[0] != content:
                codes = frozenset(a["area_code"] for a in self.local_authorities())
                self._authorities = (content, codes)
            return self._authorities[1]

    def check_area(self, area_code: str) -> None:
        """Refuse an area that is not a local authority of the workspace."""
        if area_code not in self._authority_codes():
            raise InputError(
                [
                    Problem(
                        "<form>",
                        None,
                        "area_code",
                        "unknown_area",
                        f"{area_code!r} is not a local authority of this workspace",
                    )
                ]
            )

    def model(self, choices: Mapping[str, Any]) -> ScenarioModel:
        """The model fitted for the chosen local authority's scenario (kept per authority)."""
        area_code = choices["area_code"]
        self.check_area(area_code)
        spec = scenario_spec(choices)
        with self._lock:
            key = (area_code, repr(spec.comparison))
            if key not in self._models:
                self._models[key] = plan_model(self._baseline_for_workspace(), spec, self.library)
            return self._models[key]

    def check(self, choices: Mapping[str, Any]) -> None:
        """Refuse choices that cannot give a result (no intervention with a volume, an area
        that is not a local authority, a volume above its eligible pool), so that nothing
        is saved that every later view would refuse."""
        if not choices["interventions"]:
            raise InputError(
                [Problem("<form>", None, "volume", "no_intervention",
                         "give at least one intervention a volume")]
            )  # fmt: skip
        self.run(choices)

    def run(
        self,
        choices: Mapping[str, Any],
        *,
        draws: int = 0,
        progress: Callable[[int, int], None] | None = None,
        executor: Executor | None = None,
    ) -> ResultBundle | None:
        """The scenario's result, or ``None`` when no intervention has a volume.

        Results without uncertainty are kept (the last :data:`KEPT_RESULTS`, per workspace
        content), so a choice seen before, by anyone, costs nothing the second time.
        """
        if not choices["interventions"]:
            return None
        key = None
        if draws == 0:
            content = sorted(self.source.hashes().items())
            key = json.dumps([dict(choices), content], sort_keys=True, default=str)
            with self._lock:
                if key in self._results:
                    self._results.move_to_end(key)
                    return self._results[key]
        bundle = plan_scenario(
            self.source,
            scenario_spec(choices),
            model=self.model(choices),
            draws=draws,
            rank=False,
            progress=progress,
            executor=executor,
        )
        if key is not None:
            with self._lock:
                self._results[key] = bundle
                while len(self._results) > KEPT_RESULTS:
                    self._results.popitem(last=False)
        return bundle

    def sensitivity(
        self,
        choices: Mapping[str, Any],
        *,
        draws: int,
        progress: Callable[[int, int], None] | None = None,
        executor: Executor | None = None,
    ) -> ResultBundle:
        """Tornado, probabilistic sensitivity and value of information of the choices."""
        if not choices["interventions"]:
            raise InputError("give at least one intervention a volume", rule="no_intervention")
        return plan_sensitivity(self.source, scenario_spec(choices), model=self.model(choices),
                                draws=draws, progress=progress, executor=executor)  # fmt: skip

    def budget(self, choices: Mapping[str, Any], budget: float) -> ResultBundle:
        """Best mix of the chosen interventions for ``budget`` pounds over the horizon."""
        return plan_budget(self.source, scenario_spec(choices), budget, model=self.model(choices))
