"""The moderation queue of a campaign (analysts): pending pledges oldest first, and the
published and rejected ones, with approve, reject, hide and reinstate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from healthgap.analyses.pledges import (
    ACTIONS,
    FLAG_LABELS,
    PledgeStatus,
    moderate_pledge,
    moderation_page,
)
from healthgap.errors import InputError
from healthgap.web.deps import Analyst, DatabaseDep, render

router = APIRouter(prefix="/pledges")
#: The buttons each list offers: (action, label, button class).
BUTTONS = {
    PledgeStatus.pending: [
        ("approve", "Approve", ""),
        ("reject", "Reject", "govuk-button--warning"),
    ],
    PledgeStatus.published: [("hide", "Hide from the wall", "govuk-button--warning")],
    PledgeStatus.rejected: [("reinstate", "Reinstate", "govuk-button--secondary")],
}


@router.get("/{slug}/moderation")
def queue(
    request: Request,
    slug: str,
    _user: Analyst,
    database: DatabaseDep,
    status: str = "pending",
    page: int = 1,
    done: str = "",
) -> Response:
    try:
        listing = moderation_page(database, slug, status=status, page=page)
    except InputError as exc:
        if exc.problems[0].rule == "unknown_campaign":
            raise HTTPException(status_code=404) from None
        raise
    return render(
        request,
        "pledge_admin_moderation.html",
        {
            "listing": listing,
            "campaign": listing.campaign,
            "buttons": BUTTONS[listing.status],
            "flag_labels": FLAG_LABELS,
            "statuses": list(PledgeStatus),
            "done": done if done in ACTIONS else "",
        },
    )


@router.post("/{slug}/moderation/{public_id}")
def decide(
    slug: str,
    public_id: str,
    user: Analyst,
    database: DatabaseDep,
    action: Annotated[str, Form()],
    reason: Annotated[str, Form(max_length=300)] = "",
    status: Annotated[str, Form()] = "pending",
) -> Response:
    moderate_pledge(
        database, slug=slug, public_id=public_id, action=action, actor=user.username, reason=reason
    )
    back = status if status in {s.value for s in PledgeStatus} else "pending"
    return RedirectResponse(f"/pledges/{slug}/moderation?status={back}&done={action}", 303)
