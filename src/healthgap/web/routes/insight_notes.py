"""Insight notes: search, read, capture (with the personal-data check shown before anything is
saved) and attach to segments, journeys and touchpoints.

Capturing a note runs the check first: when a quote, the summary or the title may hold a name,
an email address, a phone number, a postcode or an NHS number, nothing is saved and the page
shows each finding beside the text, with three choices: change the text, replace what was
found with "[name removed]" and save, or save as written after checking it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from healthgap.analyses import (
    link_insight_note,
    list_journeys,
    save_insight_note,
    search_notes,
    show_insight_note,
)
from healthgap.analyses.journey_notes import check_insight_note, segment_choices
from healthgap.errors import InputError
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, render
from healthgap.web.files import bundle_download
from healthgap.web.journey_pages import CHOICES, form_values, in_words, workspace_of

router = APIRouter(prefix="/insight-notes")
NOTE_FIELDS = ("title", "method", "held_on", "sample_size", "consent_basis", "themes", "summary",
               "quotes", "segment_ids", "journey_ids", "touchpoints")  # fmt: skip
SEARCH = ("q", "theme", "method", "segment", "journey")


def _search(database: DatabaseDep, params: Any) -> Any:
    return search_notes(
        database, params.get("q", ""), theme=params.get("theme") or None,
        method=params.get("method") or None, segment_id=params.get("segment") or None,
        journey_id=params.get("journey") or None,
    )  # fmt: skip


@router.get("")
def notes_page(request: Request, _user: Viewer, database: DatabaseDep) -> Response:
    params = request.query_params
    bundle = _search(database, params)
    journeys = {j.key: j.title for j in list_journeys(database).summary["journeys"]}
    return render(request, "insight_notes.html", {
        "notes": bundle.summary["notes"], "themes": bundle.table("themes").to_dict("records"),
        "search": {name: params.get(name, "") for name in SEARCH}, "choices": CHOICES,
        "segments": segment_choices(database, workspace_of(request)), "journeys": journeys,
        "query": request.url.query, "synthetic": bundle.synthetic,
    })  # fmt: skip


@router.get("/download/notes.{fmt}")
def notes_download(request: Request, fmt: str, _user: Viewer, database: DatabaseDep) -> Response:
    bundle = _search(database, request.query_params)
    return bundle_download(bundle, "notes", "insight-notes", fmt, formats=("csv", "xlsx"))


def _form_context(request: Request, database: DatabaseDep, **extra: Any) -> dict[str, Any]:
    journeys = list_journeys(database).summary["journeys"]
    return {"choices": CHOICES, "segments": segment_choices(database, workspace_of(request)),
            "journeys": {j.key: j.title for j in journeys}, "values": {}, "errors": [],
            "found": [], **extra}  # fmt: skip


@router.get("/new")
def new_note(request: Request, _user: Analyst, database: DatabaseDep) -> Response:
    params = request.query_params
    values = {"journey_ids": params.get("journey", ""), "touchpoints": params.get("touchpoint", ""),
              "segment_ids": params.get("segment", ""), "method": "focus_group"}  # fmt: skip
    context = _form_context(request, database, values=values)
    return render(request, "insight_note_form.html", context)


@router.post("")
async def save_note(request: Request, user: Analyst, database: DatabaseDep) -> Response:
    form = await request.form()
    values = form_values(form, NOTE_FIELDS)
    # the stored segments ticked, then the ids of personas the team describes (one a line)
    ticked = [str(v) for v in form.getlist("segment_ids") if str(v).strip()]
    values["segment_ids"] = "\n".join([*ticked, str(form.get("segment_ids_described") or "")])
    choice = str(form.get("personal_data") or "stop")
    try:
        bundle = save_insight_note(database, values, personal_data=choice, user_id=user.id,
                                   workspace_id=workspace_of(request))  # fmt: skip
    except InputError as error:
        found = [p for p in error.problems if p.rule.startswith("personal_data_")]
        if found and len(found) == len(error.problems):
            checked = check_insight_note(values)
            context = _form_context(request, database, values=values, found=found,
                                    redacted=checked.summary["redacted"])  # fmt: skip
            return render(request, "insight_note_form.html", context)
        context = _form_context(request, database, values=values, errors=in_words(error.problems))
        return render(request, "insight_note_form.html", context, 400)
    note = bundle.summary["note"]
    done = "Saved" + (" with what was found replaced" if choice == "redact" and
                      bundle.summary["found"] else "")  # fmt: skip
    return RedirectResponse(f"/insight-notes/{quote(note.id)}?done={quote(done)}", 303)


@router.get("/{key}")
def note_page(request: Request, key: str, _user: Viewer, database: DatabaseDep) -> Response:
    try:
        bundle = show_insight_note(database, key)
    except InputError as error:
        if error.problems[0].rule == "unknown_note":
            raise HTTPException(404) from None
        raise
    return render(request, "insight_note.html", {
        "note": bundle.summary["note"], "names": bundle.summary["link_names"],
        "method": dict(CHOICES["methods"]), "done": request.query_params.get("done", ""),
        "segments": segment_choices(database, workspace_of(request)),
        "journeys": {j.key: j.title for j in list_journeys(database).summary["journeys"]},
    })  # fmt: skip


@router.post("/{key}/links")
async def change_links(
    request: Request, key: str, user: Analyst, database: DatabaseDep
) -> Response:
    """Attach the note to (or detach it from) a segment, a journey or a touchpoint."""
    form = await request.form()
    kind, value = str(form.get("kind") or ""), str(form.get("value") or "").strip()
    remove = form.get("remove") == "yes"
    if kind not in ("segment", "journey", "touchpoint") or not value:
        raise InputError("choose what to link the note to", rule="missing_value")
    target = {"segment": "segment_id", "journey": "journey_id", "touchpoint": "touchpoint"}[kind]
    link_insight_note(database, key, remove=remove, user_id=user.id,
                      workspace_id=workspace_of(request), **{target: value})  # fmt: skip
    done = f"{'Removed the link to' if remove else 'Linked to'} {kind} {value}"
    return RedirectResponse(f"/insight-notes/{quote(key)}?done={quote(done)}", 303)
