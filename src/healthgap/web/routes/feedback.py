"""The feedback loop's pages: "what you told us, what we are doing" from a journey or from a
set of insight notes (by segment or theme), printable (the page's print style leaves out the
navigation and forms) or downloaded as an A4 sheet, and a record of when it was sent."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from healthgap.analyses import feedback_summary, record_feedback_sent, search_notes
from healthgap.analyses.journey_notes import segment_choices
from healthgap.errors import InputError, Problem
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, render
from healthgap.web.files import attachment, slug
from healthgap.web.journey_pages import (
    CHOICES,
    form_values,
    in_words,
    journey_or_404,
    workspace_of,
)

router = APIRouter()
SEND_FIELDS = ("sent_on", "channel", "audience", "recipients")
CHOSEN = ("segment", "theme", "title", "contact")


def _chosen(params: Any, key: str | None) -> dict[str, Any]:
    return {
        "journey_key": key,
        "segment_id": None if key else params.get("segment") or None,
        "theme": None if key else params.get("theme") or None,
        "title": params.get("title", ""),
        "contact": params.get("contact", ""),
    }


def _page(request: Request, database: DatabaseDep, key: str | None, **extra: Any) -> Response:
    params = request.query_params if request.method == "GET" else extra.pop("params")
    status = int(extra.pop("status", 200))
    journey = journey_or_404(database, key).summary["journey"] if key else None
    bundle = feedback_summary(database, **_chosen(params, key))
    here = f"/journeys/{quote(key)}/feedback" if key else "/insight-notes/feedback"
    query = urlencode({k: v for k, v in params.items() if k in CHOSEN and v})
    return render(request, "feedback.html", {
        "journey": journey, "feedback": bundle.summary["feedback"],
        "html": bundle.summary["html"], "sends": bundle.table("sends").to_dict("records"),
        "here": here, "query": query, "choices": CHOICES,
        "chosen": {k: params.get(k, "") for k in CHOSEN}, "values": {}, "errors": [],
        "done": params.get("done", ""), "today": date.today().isoformat(), **extra,
    }, status)  # fmt: skip


@router.get("/journeys/{key}/feedback")
def journey_feedback(request: Request, key: str, _user: Viewer, database: DatabaseDep) -> Response:
    return _page(request, database, key)


@router.get("/insight-notes/feedback")
def notes_feedback(request: Request, _user: Viewer, database: DatabaseDep) -> Response:
    params = request.query_params
    if not (params.get("segment") or params.get("theme")):
        themes = search_notes(database).table("themes")["theme"].tolist()
        return render(request, "feedback_choose.html", {
            "segments": segment_choices(database, workspace_of(request)), "themes": themes,
        })  # fmt: skip
    return _page(request, database, None)


def _sheet(request: Request, database: DatabaseDep, key: str | None) -> Response:
    if key:
        journey_or_404(database, key)
    elif not (request.query_params.get("segment") or request.query_params.get("theme")):
        raise HTTPException(404)  # a sheet of nothing in particular does not exist
    bundle = feedback_summary(database, **_chosen(request.query_params, key))
    name = f"feedback-{slug(key or bundle.summary['feedback'].title)}.html"
    return attachment(bundle.summary["sheet"].encode("utf-8"), name, "html")


@router.get("/journeys/{key}/feedback/sheet.html")
def journey_sheet(request: Request, key: str, _user: Viewer, database: DatabaseDep) -> Response:
    return _sheet(request, database, key)


@router.get("/insight-notes/feedback/sheet.html")
def notes_sheet(request: Request, _user: Viewer, database: DatabaseDep) -> Response:
    return _sheet(request, database, None)


async def _record(
    request: Request, database: DatabaseDep, key: str | None, user_id: int
) -> Response:
    form = await request.form()
    values = form_values(form, SEND_FIELDS)
    problems = []
    try:
        sent_on = date.fromisoformat(values["sent_on"].strip())
    except ValueError:
        problems.append(Problem("<form>", None, "sent_on", "bad_date", "not a date"))
    recipients = values["recipients"].strip()
    if recipients and not recipients.isdigit():
        problems.append(Problem("<form>", None, "recipients", "bad_count", "not a number"))
    try:
        if problems:
            raise InputError(problems)
        record_feedback_sent(
            database, sent_on=sent_on, channel=values["channel"], audience=values["audience"],
            recipients=int(recipients) if recipients else None, user_id=user_id,
            **_chosen(form, key),
        )  # fmt: skip
    except InputError as error:
        return _page(request, database, key, params=form, values=values,
                     errors=in_words(error.problems), status=400)  # fmt: skip
    here = f"/journeys/{quote(key)}/feedback" if key else "/insight-notes/feedback"
    query = {k: str(form.get(k)) for k in CHOSEN if form.get(k)}
    query["done"] = f"Recorded: sent on {sent_on.strftime('%-d %B %Y')} to {values['audience']}"
    return RedirectResponse(f"{here}?{urlencode(query)}", 303)


@router.post("/journeys/{key}/feedback/sent")
async def journey_sent(
    request: Request, key: str, user: Analyst, database: DatabaseDep
) -> Response:
    return await _record(request, database, key, user.id)


@router.post("/insight-notes/feedback/sent")
async def notes_sent(request: Request, user: Analyst, database: DatabaseDep) -> Response:
    return await _record(request, database, None, user.id)
