"""The public campaign pages, outside the login: the pledge form, the thank-you page, the
wall, the live counter, the privacy notice, and the share redirects.

Anonymous visitors get the app's session-bound CSRF token (a session cookie, strictly
necessary), a random idempotency key per rendering of the form, and a "leave this empty"
field for robots; limits, checks and the durable commit are the use case's
(:func:`healthgap.analyses.pledges.submit_pledge`). Nothing the person typed is logged; the
app logs only the route template, the status and the time.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from healthgap.analyses.pledges import (
    AGE_BANDS,
    MAX_NAME_LENGTH,
    MAX_PLEDGE_LENGTH,
    SHARE_CHANNELS,
    Campaign,
    PledgeConfig,
    PledgeForm,
    PledgeOutcome,
    PledgeStatus,
    Theme,
    campaign_image,
    campaign_page,
    count_visit,
    delete_url,
    district_map,
    new_idempotency_key,
    open_campaign,
    share_target,
    shared_pledge,
    submit_pledge,
    wall,
)
from healthgap.errors import InputError, Problem
from healthgap.reports.pledge_privacy_notice import privacy_notice_html
from healthgap.store import Database
from healthgap.web.deps import DatabaseDep, PledgeSettings, pledge_config, render
from healthgap.web.deps import database as get_database
from healthgap.web.deps import settings as app_settings

router = APIRouter(prefix="/pledge")

MY_PLEDGES = "my_pledges"  # public ids of this browser's pledges, kept in its session
BROWSER = "pledge_browser"  # random id of this browser, for counting unique pledgers
#: Form field that each problem of the core points at (its ``column``) -> the input's id.
FIELD_IDS = {
    "set_pledge": "choice",
    "campaign": "pledge-form",
    "idempotency_key": "pledge-form",
    "website": "website",
}


def campaign_or_404(database: Database, slug: str) -> Campaign:
    """The campaign, or the "no page at this address" page."""
    try:
        return open_campaign(database, slug)
    except InputError:
        raise HTTPException(status_code=404) from None


def _form_from(fields: FormData) -> PledgeForm:
    def text(name: str) -> str:
        value = fields.get(name)
        return value if isinstance(value, str) else ""

    choice = text("choice")
    own = choice == "own" or (not choice and bool(text("own_text").strip()))
    return PledgeForm(
        idempotency_key=text("idempotency_key"),
        set_pledge="" if own else choice,
        own_text=text("own_text") if own else "",
        own_theme=text("own_theme") if own else "",
        display_name=text("display_name"),
        anonymous=bool(text("anonymous")),
        postcode_district=text("postcode_district"),
        age_band=text("age_band"),
        group=text("group"),
        audience=text("audience"),
        consent=bool(text("consent")),
        reminders=bool(text("reminders")),
        marketing=bool(text("marketing")),
        email=text("email"),
        honeypot=text("website"),
    )


def _base(request: Request, config: PledgeConfig) -> str:
    return config.base_url(str(request.base_url))


def page_context(
    request: Request, database: Database, config: PledgeConfig, slug: str, **extra: Any
) -> dict[str, Any]:
    """What the campaign page shows (the form itself comes from ``extra`` when re-shown)."""
    page = campaign_page(database, slug)
    base = _base(request, config)
    drawn = district_map(
        page.campaign,
        page.districts,
        page.district_notes,
        boundaries=app_settings(request).boundaries,
        titled=False,  # the page's heading and notes say what the map is
    )
    return {
        "page": page,
        # drawn by vl-convert, which escapes every text it draws
        "district_map": drawn,
        "map_svg": Markup(drawn.svg) if drawn else None,  # noqa: S704
        "campaign": page.campaign,
        "themes": [(t.value, t.label) for t in Theme if t in page.campaign.themes],
        "age_bands": AGE_BANDS,
        "max_pledge": MAX_PLEDGE_LENGTH,
        "max_name": MAX_NAME_LENGTH,
        "channels": SHARE_CHANNELS,
        "campaign_url": f"{base}/pledge/{slug}",
        "image_url": f"{base}/pledge/{slug}/image.png",
        "form": extra.pop("form", None) or {},
        "errors": {p["id"]: p["message"] for p in extra.get("problems", [])},
        "idempotency_key": extra.pop("idempotency_key", None) or new_idempotency_key(),
        **extra,
    }


def _problems_by_field(problems: tuple[Problem, ...]) -> list[dict[str, str]]:
    return [
        {"id": FIELD_IDS.get(p.column or "", p.column or "pledge-form"), "message": p.message}
        for p in problems
    ]


@router.get("/{slug}")
def campaign(
    request: Request, slug: str, database: DatabaseDep, config: PledgeSettings, via: str = ""
) -> Response:
    campaign_or_404(database, slug)
    count_visit(database, slug, kind="page_view", channel=via)
    if via:
        count_visit(database, slug, kind="click_through", channel=via)
    return render(request, "pledge_campaign.html", page_context(request, database, config, slug))


@router.post("/{slug}")
async def pledge(request: Request, slug: str) -> Response:
    # The busiest route of a launch day: no dependency that needs a thread of its own, and
    # one trip to the thread pool for the campaign, the limits, the checks and the commit.
    database, config = get_database(request), pledge_config(request)
    fields = await request.form()
    form = _form_from(fields)
    browser = request.session.get(BROWSER) or secrets.token_urlsafe(16)
    client = request.client.host if request.client else "unknown"

    def take() -> PledgeOutcome:
        campaign_or_404(database, slug)
        return submit_pledge(
            database, config, campaign_slug=slug, form=form, client=client, browser_id=browser
        )

    outcome = await run_in_threadpool(take)
    if outcome.accepted:
        receipt = outcome.receipt
        mine = [p for p in request.session.get(MY_PLEDGES, []) if p != receipt.public_id]
        request.session[MY_PLEDGES] = [*mine[-9:], receipt.public_id]
        request.session[BROWSER] = browser
        return RedirectResponse(f"/pledge/{slug}/thanks/{receipt.public_id}", status_code=303)
    rules = {p.rule for p in outcome.problems}
    key = None if "form_already_used" in rules else form.idempotency_key
    typed = {name: value for name, value in fields.items() if isinstance(value, str)}
    problems = _problems_by_field(outcome.problems)
    context = await run_in_threadpool(
        lambda: page_context(
            request, database, config, slug, form=typed, idempotency_key=key, problems=problems
        )
    )
    status = 429 if "rate_limited" in rules else 400
    response = render(request, "pledge_campaign.html", context, status)
    if outcome.retry_after_seconds:
        response.headers["Retry-After"] = str(outcome.retry_after_seconds)
    return response


@router.get("/{slug}/thanks/{public_id}")
def thanks(
    request: Request, slug: str, public_id: str, database: DatabaseDep, config: PledgeSettings
) -> Response:
    if public_id not in request.session.get(MY_PLEDGES, []):
        return RedirectResponse(f"/pledge/{slug}/p/{public_id}", status_code=303)
    view = shared_pledge(database, slug, public_id)
    if view is None:  # deleted since
        request.session[MY_PLEDGES] = [
            p for p in request.session.get(MY_PLEDGES, []) if p != public_id
        ]
        return RedirectResponse(f"/pledge/{slug}", status_code=303)
    campaign = campaign_or_404(database, slug)
    base = _base(request, config)
    return render(
        request,
        "pledge_thanks.html",
        {
            "campaign": campaign,
            "view": view,
            "published": view.status is PledgeStatus.published,
            "share_url": f"{base}/pledge/{slug}/p/{public_id}",
            "campaign_url": f"{base}/pledge/{slug}",
            "delete_link": delete_url(config, public_id, base),
            "channels": SHARE_CHANNELS,
        },
    )


@router.get("/{slug}/count")
def counter(request: Request, slug: str, database: DatabaseDep) -> Response:
    campaign_or_404(database, slug)
    page = campaign_page(database, slug)
    return render(request, "_pledge_counter.html", {"page": page, "campaign": page.campaign})


@router.get("/{slug}/wall")
def wall_page(request: Request, slug: str, database: DatabaseDep, page: int = 1) -> Response:
    campaign = campaign_or_404(database, slug)
    page = max(1, min(page, 10_000))
    pledges = wall(database, slug, page=page)
    return render(
        request,
        "pledge_wall.html",
        {"campaign": campaign, "pledges": pledges, "page_number": page, "more": len(pledges) == 30},
    )


@router.get("/{slug}/privacy")
def privacy(request: Request, slug: str, database: DatabaseDep) -> Response:
    campaign = campaign_or_404(database, slug)
    # The notice is rendered by its own autoescaped template (reports/templates).
    notice = Markup(privacy_notice_html(campaign))  # noqa: S704
    return render(request, "pledge_privacy.html", {"campaign": campaign, "notice": notice})


@router.get("/{slug}/image.png")
def campaign_card(slug: str, database: DatabaseDep) -> Response:
    campaign_or_404(database, slug)
    return Response(
        campaign_image(database, slug),
        media_type="image/png",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/{slug}/share/{channel}")
def share(
    request: Request,
    slug: str,
    channel: str,
    database: DatabaseDep,
    config: PledgeSettings,
    p: str = "",
) -> Response:
    """Count a share, then go to the network's own share page (works before pledging too)."""
    campaign = campaign_or_404(database, slug)
    if channel not in SHARE_CHANNELS:
        raise HTTPException(status_code=404)
    base = _base(request, config)
    view = shared_pledge(database, slug, p) if p else None
    if view is not None and view.status is PledgeStatus.published:
        url, text = f"{base}/pledge/{slug}/p/{p}", f"I pledged: {view.text}"
    else:
        url, text = f"{base}/pledge/{slug}", f"Make a pledge: {campaign.title}"
    count_visit(database, slug, kind="share", channel=channel)
    target = share_target(channel, f"{url}?via={channel}", text, campaign.title)
    return RedirectResponse(target, status_code=303)
