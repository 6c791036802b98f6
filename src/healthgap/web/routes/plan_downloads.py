"""Downloads of the Plan page's tables: the live results, the budget view and the comparison
of saved scenarios, as CSV or Excel (data and metadata sheets) through
:func:`healthgap.reports.tables.write_table` and its disclosure policy.

The live results and the budget are not stored: their links carry the Plan form's fields as
query parameters (:func:`healthgap.web.planning.choices_query`), so a download holds exactly
the results on screen. Scenario results are modelled values without confidence limits, so the
Fingertips layout (value with lower and upper limits) is not offered.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from healthgap.errors import InputError
from healthgap.store import Role, User, get_scenario
from healthgap.web.deps import database, require
from healthgap.web.files import slug, table_file
from healthgap.web.planning import Planner, parse_choices
from healthgap.web.routes.plan import planner

router = APIRouter(prefix="/plan")
Viewer = Annotated[User, Depends(require(Role.viewer))]

#: table of ``ScenarioResult.tables`` -> what its file is called and holds
RESULT_TABLES = {
    "gap": "gap between the most and least deprived fifths, now and with the scenario (years)",
    "interventions": "cost and effect of each intervention",
    "deaths-postponed": "deaths prevented or postponed in the evaluation year by age and cause",
    "waterfall": "the gap step by step, one intervention at a time",
}
_CORE_NAMES = {"deaths-postponed": "dpp"}
PLAN_FORMATS = ("csv", "xlsx")


def _check_format(fmt: str) -> None:
    if fmt not in PLAN_FORMATS:
        raise InputError(
            f"{fmt!r} is not one of {', '.join(PLAN_FORMATS)} (modelled values have no "
            "confidence limits, so there is no Fingertips layout)",
            rule="bad_format",
        )


def _synthetic(request: Request) -> bool:
    return bool(request.app.state.workspaces.summary()["synthetic"])


def _choices(request: Request, plan: Planner) -> dict[str, Any]:
    choices = parse_choices(dict(request.query_params), plan.library)
    if not choices["interventions"]:
        raise InputError("give at least one intervention a volume", rule="no_intervention")
    return choices


def _describe(choices: dict[str, Any]) -> dict[str, str]:
    chosen = "; ".join(
        f"{key}: {c['volume']:g} a year, target {c['target']}"
        for key, c in choices["interventions"].items()
    )
    return {
        "area": choices["area_code"],
        "horizon": f"{choices['horizon']} years",
        "target": f"gap narrowed by {choices['target_reduction']:g}%",
        "interventions": chosen,
    }


@router.get("/results-{table}.{fmt}")
def results_file(request: Request, _user: Viewer, table: str, fmt: str) -> Response:
    """One table of the results for the controls given as query parameters."""
    _check_format(fmt)
    if table not in RESULT_TABLES:
        raise InputError(f"no {table!r} table; use one of {', '.join(RESULT_TABLES)}", rule="bad")
    plan = planner(request)
    choices = _choices(request, plan)
    result = plan.run(choices)
    frame = result.tables[_CORE_NAMES.get(table, table)]
    stem = f"scenario-{table}_{choices['area_code']}_{choices['horizon']}-years"
    metadata = {"table": RESULT_TABLES[table], **_describe(choices)}
    return table_file(frame, stem, fmt, metadata=metadata, synthetic=_synthetic(request))


@router.get("/budget.{fmt}")
def budget_file(request: Request, _user: Viewer, fmt: str, budget: float = 0.0) -> Response:
    """The budget view's best mix for ``budget`` pounds and the chosen interventions."""
    _check_format(fmt)
    plan = planner(request)
    choices = _choices(request, plan)
    if budget <= 0:
        raise InputError("give a budget above £0", rule="bad_budget")
    allocation = plan.budget(choices, budget)
    stem = f"scenario-budget-mix_{choices['area_code']}_{budget:.0f}-pounds"
    metadata = {
        "table": "best mix of interventions for the budget",
        "budget": f"£{budget:,.0f}",
        "objective": str(allocation.objective),
        **_describe(choices),
    }
    return table_file(allocation.table, stem, fmt, metadata=metadata, synthetic=_synthetic(request))


@router.get("/compare.{fmt}")
def comparison_file(
    request: Request,
    _user: Viewer,
    fmt: str,
    ids: Annotated[list[int], Query()] = [],  # noqa: B006
) -> Response:
    """The gap results of the compared saved scenarios, one block of rows per scenario."""
    _check_format(fmt)
    plan = planner(request)
    with database(request).reader() as session:
        scenarios = [s for i in ids[:4] if (s := get_scenario(session, scenario_id=i))]
    frames = []
    for s in scenarios:
        result = plan.run({**s.choices, "area_code": s.area_code})
        if result is not None:
            gap = result.tables["gap"]
            frames.append(gap.assign(scenario=s.name, scenario_id=s.id, area_code=s.area_code))
    if not frames:
        return Response("no saved scenario with results\n", status_code=404)
    table = pd.concat(frames, ignore_index=True)
    first = ["scenario_id", "scenario", "area_code"]
    table = table[first + [c for c in table.columns if c not in first]]
    stem = "scenario-comparison_" + "_".join(
        f"{s.id}-{slug(s.name) or 'unnamed'}" for s in scenarios
    )
    metadata = {"table": "gap results of saved scenarios side by side"}
    return table_file(table, stem[:150], fmt, metadata=metadata, synthetic=_synthetic(request))
