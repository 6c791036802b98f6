"""Each pledge's own share page and share image, outside the login.

The page carries Open Graph and Twitter-card metadata (absolute addresses, from the public
address setting), so a shared link shows the pledge's card on social media. Only published
pledges have a public page and image; a pledge waiting for a moderator is shown to its
author alone (by their session), without a card.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from healthgap.analyses.pledges import (
    SHARE_CHANNELS,
    PledgeStatus,
    count_visit,
    pledge_image,
    shared_pledge,
)
from healthgap.web.deps import DatabaseDep, PledgeSettings, render
from healthgap.web.routes.pledge_public import MY_PLEDGES, campaign_or_404

router = APIRouter(prefix="/pledge")


@router.get("/{slug}/p/{public_id}")
def share_page(
    request: Request,
    slug: str,
    public_id: str,
    database: DatabaseDep,
    config: PledgeSettings,
    via: str = "",
) -> Response:
    campaign = campaign_or_404(database, slug)
    view = shared_pledge(database, slug, public_id)
    mine = public_id in request.session.get(MY_PLEDGES, [])
    if view is None or (view.status is not PledgeStatus.published and not mine):
        raise HTTPException(status_code=404)
    if via:
        count_visit(database, slug, kind="click_through", channel=via)
    base = config.base_url(str(request.base_url))
    who = view.display_name or "Someone"
    return render(
        request,
        "pledge_share.html",
        {
            "campaign": campaign,
            "view": view,
            "mine": mine,
            "published": view.status is PledgeStatus.published,
            "share_url": f"{base}/pledge/{slug}/p/{public_id}",
            "image_url": f"{base}/pledge/{slug}/p/{public_id}/image.png",
            "campaign_url": f"{base}/pledge/{slug}",
            "og_title": f"{who} pledged: {view.text}"[:200],
            "og_description": campaign.summary or f"Make your own pledge: {campaign.title}",
            "image_alt": f"{who} pledged to {view.text}"[:400],
            "channels": SHARE_CHANNELS,
        },
    )


@router.get("/{slug}/p/{public_id}/image.png")
def share_image(slug: str, public_id: str, database: DatabaseDep) -> Response:
    campaign = campaign_or_404(database, slug)
    view = shared_pledge(database, slug, public_id)
    image = pledge_image(campaign, view) if view is not None else None
    if image is None:
        raise HTTPException(status_code=404)
    # Short caching: a pledge hidden by a moderator or deleted stops showing within minutes.
    return Response(image, media_type="image/png", headers={"Cache-Control": "public, max-age=300"})
