"""Self-assessment: the list, the frameworks, starting an assessment, its overview (invite
people, choose the plan shown beside the ratings, open and close rounds).

Every page calls a use case of :mod:`healthgap.analyses`, which decides on the server who may
do what; the role aliases here are the coarse first check (a facilitator is an analyst or an
admin, so facilitator actions need :data:`~healthgap.web.deps.Analyst`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.analyses import (
    assessment_overview,
    close_workshop,
    invite_participants,
    link_plan_scenario,
    list_frameworks,
    my_assessments,
    open_consensus,
    show_framework,
    start_assessment,
)
from healthgap.errors import InputError
from healthgap.store import list_scenarios
from healthgap.web.assessing import errors_of, found, packs_of
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, Workspaces, render, services

router = APIRouter(prefix="/assess")
#: Topics offered as suggestions when starting an assessment (any text is accepted).
TOPICS = ("CVD", "Cancer", "Diabetes", "Tobacco", "Alcohol", "Infant mortality", "COPD")
SUGGESTED_LEVELS = ("country", "region", "icb", "utla", "la")
MAX_SUGGESTIONS = 500


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


@router.get("")
def assessments_page(request: Request, user: Viewer, db: DatabaseDep) -> Response:
    bundle = my_assessments(db, user_id=user.id)
    return render(request, "assess_list.html", {"assessments": bundle.summary["assessments"]})


@router.get("/frameworks")
def frameworks_page(request: Request, _user: Viewer) -> Response:
    frameworks = list_frameworks(packs=packs_of(request)).table("frameworks")
    return render(request, "assess_frameworks.html", {"frameworks": frameworks.to_dict("records")})


@router.get("/frameworks/{framework_id}")
def framework_page(
    request: Request, _user: Viewer, framework_id: str, version: str | None = None
) -> Response:
    with found():
        bundle = show_framework(framework_id, version=version, packs=packs_of(request))
    context = {
        "fw": bundle.summary,
        "items": bundle.table("items").to_dict("records"),
        "scale": bundle.table("scale").astype(object).to_dict("records"),
        "steps": bundle.table("data_steps").to_dict("records")
        if "data_steps" in bundle.tables
        else [],
    }
    return render(request, "assess_framework.html", context)


def _places(request: Request) -> list[dict[str, str]]:
    """Places to suggest: the workspace's areas above the small-area levels, by name."""
    running = services(request)
    if not running.workspaces.available:
        return []
    areas = running.workspaces.areas()
    shown = areas[areas["level"].astype(str).isin(SUGGESTED_LEVELS)].sort_values("area_name")
    return shown.head(MAX_SUGGESTIONS)[["area_code", "area_name"]].to_dict("records")


def _new_page(
    request: Request, db: DatabaseDep, user_id: int, status: int = 200, **extra: object
) -> Response:
    frameworks = list_frameworks(packs=packs_of(request)).table("frameworks")
    latest = frameworks[frameworks["latest"]].to_dict("records")
    earlier = my_assessments(db, user_id=user_id).summary["assessments"]
    context = {"frameworks": latest, "topics": TOPICS, "earlier": earlier, "form": {}}
    context |= {"places": _places(request), **extra}
    return render(request, "assess_new.html", context, status)


@router.get("/new")
def new_page(request: Request, user: Analyst, db: DatabaseDep) -> Response:
    return _new_page(request, db, user.id)


@router.post("/new")
def create(
    request: Request,
    user: Analyst,
    db: DatabaseDep,
    framework: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    topic: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    mode: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    previous: Annotated[str, Form()] = "",
) -> Response:
    form = {"framework": framework, "place": place, "topic": topic, "period": period}
    form |= {"mode": mode, "title": title, "purpose": purpose, "previous": previous}
    running = services(request)
    source = running.source if running.workspaces.available else None
    try:
        bundle = start_assessment(
            db,
            user_id=user.id,
            framework=framework,
            place=place,
            topic=topic,
            period=period,
            mode=mode or None,
            title=title,
            purpose=purpose,
            previous_id=int(previous) if previous.isdigit() else None,
            packs=packs_of(request),
            source=source,
        )
    except InputError as error:
        return _new_page(
            request, db, user.id, 400, errors=errors_of(error.problems, "new"), form=form
        )
    return _redirect(f"/assess/{bundle.summary['assessment_id']}")


@router.get("/{assessment_id}")
def overview_page(
    request: Request, user: Viewer, db: DatabaseDep, service: Workspaces, assessment_id: int
) -> Response:
    with found():
        summary = assessment_overview(db, assessment_id, user_id=user.id).summary
    plans = []
    if summary["my_role"] == "facilitator" and service.available:
        with db.reader() as session:
            saved = list_scenarios(session, workspace_id=service.workspace_id)
        plans = [
            {"id": s.id, "name": s.name} for s in saved if s.area_code == summary["place_code"]
        ]
    message = request.query_params.get("done", "")
    return render(
        request, "assess_overview.html", {"a": summary, "plans": plans, "message": message}
    )


@router.post("/{assessment_id}/participants")
def invite(
    user: Analyst,
    db: DatabaseDep,
    assessment_id: int,
    username: Annotated[list[str] | None, Form()] = None,
    role: Annotated[str, Form()] = "participant",
) -> Response:
    bundle = invite_participants(
        db, assessment_id, user_id=user.id, usernames=username or [], role=role
    )
    return _redirect(f"/assess/{assessment_id}?done=invited-{len(bundle.summary['added'])}")


@router.post("/{assessment_id}/plan")
def choose_plan(
    user: Analyst, db: DatabaseDep, assessment_id: int, scenario: Annotated[str, Form()] = ""
) -> Response:
    chosen = int(scenario) if scenario.isdigit() else None
    link_plan_scenario(db, assessment_id, user_id=user.id, scenario_id=chosen)
    return _redirect(f"/assess/{assessment_id}?done=plan")


@router.post("/{assessment_id}/consensus/open")
def start_consensus(user: Analyst, db: DatabaseDep, assessment_id: int) -> Response:
    open_consensus(db, assessment_id, user_id=user.id)
    return _redirect(f"/assess/{assessment_id}/consensus")


@router.post("/{assessment_id}/close")
def close(user: Analyst, db: DatabaseDep, assessment_id: int) -> Response:
    close_workshop(db, assessment_id, user_id=user.id)
    return _redirect(f"/assess/{assessment_id}/summary")
