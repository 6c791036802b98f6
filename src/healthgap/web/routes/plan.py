"""Plan: controls per intervention with live results (HTMX), uncertainty as a background job,
a budget view, and saved scenarios compared side by side.

Viewers may explore and compare; analysts and admins may also save scenarios and start
uncertainty runs (they use a worker for seconds).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.errors import InputError
from healthgap.store import Role, User, get_scenario, list_scenarios, save_scenario
from healthgap.web.deps import database, render, require
from healthgap.web.files import chart_file, slug, table_file
from healthgap.web.planning import (
    TARGET_GROUPS,
    Planner,
    choices_query,
    parse_choices,
    result_charts,
)

router = APIRouter(prefix="/plan")
Viewer = Annotated[User, Depends(require(Role.viewer))]
Analyst = Annotated[User, Depends(require(Role.analyst))]
UNCERTAINTY_DRAWS = 200


def planner(request: Request) -> Planner:
    state = request.app.state
    state.workspaces.workspace()  # a clear WorkspaceError page when none is served
    if getattr(state, "planner", None) is None:
        state.planner = Planner(state.workspaces)
    return state.planner


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _results_context(plan: Planner, choices: dict[str, Any], *, synthetic: bool) -> dict[str, Any]:
    result = plan.run(choices)
    if result is None:
        return {"result": None, "library": plan.library}
    # "<" escaped so that no label can close the <script type="application/json"> holding it.
    charts = {
        name: json.dumps(spec, allow_nan=False).replace("<", "\\u003c")
        for name, spec in result_charts(result, synthetic=synthetic).items()
    }
    gap = result.tables["gap"]
    by_sex: dict[str, dict[str, float]] = {}
    for row in gap.itertuples():
        by_sex.setdefault(str(row.sex), {})[str(row.statistic)] = float(row.value)
    return {
        "result": result,
        "library": plan.library,
        "gap_by_sex": by_sex,
        "interventions": result.tables["interventions"].to_dict("records"),
        "charts": charts,
        "chart_query": choices_query(choices),
    }


def _synthetic(request: Request) -> bool:
    return bool(request.app.state.workspaces.summary()["synthetic"])


def _page(
    request: Request, choices: dict[str, Any] | None, status: int = 200, **extra: Any
) -> Response:
    plan = planner(request)
    las = plan.local_authorities()
    if choices is None:
        choices = {
            "area_code": las[0]["area_code"] if las else "",
            "horizon": 5,
            "target_reduction": 10.0,
            "interventions": {},
        }
    service = request.app.state.workspaces
    with database(request).reader() as session:
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
        context |= _results_context(plan, choices, synthetic=_synthetic(request))
    return render(request, "plan.html", context, status)


@router.get("")
def plan_page(request: Request, _user: Viewer, scenario: int | None = None) -> Response:
    choices = None
    if scenario is not None:
        with database(request).reader() as session:
            saved = get_scenario(session, scenario_id=scenario)
        if saved is not None:
            choices = {**saved.choices, "area_code": saved.area_code}
    return _page(request, choices)


@router.post("/preview")
async def preview(request: Request, _user: Viewer) -> Response:
    """Results for the current controls: a fragment for HTMX, the whole page otherwise."""
    plan = planner(request)
    try:
        choices = parse_choices(await _form(request), plan.library)
        context = _results_context(plan, choices, synthetic=_synthetic(request))
    except InputError as exc:
        if _is_htmx(request):
            return render(request, "_plan_results.html", {"problems": exc.problems})
        raise
    if _is_htmx(request):
        return render(request, "_plan_results.html", {**context, "choices": choices})
    return _page(request, choices, **context)


@router.get("/chart-{chart}.{image}")
def chart_download(request: Request, _user: Viewer, chart: str, image: str) -> Response:
    """A chart of the results for the controls given as query parameters (the Plan form's
    fields, as the page's download links carry them), as SVG or PNG."""
    plan = planner(request)
    choices = parse_choices(dict(request.query_params), plan.library)
    result = plan.run(choices)
    if result is None:
        raise InputError("give at least one intervention a volume", rule="no_intervention")
    spec = result_charts(result, synthetic=_synthetic(request)).get(chart)
    if spec is None:
        raise InputError(f"no {chart!r} chart", rule="unknown_chart")
    stem = f"scenario-{chart}-chart_{choices['area_code']}_{choices['horizon']}-years"
    return chart_file(spec, stem, image)


@router.post("/uncertainty")
async def start_uncertainty(request: Request, user: Analyst) -> Response:
    plan = planner(request)
    choices = parse_choices(await _form(request), plan.library)
    if not choices["interventions"]:
        raise InputError("give at least one intervention a volume", rule="no_intervention")
    job = request.app.state.jobs.start(
        user.id, lambda progress: plan.run(choices, draws=UNCERTAINTY_DRAWS, progress=progress)
    )
    return render(request, "_plan_job.html", {"job": job})


@router.get("/jobs/{job_id}")
def job_status(request: Request, user: Viewer, job_id: str) -> Response:
    job = request.app.state.jobs.get(job_id, user.id)
    if job is None:
        return Response("no such job\n", status_code=404, media_type="text/plain")
    response = render(request, "_plan_job.html", {"job": job})
    if job.status != "running":
        response.status_code = 286  # tells HTMX to stop polling
    return response


@router.post("/budget")
async def budget_view(request: Request, _user: Viewer) -> Response:
    plan = planner(request)
    form = await _form(request)
    choices = parse_choices(form, plan.library)
    try:
        budget = float(form.get("budget", ""))
    except ValueError:
        budget = -1.0
    if budget <= 0 or not choices["interventions"]:
        raise InputError(
            "give a budget above £0 and at least one intervention a volume", rule="bad_budget"
        )
    result = plan.budget(choices, budget)
    query = f"{choices_query(choices)}&budget={budget:g}"
    return render(
        request,
        "_plan_budget.html",
        {"budget": result, "rows": result.table.to_dict("records"), "query": query},
    )


@router.post("/scenarios")
async def save(request: Request, user: Analyst) -> Response:
    plan = planner(request)
    form = await _form(request)
    choices = parse_choices(form, plan.library)
    plan.model(choices["area_code"])  # refuses an unknown area before anything is saved
    stored = {k: choices[k] for k in ("horizon", "target_reduction", "interventions")}
    with database(request).unit_of_work() as session:
        scenario = save_scenario(
            session,
            workspace_id=request.app.state.workspaces.workspace_id,
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
    ids: Annotated[list[int], Query()] = [],  # noqa: B006
) -> Response:
    plan = planner(request)
    with database(request).reader() as session:
        scenarios = [s for i in ids[:4] if (s := get_scenario(session, scenario_id=i))]
    columns = []
    for s in scenarios:
        choices = {**s.choices, "area_code": s.area_code}
        columns.append(
            {
                "scenario": s,
                "choices": choices,
                **_results_context(plan, choices, synthetic=_synthetic(request)),
            }
        )
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
def scenario_results(request: Request, _user: Viewer, scenario_id: int, fmt: str) -> Response:
    plan = planner(request)
    with database(request).reader() as session:
        saved = get_scenario(session, scenario_id=scenario_id)
    if saved is None:
        return Response("no such scenario\n", status_code=404, media_type="text/plain")
    result = plan.run({**saved.choices, "area_code": saved.area_code})
    if result is None:
        raise InputError("this scenario has no intervention with a volume", rule="empty")
    stem = f"scenario-results_{saved.area_code}_{slug(saved.name) or 'unnamed'}"
    if fmt == "xlsx":
        # The core's workbook: one sheet per table plus metadata of every parameter.
        with tempfile.TemporaryDirectory() as folder:
            body = result.to_excel(Path(folder) / "results.xlsx").read_bytes()
        return Response(
            body,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
        )
    metadata = {
        "scenario": saved.name,
        "area": saved.area_code,
        "horizon": str(saved.choices.get("horizon")),
    }
    return table_file(
        result.tables["gap"],
        f"{stem}_gap",
        fmt,
        metadata=metadata,
        synthetic=request.app.state.workspaces.summary()["synthetic"],
    )
