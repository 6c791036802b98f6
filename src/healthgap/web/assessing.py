"""What the self-assessment pages share: the place's data beside the ratings (computed once
per place, period and plan, and kept), form fields read as the use cases want them, and a
missing assessment or item shown as "page not found".

No rule lives here: who may do what is decided by the use cases of
:mod:`healthgap.analyses` (``assessment_*``), which every route calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from starlette.responses import Response

from healthgap.analyses import (
    AreaEvidence,
    assessment_overview,
    gather_evidence,
    no_evidence,
    packs_folder,
    practice_for_item,
)
from healthgap.errors import InputError, Problem
from healthgap.store import Database, get_scenario
from healthgap.web.deps import database, render, services
from healthgap.web.problem_words import PlainProblem, plain_problems
from healthgap.web.workspaces import WorkspaceNotReadyError

__all__ = [
    "FORMS",
    "PREPARING_NOTE",
    "errors_of",
    "evidence_for",
    "found",
    "item_step",
    "packs_of",
    "practice_examples",
    "references",
    "scope_evidence",
    "scope_or_wait",
]

PREPARING_NOTE = (
    "The workspace's data are still being prepared, so they are not shown yet: reload the page "
    "in a minute to see them beside the ratings."
)
#: Per form: core column -> control id, and control id -> the label on screen.
FORMS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "new": (
        {"place_code": "place", "topic": "topic", "period": "period", "mode": "mode"},
        {"place": "Place", "topic": "Topic", "period": "Period", "mode": "How much to ask"},
    ),
    "rate": (
        {"level": "level", "evidence": "evidence", "confidence": "confidence"},
        {"level": "Your rating", "evidence": "Evidence", "confidence": "How sure you are"},
    ),
    "agree": (
        {"level": "agree-level", "reason": "reason", "target": "target"},
        {"agree-level": "Agreed level", "reason": "Reason", "target": "Level to aim for"},
    ),
    "action": (
        {"item_id": "item", "text": "text", "owner_role": "owner", "due": "due"},
        {
            "item": "Item",
            "text": "What will be done",
            "owner": "Owner",
            "due": "Due by",
            "indicator": "Measure",
        },
    ),
}
#: Rules of a missing assessment, item or action: a page that does not exist (404).
MISSING = {"unknown_assessment", "unknown_item", "unknown_action", "unknown_framework"}


@contextmanager
def found() -> Iterator[None]:
    """Turn "no such assessment / item / action" into a 404 page."""
    try:
        yield
    except InputError as error:
        if error.problems and error.problems[0].rule in MISSING:
            raise HTTPException(status_code=404) from error
        raise


def errors_of(problems: list[Problem], form: str) -> list[PlainProblem]:
    """Problems of a form in plain words, each naming the control it is about."""
    fields, labels = FORMS[form]
    return plain_problems(problems, fields=fields, labels=labels)


def references(text: str | None) -> list[str]:
    """Evidence references typed one per line (or separated by semicolons)."""
    parts = (part.strip() for line in (text or "").splitlines() for part in line.split(";"))
    return [part for part in parts if part]


def packs_of(request: Request) -> Path:
    """The packs users installed, beside the web database (``<data_dir>/assessment-packs``)."""
    return packs_folder(request.app.state.settings.data_dir)


def _plan(request: Request, scenario_id: int | None) -> tuple[Any, str]:
    """The saved plan's result (a bundle of ``plan_scenario``) and its name, if any."""
    if scenario_id is None:
        return None, ""
    with database(request).reader() as session:
        saved = get_scenario(session, scenario_id=scenario_id)
    if saved is None:
        return None, ""
    choices = {**saved.choices, "area_code": saved.area_code}
    return services(request).planner().run(choices), saved.name


def evidence_for(
    request: Request, place: str, period: str, scenario_id: int | None = None
) -> AreaEvidence:
    """The place's data for an assessment, from the served workspace (kept per workspace
    content); "no data" with a reason when no workspace is served or it is still being
    prepared."""
    service = services(request)
    if not service.workspaces.available:
        return no_evidence(place, "No workspace is served, so no data are shown beside ratings.")

    def compute() -> AreaEvidence:
        plan, name = _plan(request, scenario_id)
        return gather_evidence(service.source, area=place, period=period, plan=plan, plan_name=name)

    try:
        return service.workspaces.memo(("assess-evidence", place, period, scenario_id), compute)
    except WorkspaceNotReadyError:
        return no_evidence(place, PREPARING_NOTE)


def scope_evidence(
    request: Request,
    db: Database,
    user_id: int,
    assessment_id: int,
    scope: dict[str, Any] | None = None,
) -> AreaEvidence:
    """The data beside an assessment: :func:`evidence_for` its place, period and plan (read
    from its overview unless ``scope`` is given). Call it inside :func:`found`."""
    scope = scope or assessment_overview(db, assessment_id, user_id=user_id).summary
    return evidence_for(request, scope["place_code"], scope["period"], scope["plan_scenario_id"])


def item_step(rows: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    """Where an item page stands in its list of items: the item's ``row``, its 1-based
    ``position`` and the ids of the ``previous`` and ``next`` items (None at either end); an
    item the list does not have is "page not found"."""
    index = next((i for i, row in enumerate(rows) if row["item_id"] == item_id), None)
    if index is None:
        raise HTTPException(status_code=404)
    return {
        "row": rows[index],
        "position": index + 1,
        "previous": rows[index - 1]["item_id"] if index > 0 else None,
        "next": rows[index + 1]["item_id"] if index + 1 < len(rows) else None,
    }


def practice_examples(db: Database, practice_id: str) -> dict[str, Any]:
    """An item page's good practice: ``practice_item_id`` (the item in the practice bank, ""
    when none) and, when there is one, its ``practice_examples`` (docs/practice.md); the
    template shows the examples only when they are given."""
    context: dict[str, Any] = {"practice_item_id": practice_id}
    if practice_id:
        context["practice_examples"] = practice_for_item(practice_id, database=db)
    return context


def scope_or_wait(
    request: Request, db: Database, user_id: int, assessment_id: int, what: str
) -> tuple[dict[str, Any], Response | None]:
    """The assessment's overview, and a page saying ``what`` is not shown yet while the
    individual round is open (the use cases refuse it too; this says so kindly)."""
    with found():
        scope = assessment_overview(db, assessment_id, user_id=user_id).summary
    if scope["round"] != "individual":
        return scope, None
    return scope, render(request, "assess_waiting.html", {"a": scope, "what": what})
