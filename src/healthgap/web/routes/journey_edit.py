"""Editing a journey with the keyboard: one form per change, no drag and drop.

The editor lists the stages in order, each with its touchpoints; every stage and touchpoint has
"Move up", "Move down", "Change" and "Remove" buttons (each a small form naming what it acts
on), and forms add stages, touchpoints and improvements. Every form carries the version it was
opened at; :func:`healthgap.analyses.edit_journey` saves the change as the next version only if
nobody saved in between. Otherwise the page says so in plain words, lists what the other
person changed and keeps what was typed, so no edit is lost silently.

After a change the browser is sent back to the editor with the moved button focused (so
"Move up" can be pressed again) or the confirmation focused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from healthgap.analyses import JourneyConflictError, JourneyEdit, edit_journey
from healthgap.errors import InputError
from healthgap.web.deps import Analyst, DatabaseDep, render
from healthgap.web.journey_pages import (
    CHOICES,
    EVIDENCE_ROWS,
    chosen_segment,
    feeling,
    form_values,
    in_words,
    journey_or_404,
    lane_label,
    picker_of,
    touchpoint_values,
    version_of,
    workspace_of,
)

router = APIRouter(prefix="/journeys")

DETAILS = ("title", "goal", "kind", "segment", "segment_label", "version_date", "service",
           "description")  # fmt: skip
STAGE = ("name", "description", "funnel_step", "count", "count_source", "after")
IMPROVEMENT = ("touchpoint", "text", "kind", "owner", "due", "status", "assessment_action_id")
#: The page each form is on: where its problems are shown.
PAGES = {"editor": "journey_edit.html", "touchpoint": "journey_touchpoint.html",
         "stage": "journey_stage.html", "improvement": "journey_improvement.html",
         "details": "journey_details.html"}  # fmt: skip


def _context(database: DatabaseDep, key: str, **extra: Any) -> dict[str, Any]:
    bundle = journey_or_404(database, key)
    journey = bundle.summary["journey"]
    stages = journey.ordered_stages()
    sequence = [t.id for t in journey.sequence()]
    return {
        "journey": journey,
        "version": bundle.summary["current_version"],
        "stages": [(s, journey.touchpoints_in(s.id)) for s in stages],
        "first_touchpoint": sequence[0] if sequence else "",
        "last_touchpoint": sequence[-1] if sequence else "",
        "touchpoint_names": {t.id: t.name for t in journey.touchpoints},
        "stage_names": {s.id: s.name for s in stages},
        "choices": CHOICES,
        "lane_label": lane_label,
        "feeling": feeling,
        "values": {},
        "errors": [],
        **extra,
    }


def _page(request: Request, page: str, context: dict[str, Any], status: int = 200) -> Response:
    return render(request, PAGES[page], context, status)


@router.get("/{key}/edit")
def editor(request: Request, key: str, _user: Analyst, database: DatabaseDep) -> Response:
    params = request.query_params
    context = _context(database, key, done=params.get("done", ""), focus=params.get("focus", ""))
    return _page(request, "editor", context)


@router.get("/{key}/details")
def details_form(request: Request, key: str, _user: Analyst, database: DatabaseDep) -> Response:
    context = _context(database, key)
    return _page(request, "details", context | {
        "picker": picker_of(request, database, context["journey"].segment)})  # fmt: skip


@router.get("/{key}/add-touchpoint")
def new_touchpoint(
    request: Request, key: str, _user: Analyst, database: DatabaseDep, stage: str = ""
) -> Response:
    context = _context(database, key, point=None, values={"stage": stage, "lane": "front_stage"},
                       evidence=[{}] * EVIDENCE_ROWS)  # fmt: skip
    return _page(request, "touchpoint", context)


@router.get("/{key}/touchpoints/{point}/edit")
def touchpoint_form(
    request: Request, key: str, point: str, _user: Analyst, database: DatabaseDep
) -> Response:
    context = _context(database, key)
    found = [t for t in context["journey"].touchpoints if t.id == point]
    if not found:
        raise HTTPException(404)
    evidence = [vars(e) for e in found[0].evidence]
    context |= {"point": found[0], "values": _point_values(found[0]),
                "evidence": evidence + [{}] * max(1, EVIDENCE_ROWS - len(evidence))}  # fmt: skip
    return _page(request, "touchpoint", context)


def _point_values(point: Any) -> dict[str, Any]:
    values = {k: ("" if v is None else v) for k, v in vars(point).items()}
    values["emotion"] = "" if point.emotion is None else str(int(point.emotion))
    values["wait_days"] = "" if point.wait_days is None else f"{point.wait_days:g}"
    values["pain_points"] = "\n".join(point.pain_points)
    return values


@router.get("/{key}/stages/{stage}/edit")
def stage_form(
    request: Request, key: str, stage: str, _user: Analyst, database: DatabaseDep
) -> Response:
    context = _context(database, key)
    found = [s for s in context["journey"].stages if s.id == stage]
    if not found:
        raise HTTPException(404)
    values = {k: ("" if v is None else v) for k, v in vars(found[0]).items()}
    return _page(request, "stage", context | {"stage": found[0], "values": values})


@router.get("/{key}/improvements/{item}/edit")
def improvement_form(
    request: Request, key: str, item: str, _user: Analyst, database: DatabaseDep
) -> Response:
    context = _context(database, key)
    found = [m for m in context["journey"].improvements if m.id == item]
    if not found:
        raise HTTPException(404)
    values = {k: ("" if v is None else v) for k, v in vars(found[0]).items()}
    return _page(request, "improvement", context | {"item": found[0], "values": values})


def _values(action: str, form: Any) -> dict[str, Any]:
    if action == "details":
        return form_values(form, DETAILS)
    if action in ("add_stage", "update_stage"):
        values = form_values(form, STAGE)
        return values if action == "add_stage" else {k: values[k] for k in STAGE[:-1]}
    if action.startswith("move_"):
        return {"direction": str(form.get("direction") or "")}
    if action in ("add_touchpoint", "update_touchpoint"):
        return touchpoint_values(form)
    if action in ("add_improvement", "update_improvement"):
        return form_values(form, IMPROVEMENT)
    return {}


def _chosen(
    request: Request, database: DatabaseDep, key: str, values: dict[str, Any]
) -> dict[str, Any]:
    """The details' values with the picker's choice as the reference it makes."""
    if "segment" not in values:
        return values
    current = journey_or_404(database, key).summary["journey"].segment
    chosen = {k: v for k, v in values.items() if k not in ("segment", "segment_label")}
    return chosen | {"segment": chosen_segment(request, database, values, current)}


def _focus(action: str, target: str, added: str, form: Any) -> str:
    """The control to focus after a change: the moved button (to press it again), the
    changed item's "Change" button, or the confirmation."""
    direction = str(form.get("direction") or "")
    if action == "move_touchpoint":
        return f"tp-{direction}-{target}"
    if action == "move_stage":
        return f"stage-{direction}-{target}"
    if action in ("add_touchpoint", "update_touchpoint"):
        return f"tp-change-{added or target}"
    if action in ("add_stage", "update_stage"):
        return f"stage-change-{added or target}"
    return "done"


