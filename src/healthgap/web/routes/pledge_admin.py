"""Campaign pages behind the login: the list (viewers), creating and editing (analysts).

The form holds the whole campaign: dates, place, themes, the catalogue of set pledges (with
spare rows), audiences, groups, moderation, reminder weeks, retention and branding. It is
checked by the use case; every problem points at its field and the form is shown again as
typed.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from healthgap.analyses.pledges import (
    Audience,
    Theme,
    campaign_summaries,
    create_campaign,
    field_id,
    form_from_campaign,
    form_from_values,
    mapping_from_form,
    open_campaign,
    update_campaign,
)
from healthgap.errors import InputError
from healthgap.store import Database
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, render

router = APIRouter(prefix="/pledges")


def _choices() -> dict[str, object]:
    return {
        "theme_choices": [(t.value, t.label) for t in Theme],
        "audience_choices": [
            (Audience.staff.value, "Staff of the organisation"),
            (Audience.community.value, "The public"),
        ],
    }


@router.get("")
def campaigns(request: Request, _user: Viewer, database: DatabaseDep) -> Response:
    items = campaign_summaries(database, today=date.today())
    return render(request, "pledge_admin_list.html", {"campaigns": items})


def _values(fields: FormData) -> dict[str, list[str]]:
    return {k: [v for v in fields.getlist(k) if isinstance(v, str)] for k in fields}


def _form_page(
    request: Request,
    form: dict[str, object],
    *,
    slug: str | None,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    context = {"form": form, "slug": slug, "problems": problems or [], **_choices()}
    return render(request, "pledge_admin_form.html", context, status)


@router.get("/new")
def new_campaign(request: Request, _user: Analyst) -> Response:
    return _form_page(request, form_from_campaign(None), slug=None)


async def _save(request: Request, database: Database, slug: str | None) -> Response:
    values = _values(await request.form())
    data, rows = mapping_from_form(values)
    try:
        if slug is None:
            campaign = await run_in_threadpool(create_campaign, database, data)
        else:
            campaign = await run_in_threadpool(update_campaign, database, slug, data)
    except InputError as exc:
        problems = [
            {"id": field_id(p.column, rows), "message": f"{p.column or 'campaign'}: {p.message}"}
            for p in exc.problems
        ]
        form = form_from_values(values)
        return _form_page(request, form, slug=slug, status=400, problems=problems)
    return RedirectResponse(f"/pledges?saved={campaign.slug}", status_code=303)


@router.post("/new")
async def create(request: Request, _user: Analyst, database: DatabaseDep) -> Response:
    return await _save(request, database, None)


@router.get("/{slug}/edit")
def edit_campaign(request: Request, slug: str, _user: Analyst, database: DatabaseDep) -> Response:
    try:
        campaign = open_campaign(database, slug)
    except InputError:
        raise HTTPException(status_code=404) from None
    return _form_page(request, form_from_campaign(campaign), slug=slug)


@router.post("/{slug}/edit")
async def update(request: Request, slug: str, _user: Analyst, database: DatabaseDep) -> Response:
    return await _save(request, database, slug)
