"""The action plan (SMART actions linked to items, tracked through their statuses over time)
and the summary for a Health and Wellbeing Board, with its downloads (CSV, XLSX, JSON and
the accessible HTML summary)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.analyses import (
    action_plan,
    add_action,
    assessment_summary,
    change_action_status,
)
from healthgap.errors import InputError
from healthgap.reports.assessment_exports import (
    ASSESSMENT_FORMATS,
    assessment_export,
    assessment_file_stem,
)
from healthgap.reports.bundle import ResultBundle
from healthgap.web.assessing import errors_of, found, scope_evidence, scope_or_wait
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, render

router = APIRouter(prefix="/assess")


def _plan_page(
    request: Request,
    db: DatabaseDep,
    user_id: int,
    assessment_id: int,
    status: int = 200,
    **extra: object,
) -> Response:
    with found():
        summary = action_plan(db, assessment_id, user_id=user_id).summary
    context = {"s": summary, "form": {}, "errors": [], **extra}
    return render(request, "assess_actions.html", context, status)


@router.get("/{assessment_id}/actions")
def actions_page(request: Request, user: Viewer, db: DatabaseDep, assessment_id: int) -> Response:
    return _plan_page(request, db, user.id, assessment_id, message=request.query_params.get("done"))


@router.post("/{assessment_id}/actions")
def create_action(
    request: Request,
    user: Analyst,
    db: DatabaseDep,
    assessment_id: int,
    item: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    due: Annotated[str, Form()] = "",
    indicator: Annotated[str, Form()] = "",
) -> Response:
    form = {"item": item, "text": text, "owner": owner, "due": due, "indicator": indicator}
    try:
        add_action(
            db,
            assessment_id,
            user_id=user.id,
            item_id=item,
            text=text,
            owner_role=owner,
            due=due,
            indicator=indicator or None,
        )
    except InputError as error:
        return _plan_page(
            request,
            db,
            user.id,
            assessment_id,
            400,
            errors=errors_of(error.problems, "action"),
            form=form,
        )
    return RedirectResponse(f"/assess/{assessment_id}/actions?done=added", status_code=303)


@router.post("/{assessment_id}/actions/{action_id}/status")
def track_action(
    user: Analyst,
    db: DatabaseDep,
    assessment_id: int,
    action_id: int,
    status: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    change_action_status(db, assessment_id, action_id, user_id=user.id, status=status, note=note)
    return RedirectResponse(f"/assess/{assessment_id}/actions?done=status", status_code=303)


def _summary(request: Request, db: DatabaseDep, user_id: int, assessment_id: int) -> ResultBundle:
    with found():
        evidence = scope_evidence(request, db, user_id, assessment_id)
        return assessment_summary(db, assessment_id, user_id=user_id, evidence=evidence)


@router.get("/{assessment_id}/summary")
def summary_page(request: Request, user: Viewer, db: DatabaseDep, assessment_id: int) -> Response:
    _scope, waiting = scope_or_wait(request, db, user.id, assessment_id, "The summary")
    if waiting is not None:
        return waiting
    bundle = _summary(request, db, user.id, assessment_id)
    charts = {name: bundle.chart(name) for name in bundle.charts}
    context = {"s": bundle.summary, "charts": charts, "formats": list(ASSESSMENT_FORMATS)}
    return render(request, "assess_summary.html", context)


@router.get("/{assessment_id}/summary.{fmt}")
def summary_download(
    request: Request, user: Viewer, db: DatabaseDep, assessment_id: int, fmt: str
) -> Response:
    if fmt not in ASSESSMENT_FORMATS:
        raise InputError(
            f"{fmt!r} is not one of {', '.join(ASSESSMENT_FORMATS)}", rule="bad_format"
        )
    bundle = _summary(request, db, user.id, assessment_id)
    name = f"{assessment_file_stem(bundle)}.{fmt}"
    return Response(
        assessment_export(bundle, fmt),
        media_type=ASSESSMENT_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