@router.post("/{key}/edit")
async def edit(request: Request, key: str, user: Analyst, database: DatabaseDep) -> Response:
    form = await request.form()
    action, target = str(form.get("action") or ""), str(form.get("target") or "")
    page = str(form.get("page") or "editor")
    page = page if page in PAGES else "editor"
    values = _values(action, form)
    version = version_of(form)
    try:
        if version is None:
            raise InputError("the form did not say which version it changes: reload the page "
                             "and make the change again", rule="missing_version")  # fmt: skip
        bundle = edit_journey(database, key, JourneyEdit(action, target,
                                                         _chosen(request, database, key, values)),
                              expected_version=version, user_id=user.id,
                              workspace_id=workspace_of(request))  # fmt: skip
    except JourneyConflictError as conflict:
        return _again(request, database, key, page, form, values, conflict=conflict, status=409)
    except InputError as error:
        return _again(request, database, key, page, form, values, errors=in_words(error.problems))
    note = bundle.summary["note"]
    if bundle.warnings:
        note += ". Check: " + "; ".join(w.partition(": ")[2] for w in bundle.warnings)
    focus = _focus(action, target, bundle.summary.get("added", ""), form)
    # No #fragment: Chromium ignores autofocus on a page whose address has one.
    return RedirectResponse(f"/journeys/{key}/edit?done={quote(note)}&focus={quote(focus)}", 303)


def _again(
    request: Request,
    database: DatabaseDep,
    key: str,
    page: str,
    form: Any,
    values: dict[str, Any],
    *,
    errors: list | None = None,
    conflict: JourneyConflictError | None = None,
    status: int = 400,
) -> Response:
    """The page the form was on, with the problem (or the conflict) and what was typed.

    After a conflict the form carries the version now stored: saving it again applies the
    change on top of the other person's, knowingly.
    """
    context = _context(database, key)
    journey = context["journey"]
    target = str(form.get("target") or "")
    shown = dict(values)
    if "pain_points" in shown:
        shown["pain_points"] = "\n".join(shown["pain_points"])
    evidence = list(values.get("evidence", []))
    context |= {
        "picker": picker_of(request, database, journey.segment),
        "values": shown,
        "evidence": evidence + [{}] * max(1, EVIDENCE_ROWS - len(evidence)),
        "point": next((t for t in journey.touchpoints if t.id == target), None),
        "stage": next((s for s in journey.stages if s.id == target), None),
        "item": next((m for m in journey.improvements if m.id == target), None),
        "errors": errors or [],
        "conflict": conflict,
        # what was typed into the editor's own forms (adding a stage or an improvement)
        "add_values": shown if str(form.get("action")) in ("add_stage", "add_improvement") else {},
    }
    if (
        page in ("touchpoint", "stage", "improvement")
        and target
        and not any(context[k] for k in ("point", "stage", "item"))
    ):
        page = "editor"  # what was being changed is gone: show the journey as it is now
    return _page(request, page, context, status)
