"""Plan: controls per intervention with live results (HTMX), uncertainty as a background job,
a budget view, and saved scenarios compared side by side.

Viewers may explore and compare; analysts and admins may also save scenarios and start
uncertainty runs (they use a worker for seconds).
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle
from healthgap.store import get_scenario, list_scenarios, save_scenario
from healthgap.web.deps import (
    Analyst,
    DatabaseDep,
    Jobs,
    PlannerDep,
    Viewer,
    Workspaces,
    render,
)
from healthgap.web.files import bundle_download, slug, workbook_download
from healthgap.web.planning import (
    TARGET_GROUPS,
    Planner,
    choices_query,
    field_labels,
    field_paths,
    parse_choices,
)

router = APIRouter(prefix="/plan")
#: The fragment showing each kind of job (progress while it runs, then its result).
JOB_TEMPLATES = {"plan_uncertainty": "_plan_job.html", "plan_sensitivity": "_plan_sensitivity.html"}
#: The Plan page's chart names (in its addresses) and the result's.
CHARTS = {"waterfall": "waterfall", "deaths-postponed": "deaths_postponed", "frontier": "frontier"}


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


#: The Plan form's text fields. The form is read here, on the event loop; the routes that
#: take it are plain functions, which FastAPI runs in its thread pool, so a scenario run
#: (tens of milliseconds of CPU) never holds up other requests' answers.
PlanForm = Annotated[dict[str, str], Depends(_form)]


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _parse(request: Request, form: dict[str, str], plan: Planner) -> dict[str, Any]:
    """The form's choices; problems name the Plan's controls by their labels (and, once the
    choices are known, the core's ``interventions[i]`` paths by their controls)."""
    request.state.problem_labels = field_labels(plan.library)
    choices = parse_choices(form, plan.library)
    request.state.problem_fields = field_paths(choices)
    return choices


def _results_context(plan: Planner, choices: dict[str, Any]) -> dict[str, Any]:
    bundle = plan.run(choices)
    if bundle is None:
        return {"result": None, "library": plan.library}
    gap = bundle.table("gap")
    by_sex: dict[str, dict[str, float]] = {}
    for row in gap.itertuples():
        by_sex.setdefault(str(row.sex), {})[str(row.statistic)] = float(row.value)
    return {
        "result": bundle,
        "library": plan.library,
        "gap_by_sex": by_sex,
        "interventions": bundle.table("interventions").to_dict("records"),
        "charts": {name: bundle.chart(chart) for name, chart in CHARTS.items()},
        "chart_query": choices_query(choices),
    }


def _stored_results(plan: Planner, choices: dict[str, Any]) -> dict[str, Any]:
    """Results of stored choices, or why there are none: a scenario saved before its inputs
    were checked (or whose area's data changed since) shows its problems, not an error page."""
    try:
        return _results_context(plan, choices)
    except InputError as exc:
        return {"result": None, "library": plan.library, "problems": exc.problems}


def _page(
    request: Request,
    plan: Planner,
    service: Workspaces,
    db: DatabaseDep,
    choices: dict[str, Any] | None,
    status: int = 200,
    **extra: Any,
) -> Response:
    las = plan.local_authorities()
    if choices is None:
        choices = {
            "area_code": las[0]["area_code"] if las else "",
            "horizon": 5,
            "target_reduction": 10.0,
            "interventions": {},
        }
    with db.reader() as session:
        saved = list_scenarios(session, workspace_id=service.workspace_id)
    context = {
        "library": plan.library,
        "targets": TARGET_GROUPS,
        "choices": choices,
        "las": las,
        "saved": saved,
        **extra,
    }
    if "result" not in context and choices["interventions"]:
        context |= _stored_results(plan, choices)
    return render(request, "plan.html", context, status)


@router.get("")
def plan_page(
    request: Request,
    _user: Viewer,
    plan: PlannerDep,
    service: Workspaces,
    db: DatabaseDep,
    scenario: int | None = None,
) -> Response:
    choices = None
    if scenario is not None:
        with db.reader() as session:
            saved = get_scenario(session, scenario_id=scenario)
        if saved is not None:
            choices = {**saved.choices, "area_code": saved.area_code}
    return _page(request, plan, service, db, choices)


@router.post("/preview")
def preview(
    request: Request,
    _user: Viewer,
    plan: PlannerDep,
    service: Workspaces,
    db: DatabaseDep,
    form: PlanForm,
) -> Response:
    """Results for the current controls: a fragment for HTMX, the whole page otherwise."""
    choices = _parse(request, form, plan)
    context = _results_context(plan, choices)
    if _is_htmx(request):
        return render(request, "_plan_results.html", {**context, "choices": choices})
    return _page(request, plan, service, db, choices, **context)


def _results(request: Request, plan: Planner) -> tuple[ResultBundle, dict[str, Any]]:
    """The results for the controls given as query parameters (the Plan form's fields, as
    the page's download links carry them)."""
    choices = _parse(request, dict(request.query_params), plan)
    bundle = plan.run(choices)
    if bundle is None:
        raise InputError("give at least one intervention a volume", rule="no_intervention")
    return bundle, choices


@router.get("/chart-{chart}.{image}")
def chart_download(
    request: Request, _user: Viewer, plan: PlannerDep, chart: str, image: str
) -> Response:
    """A chart of the results for the controls in the query, as SVG or PNG."""
    bundle, choices = _results(request, plan)
    if chart not in CHARTS:
        raise InputError(f"no {chart!r} chart", rule="unknown_chart")
    stem = f"scenario-{chart}-chart_{choices['area_code']}_{choices['horizon']}-years"
    return bundle_download(bundle, CHARTS[chart], stem, image)


def _start(
    request: Request, user_id: int, plan: Planner, jobs: Jobs, kind: str, form: dict[str, str]
) -> Response:
    choices = _parse(request, form, plan)
    if not choices["interventions"]:
        raise InputError("give at least one intervention a volume", rule="no_intervention")
    plan.check_area(choices["area_code"])
    job = jobs.submit(user_id, kind, {"choices": choices})
    return render(request, JOB_TEMPLATES[kind], {"job": job})


@router.post("/uncertainty")
def start_uncertainty(
    request: Request, user: Analyst, plan: PlannerDep, jobs: Jobs, form: PlanForm
) -> Response:
    """Queue a Monte Carlo run of the controls (a job any server process may run)."""
    return _start(request, user.id, plan, jobs, "plan_uncertainty", form)


@router.post("/sensitivity")
def start_sensitivity(
    request: Request, user: Analyst, plan: PlannerDep, jobs: Jobs, form: PlanForm
) -> Response:
    """Queue the tornado and value-of-information analysis of the controls."""
    return _start(request, user.id, plan, jobs, "plan_sensitivity", form)


@router.get("/jobs/{job_id}")
def job_status(request: Request, user: Viewer, jobs: Jobs, job_id: str) -> Response:
    """The job's fragment (HTTP 286 once finished, so HTMX stops polling), or its state as
    JSON for ``Accept: application/json``."""
    job = jobs.get(job_id, user.id)
    if job is None:
        return Response("no such job\n", status_code=404, media_type="text/plain")
    if "application/json" in request.headers.get("accept", ""):
        # which server process answered: with several, any of them serves any job
        return JSONResponse({**job.as_json(), "served_by": os.getpid()})
    response = render(request, JOB_TEMPLATES.get(job.kind, "_plan_job.html"), {"job": job})
    if job.status != "running":
        response.status_code = 286  # tells HTMX to stop polling
    return response


@router.post("/budget")
def budget_view(request: Request, _user: Viewer, plan: PlannerDep, form: PlanForm) -> Response:
    choices = _parse(request, form, plan)
    try:
        budget = float(form.get("budget", ""))
    except ValueError:
        budget = -1.0
    if budget <= 0 or not choices["interventions"]:
        raise InputError(
            "give a budget above £0 and at least one intervention a volume", rule="bad_budget"
        )
    bundle = plan.budget(choices, budget)
    query = f"{choices_query(choices)}&budget={budget:g}"
    return render(
        request,
        "_plan_budget.html",
        {
            "budget": bundle.summary,
            "rows": bundle.table("budget_gap").to_dict("records"),
            "query": query,
        },
    )


@router.post("/scenarios")
def save(
    request: Request,
    user: Analyst,
    plan: PlannerDep,
    service: Workspaces,
    db: DatabaseDep,
    form: PlanForm,
) -> Response:
    choices = _parse(request, form, plan)
    plan.check_area(choices["area_code"])  # refuses an unknown area before anything is saved
    plan.check(choices)  # refuses what every later view would refuse, before saving it
    stored = {k: choices[k] for k in ("horizon", "target_reduction", "interventions")}
    with db.unit_of_work() as session:
        scenario = save_scenario(
            session,
            workspace_id=service.workspace_id,
            owner_id=user.id,
            name=form.get("name", ""),
            area_code=choices["area_code"],
            choices=stored,
        )
        scenario_id = scenario.id
    target = f"/plan/compare?ids={scenario_id}"
    if _is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/compare")
def compare(
    request: Request,
    _user: Viewer,
    plan: PlannerDep,
    db: DatabaseDep,
    ids: Annotated[list[int], Query()] = [],  # noqa: B006
) -> Response:
    with db.reader() as session:
        scenarios = [s for i in ids[:4] if (s := get_scenario(session, scenario_id=i))]
    columns = []
    for s in scenarios:
        choices = {**s.choices, "area_code": s.area_code}
        columns.append({"scenario": s, "choices": choices, **_stored_results(plan, choices)})
    return render(
        request,
        "compare.html",
        {
            "columns": columns,
            "library": plan.library,
            "targets": TARGET_GROUPS,
            "ids_query": "&".join(f"ids={c['scenario'].id}" for c in columns),
        },
    )


@router.get("/scenarios/{scenario_id}/results.{fmt}")
def scenario_results(
    _user: Viewer, plan: PlannerDep, db: DatabaseDep, scenario_id: int, fmt: str
) -> Response:
    """A saved scenario's results: every table in one workbook (``xlsx``), or its gap table
    as CSV; both through the one report writer (SYNTHETIC note and disclosure included)."""
    with db.reader() as session:
        saved = get_scenario(session, scenario_id=scenario_id)
    if saved is None:
        return Response("no such scenario\n", status_code=404, media_type="text/plain")
    bundle = plan.run({**saved.choices, "area_code": saved.area_code})
    if bundle is None:
        raise InputError("this scenario has no intervention with a volume", rule="empty")
    stem = f"scenario-results_{saved.area_code}_{slug(saved.name) or 'unnamed'}"
    if fmt == "xlsx":
        return workbook_download(bundle, stem)
    return bundle_download(bundle, "gap", f"{stem}_gap", fmt, formats=("csv",))
