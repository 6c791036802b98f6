"""The pages behind the signed links in reminders and on the thank-you page: check in, stop
reminders, delete my pledge. Outside the login.

Opening a link only shows a page (mail scanners open links); the answer, the unsubscribe or
the deletion happens when the person presses its button (a POST with the session's CSRF
token). The one exception is RFC 8058 one-click unsubscribe: mail programs POST
``List-Unsubscribe=One-Click`` to the link by themselves, without cookies, so that route is
authorised by its signed token alone (``web.security.TOKEN_AUTHORISED_POSTS``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from healthgap.analyses.pledges import (
    CheckinOutcome,
    TokenPurpose,
    answer_checkin,
    delete_by_link,
    linked_pledge,
    open_campaign,
    unsubscribe_by_link,
)
from healthgap.errors import InputError
from healthgap.web.deps import DatabaseDep, PledgeSettings, render

router = APIRouter(prefix="/pledge")


def _page(
    request: Request, purpose: TokenPurpose, status: int = 200, **context: object
) -> Response:
    return render(request, "pledge_link.html", {"purpose": purpose.value, **context}, status)


def _linked(request: Request, database, config, purpose: TokenPurpose, token: str):  # noqa: ANN001, ANN202
    """The pledge and campaign a link names, or the page saying what is wrong with it."""
    try:
        linked = linked_pledge(database, config, purpose, token)
        campaign = open_campaign(database, linked.view.campaign_slug)
    except InputError as exc:
        return None, _page(
            request,
            purpose,
            404 if exc.problems[0].rule == "pledge_gone" else 400,
            problem=exc.problems[0].message,
        )
    return (linked, campaign), None


@router.get("/checkin/{token}")
def checkin_page(
    request: Request, token: str, database: DatabaseDep, config: PledgeSettings
) -> Response:
    found, refused = _linked(request, database, config, TokenPurpose.checkin, token)
    if refused is not None:
        return refused
    linked, campaign = found
    return _page(
        request,
        TokenPurpose.checkin,
        linked=linked,
        campaign=campaign,
        outcomes=list(CheckinOutcome),
        token=token,
    )


@router.post("/checkin/{token}")
def checkin(
    request: Request,
    token: str,
    database: DatabaseDep,
    config: PledgeSettings,
    outcome: Annotated[str, Form()] = "",
) -> Response:
    found, refused = _linked(request, database, config, TokenPurpose.checkin, token)
    if refused is not None:
        return refused
    linked, campaign = found
    try:
        answer = answer_checkin(database, config, token, outcome)
    except InputError as exc:
        return _page(
            request,
            TokenPurpose.checkin,
            400,
            linked=linked,
            campaign=campaign,
            outcomes=list(CheckinOutcome),
            token=token,
            problem=exc.problems[0].message,
        )
    return _page(request, TokenPurpose.checkin, linked=linked, campaign=campaign, answered=answer)


@router.get("/unsubscribe/{token}")
def unsubscribe_page(
    request: Request, token: str, database: DatabaseDep, config: PledgeSettings
) -> Response:
    found, refused = _linked(request, database, config, TokenPurpose.unsubscribe, token)
    if refused is not None:
        return refused
    linked, campaign = found
    return _page(request, TokenPurpose.unsubscribe, linked=linked, campaign=campaign, token=token)


@router.post("/unsubscribe/{token}")
def unsubscribe(
    request: Request, token: str, database: DatabaseDep, config: PledgeSettings
) -> Response:
    """From our page's button, or posted by a mail program (one click, RFC 8058)."""
    found, refused = _linked(request, database, config, TokenPurpose.unsubscribe, token)
    if refused is not None:
        return refused
    linked, campaign = found
    unsubscribe_by_link(database, config, token)
    return _page(request, TokenPurpose.unsubscribe, linked=linked, campaign=campaign, done=True)


@router.get("/delete/{token}")
def delete_page(
    request: Request, token: str, database: DatabaseDep, config: PledgeSettings
) -> Response:
    found, refused = _linked(request, database, config, TokenPurpose.delete, token)
    if refused is not None:
        return refused
    linked, campaign = found
    return _page(request, TokenPurpose.delete, linked=linked, campaign=campaign, token=token)


@router.post("/delete/{token}")
def delete(request: Request, token: str, database: DatabaseDep, config: PledgeSettings) -> Response:
    found, refused = _linked(request, database, config, TokenPurpose.delete, token)
    if refused is not None:
        return refused
    _, campaign = found
    delete_by_link(database, config, token)
    return _page(request, TokenPurpose.delete, campaign=campaign, done=True)
