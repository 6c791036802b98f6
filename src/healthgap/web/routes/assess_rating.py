"""Rating alone: the task list of items, then one item per screen (a phone shows one item at
a time; a laptop shows the task list beside it), with the level descriptors, "don't know" and
"not applicable", a rationale, evidence references, a confidence, and the place's data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.analyses import assessment_overview, practice_for_item, rate_item, rating_sheet
from healthgap.errors import InputError, Problem
from healthgap.store import Database
from healthgap.web.assessing import errors_of, evidence_for, found, references
from healthgap.web.deps import DatabaseDep, Viewer, render

router = APIRouter(prefix="/assess")
NO_ANSWER = 'Choose a level, or "don\'t know" or "not applicable"'


def _sheet(request: Request, db: DatabaseDep, user_id: int, assessment_id: int) -> Any:
    with found():
        scope = assessment_overview(db, assessment_id, user_id=user_id).summary
        evidence = evidence_for(
            request, scope["place_code"], scope["period"], scope["plan_scenario_id"]
        )
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
    rows = summary["sheet"]
    index = next((i for i, row in enumerate(rows) if row["item_id"] == item_id), None)
    if index is None:
        raise HTTPException(status_code=404)
    row = rows[index]
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
        "row": row,
        "position": index + 1,
        "previous": rows[index - 1]["item_id"] if index > 0 else None,
        "next": rows[index + 1]["item_id"] if index + 1 < len(rows) else None,
        "answers": summary["answers"][item_id],
        "evidence": summary["evidence"].get(item_id, []),
        "flags": summary["flags"].get(item_id, []),
        "steps": steps,
        "form": chosen,
        "errors": errors_of(problems or [], "rate"),
        # The practice bank's examples for this item are shown only when the page is given
        # ``practice_examples`` (looked up by ``practice_item_id``); see the template's block.
        "practice_item_id": row["practice_id"],
    }
    practice_id = context["practice_item_id"]
    if practice_id:  # good practice from the bank for this item (docs/practice.md)
        context["practice_examples"] = practice_for_item(practice_id, database=db)
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
