"""Plan: choose interventions (volume, target group, horizon), save, name and compare scenarios.

The choices are stored (healthgap.store); results are the core's to compute. Viewers may look
at saved scenarios; analysts and admins may save them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.errors import InputError, Problem
from healthgap.scenarios.library import Intervention, load_library
from healthgap.store import Role, User, get_scenario, list_scenarios, save_scenario
from healthgap.web.deps import database, render, require

router = APIRouter(prefix="/plan")
Viewer = Annotated[User, Depends(require(Role.viewer))]
Analyst = Annotated[User, Depends(require(Role.analyst))]
TARGET_GROUPS = {
    "all": "Everyone eligible",
    "q1": "Most deprived fifth",
    "q12": "Most deprived two fifths",
}
MAX_HORIZON = 25


def _library() -> dict[str, Intervention]:
    return load_library()


def parse_choices(form: dict[str, str], library: dict[str, Intervention]) -> dict[str, object]:
    """Read each intervention's controls from a form, listing every problem found."""
    problems: list[Problem] = []
    choices: dict[str, object] = {}
    for key in library:
        raw_volume = form.get(f"{key}__volume", "0").strip() or "0"
        target = form.get(f"{key}__target", "all")
        raw_horizon = form.get(f"{key}__horizon", "10").strip() or "10"
        try:
            volume = float(raw_volume)
            if volume < 0:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(
                    "<form>",
                    None,
                    f"{key}__volume",
                    "not_a_volume",
                    f"{raw_volume!r} is not a number of 0 or more",
                )
            )
            continue
        if target not in TARGET_GROUPS:
            problems.append(
                Problem(
                    "<form>",
                    None,
                    f"{key}__target",
                    "unknown_target",
                    f"{target!r} is not a target group",
                )
            )
            continue
        if not raw_horizon.isdigit() or not 1 <= int(raw_horizon) <= MAX_HORIZON:
            problems.append(
                Problem(
                    "<form>",
                    None,
                    f"{key}__horizon",
                    "bad_horizon",
                    f"give a horizon of 1 to {MAX_HORIZON} years",
                )
            )
            continue
        if volume > 0:
            choices[key] = {"volume": volume, "target": target, "horizon": int(raw_horizon)}
    if problems:
        raise InputError(problems)
    return choices


def _workspace_id(request: Request) -> int:
    service = request.app.state.workspaces
    service.workspace()  # raises WorkspaceError (shown as a page) when none is served
    return service.workspace_id


@router.get("")
def plan_page(request: Request, _user: Viewer) -> Response:
    service = request.app.state.workspaces
    saved = []
    if service.available:
        with database(request).reader() as session:
            saved = list_scenarios(session, workspace_id=_workspace_id(request))
    return render(
        request, "plan.html", {"library": _library(), "targets": TARGET_GROUPS, "saved": saved}
    )


@router.post("/scenarios")
async def save(request: Request, user: Analyst) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    choices = parse_choices(form, _library())
    with database(request).unit_of_work() as session:
        scenario = save_scenario(
            session,
            workspace_id=_workspace_id(request),
            owner_id=user.id,
            name=form.get("name", ""),
            area_code=form.get("area_code", ""),
            choices=choices,
        )
        scenario_id = scenario.id
    return RedirectResponse(f"/plan/compare?ids={scenario_id}", status_code=303)


@router.get("/compare")
def compare(
    request: Request,
    _user: Viewer,
    ids: Annotated[list[int], Query()] = [],  # noqa: B006
) -> Response:
    with database(request).reader() as session:
        scenarios = [s for i in ids[:4] if (s := get_scenario(session, scenario_id=i))]
    return render(
        request,
        "compare.html",
        {"scenarios": scenarios, "library": _library(), "targets": TARGET_GROUPS},
    )
