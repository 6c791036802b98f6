"""Rating alone: the task list of items, then one item per screen (a phone shows one item at
a time; a laptop shows the task list beside it), with the level descriptors, "don't know" and
"not applicable", a rationale, evidence references, a confidence, and the place's data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.analyses import rate_item, rating_sheet
from healthgap.errors import InputError, Problem
from healthgap.store import Database
from healthgap.web.assessing import (
    errors_of,
    found,
    item_step,
    practice_examples,
    references,
    scope_evidence,
)
from healthgap.web.deps import DatabaseDep, Viewer, render

router = APIRouter(prefix="/assess")
NO_ANSWER = 'Choose a level, or "don\'t know" or "not applicable"'


def _sheet(request: Request, db: DatabaseDep, user_id: int, assessment_id: int) -> Any:
    with found():
        evidence = scope_evidence(request, db, user_id, assessment_id)
        return rating_sheet(db, assessment_id, user_id=user_id, evidence=evidence)


@router.get("/{assessment_id}/rate")
def task_list(request: Request, user: Viewer, db: DatabaseDep, assessment_id: int) -> Response:
    with found():
        sheet = rating_sheet(db, assessment_id, user_id=user.id).summary
    first = next((row for row in sheet["sheet"] if not row["rated"]), None)
    return render(request, "assess_rate_list.html", {"s": sheet, "first": first})


def _item_page(
    request: Request,
    sheet: Any,
    item_id: str,
    status: int = 200,
    problems: list | None = None,
    form: dict[str, str] | None = None,
    *,
    db: Database,
) -> Response:
    summary = sheet.summary
    step = item_step(summary["sheet"], item_id)
    row = step["row"]
    chosen = form or {
        "level": row["my_level"],
        "rationale": row["my_rationale"],
        "evidence": row["my_evidence"],
        "confidence": row["my_confidence"],
    }
    steps = []
    if "data_steps" in sheet.tables and item_id in summary["supports_data_steps"]:
        steps = sheet.table("data_steps").astype(object).to_dict("records")
    context = {
        "s": summary,
        **step,
        "answers": summary["answers"][item_id],
        "evidence": summary["evidence"].get(item_id, []),
        "flags": summary["flags"].get(item_id, []),
        "steps": steps,
        "form": chosen,
        "errors": errors_of(problems or [], "rate"),
        **practice_examples(db, row["practice_id"]),
    }
    return render(request, "assess_rate_item.html", context, status)


@router.get("/{assessment_id}/rate/{item_id}")
def item_page(
    request: Request, user: Viewer, db: DatabaseDep, assessment_id: int, item_id: str
) -> Response:
    return _item_page(request, _sheet(request, db, user.id, assessment_id), item_id, db=db)


@router.post("/{assessment_id}/rate/{item_id}")
def save_rating(
    request: Request,
    user: Viewer,
    db: DatabaseDep,
    assessment_id: int,
    item_id: str,
    level: Annotated[str, Form()] = "",
    rationale: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    confidence: Annotated[str, Form()] = "",
) -> Response:
    form = {"level": level, "rationale": rationale, "evidence": evidence, "confidence": confidence}
    try:
        if not level:
            raise InputError([Problem("<form>", None, "level", "no_answer", NO_ANSWER)])
        with found():
            saved = rate_item(
                db,
                assessment_id,
                user_id=user.id,
                item_id=item_id,
                level=level,
                rationale=rationale,
                evidence=references(evidence),
                confidence=confidence or None,
            )
    except InputError as error:
        sheet = _sheet(request, db, user.id, assessment_id)
        return _item_page(request, sheet, item_id, 400, error.problems, form, db=db)
    upcoming = saved.summary["next_item"]
    target = f"/assess/{assessment_id}/rate" + (f"/{upcoming}" if upcoming else "?done=1")
    return RedirectResponse(target, status_code=303)
