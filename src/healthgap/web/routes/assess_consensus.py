"""The consensus round, live: the spread per item refreshes itself (HTMX polling) as
facilitators record agreed levels; each item's page shows the counts per level, the numbered
answers with their reasons, the data and its flags, and (for facilitators) the form to record
the agreed level, its reason and a target. Two facilitators recording the same item at once
leave one record; the second sees, in plain words, who decided what."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.analyses import agree_item, consensus_view
from healthgap.errors import InputError
from healthgap.store import Database
from healthgap.web.assessing import (
    errors_of,
    found,
    item_step,
    practice_examples,
    references,
    scope_evidence,
    scope_or_wait,
)
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, render

router = APIRouter(prefix="/assess")
POLL_SECONDS = 5
STOP_POLLING = 286  # HTMX stops polling on this status
NOTHING_NEW = 204  # HTMX swaps nothing (base.html's responseHandling)


def _view(
    request: Request,
    db: DatabaseDep,
    user_id: int,
    assessment_id: int,
    scope: dict[str, Any] | None = None,
) -> Any:
    with found():
        evidence = scope_evidence(request, db, user_id, assessment_id, scope)
        return consensus_view(db, assessment_id, user_id=user_id, evidence=evidence)


def _rows(summary: dict[str, Any], order: str) -> list[dict[str, Any]]:
    """Items in the framework's order, or those where views differ first (to discuss first);
    never by level."""
    rows = summary["items_table"]
    if order == "differ":
        rows = sorted(rows, key=lambda r: not r["disagreement"])
    return rows


@router.get("/{assessment_id}/consensus")
def consensus_page(
    request: Request, user: Viewer, db: DatabaseDep, assessment_id: int, order: str = ""
) -> Response:
    scope, waiting = scope_or_wait(request, db, user.id, assessment_id, "The spread of ratings")
    if waiting is not None:
        return waiting
    summary = _view(request, db, user.id, assessment_id, scope).summary
    return render(request, "assess_consensus.html", _table_context(summary, order))


@router.get("/{assessment_id}/consensus/table")
def consensus_table(
    request: Request,
    user: Viewer,
    db: DatabaseDep,
    assessment_id: int,
    order: str = "",
    version: str = "",
) -> Response:
    """The spread table, asked for every few seconds while the round is open: 204 (nothing
    to swap) while nothing was agreed since ``version``; the table when something was; the
    last table with 286 (stop asking) once the round is closed."""
    summary = _view(request, db, user.id, assessment_id).summary
    context = _table_context(summary, order) | {"oob": True}
    if summary["round"] == "consensus" and version == context["version"]:
        return Response(status_code=NOTHING_NEW)
    response = render(request, "_assess_consensus_table.html", context)
    if summary["round"] != "consensus":
        response.status_code = STOP_POLLING
    return response


def _table_context(summary: dict[str, Any], order: str) -> dict[str, Any]:
    """The spread table's values, with a version that changes whenever a level is agreed."""
    state = json.dumps([summary["round"], summary["revisions"]], sort_keys=True)
    version = hashlib.sha256(state.encode()).hexdigest()[:16]
    rows = _rows(summary, order)
    return {"s": summary, "rows": rows, "order": order, "poll": POLL_SECONDS, "version": version}


def _item_page(
    request: Request,
    view: Any,
    item_id: str,
    status: int = 200,
    problems: list | None = None,
    form: dict[str, str] | None = None,
    conflict: str = "",
    *,
    db: Database,
) -> Response:
    summary = view.summary
    step = item_step(summary["items_table"], item_id)
    row = step["row"]
    revision = summary["revisions"].get(item_id, {"revision": 0, "by": ""})
    agreed = summary["levels"]
    key_of = {a["label"]: a["key"] for a in summary["all_answers"]}
    chosen = form or {
        "level": key_of.get(row["agreed_label"], ""),
        "target": next((a["key"] for a in agreed if a["label"] == row["target_label"]), ""),
        "reason": row["agreed_reason"],
        "evidence": "",
    }
    context = {
        "s": summary,
        **step,
        "counts": summary["counts"].get(item_id, []),
        "answers": summary["ratings"].get(item_id, []),
        "flags": summary["flags"].get(item_id, []),
        "evidence": summary["evidence"].get(item_id, []),
        "revision": revision,
        "form": chosen,
        "errors": errors_of(problems or [], "agree"),
        "conflict": conflict,
        **practice_examples(db, summary["practice_ids"].get(item_id, "")),
    }
    return render(request, "assess_consensus_item.html", context, status)


@router.get("/{assessment_id}/consensus/{item_id}")
def item_page(
    request: Request, user: Viewer, db: DatabaseDep, assessment_id: int, item_id: str
) -> Response:
    return _item_page(request, _view(request, db, user.id, assessment_id), item_id, db=db)


@router.post("/{assessment_id}/consensus/{item_id}")
def agree(
    request: Request,
    user: Analyst,
    db: DatabaseDep,
    assessment_id: int,
    item_id: str,
    level: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    revision: Annotated[int, Form()] = 0,
) -> Response:
    form = {"level": level, "reason": reason, "target": target, "evidence": evidence}
    try:
        with found():
            agree_item(
                db,
                assessment_id,
                user_id=user.id,
                item_id=item_id,
                level=level,
                reason=reason,
                target=target or None,
                evidence=references(evidence),
                expected_revision=revision,
            )
    except InputError as error:
        view = _view(request, db, user.id, assessment_id)
        if error.problems[0].rule == "consensus_conflict":
            message = error.problems[0].message
            return _item_page(request, view, item_id, 409, form=form, conflict=message, db=db)
        return _item_page(request, view, item_id, 400, error.problems, form, db=db)
    view = _view(request, db, user.id, assessment_id).summary
    rows = view["items_table"]
    order = [r["item_id"] for r in rows]
    after = order[order.index(item_id) + 1 :] + order[: order.index(item_id)]
    still_open = {r["item_id"] for r in rows if r["status"] == "open"}
    upcoming = next((i for i in after if i in still_open), None)
    target_url = f"/assess/{assessment_id}/consensus" + (f"/{upcoming}" if upcoming else "")
    return RedirectResponse(target_url, status_code=303)
