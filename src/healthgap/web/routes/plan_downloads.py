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

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from healthgap.analyses.plan import compare_plans
from healthgap.errors import InputError
from healthgap.store import get_scenario
from healthgap.web.deps import DatabaseDep, PlannerDep, Viewer
from healthgap.web.files import bundle_download, slug
from healthgap.web.planning import Planner, parse_choices

router = APIRouter(prefix="/plan")

#: table of the plan's result -> what its file is called and holds
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


def _choices(request: Request, plan: Planner) -> dict[str, Any]:
    choices = parse_choices(dict(request.query_params), plan.library)
    if not choices["interventions"]:
        raise InputError("give at least one intervention a volume", rule="no_intervention")
    return choices


@router.get("/results-{table}.{fmt}")
def results_file(
    request: Request, _user: Viewer, plan: PlannerDep, table: str, fmt: str
) -> Response:
    """One table of the results for the controls given as query parameters."""
    _check_format(fmt)
    if table not in RESULT_TABLES:
        raise InputError(f"no {table!r} table; use one of {', '.join(RESULT_TABLES)}", rule="bad")
    choices = _choices(request, plan)
    bundle = plan.run(choices)
    stem = f"scenario-{table}_{choices['area_code']}_{choices['horizon']}-years"
    return bundle_download(bundle, _CORE_NAMES.get(table, table), stem, fmt, formats=PLAN_FORMATS)


@router.get("/budget.{fmt}")
def budget_file(
    request: Request, _user: Viewer, plan: PlannerDep, fmt: str, budget: float = 0.0
) -> Response:
    """The budget view's best mix for ``budget`` pounds and the chosen interventions."""
    _check_format(fmt)
    choices = _choices(request, plan)
    if budget <= 0:
        raise InputError("give a budget above £0", rule="bad_budget")
    bundle = plan.budget(choices, budget)
    stem = f"scenario-budget-mix_{choices['area_code']}_{budget:.0f}-pounds"
    return bundle_download(bundle, "budget_gap", stem, fmt, formats=PLAN_FORMATS)


@router.get("/compare.{fmt}")
def comparison_file(
    _user: Viewer,
    plan: PlannerDep,
    db: DatabaseDep,
    fmt: str,
    ids: Annotated[list[int], Query()] = [],  # noqa: B006
) -> Response:
    """The gap results of the compared saved scenarios, one block of rows per scenario."""
    _check_format(fmt)
    with db.reader() as session:
        scenarios = [s for i in ids[:4] if (s := get_scenario(session, scenario_id=i))]
    runs = []
    for s in scenarios:
        bundle = plan.run({**s.choices, "area_code": s.area_code})
        if bundle is not None:
            runs.append(
                ({"scenario_id": s.id, "scenario": s.name, "area_code": s.area_code}, bundle)
            )
    if not runs:
        return Response("no saved scenario with results\n", status_code=404)
    stem = "scenario-comparison_" + "_".join(
        f"{s.id}-{slug(s.name) or 'unnamed'}" for s in scenarios
    )
    return bundle_download(compare_plans(runs), "comparison", stem[:150], fmt, formats=PLAN_FORMATS)
