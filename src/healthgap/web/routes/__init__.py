"""One router per page family; :data:`ROUTERS` is what the app factory includes.

The routes open without a login are listed in :data:`healthgap.web.access.PUBLIC_ROUTES`.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from healthgap.web.routes import (
    account,
    admin,
    area,
    assess_all,
    auth,
    downloads,
    equity,
    explain,
    feedback,
    insight_notes,
    journey_edit,
    journeys,
    measures,
    mecc_admin,
    mecc_log,
    mecc_pages,
    mecc_sync,
    plan,
    plan_downloads,
    pledge_admin,
    pledge_analysis,
    pledge_links,
    pledge_moderation,
    pledge_public,
    pledge_share,
    practice,
    report,
    segments,
    stages,
    workspace,
)

__all__ = ["ROUTERS", "route_list"]

# Routes are matched in this order, one by one: the public pledge routes and the MECC sync
# endpoint come first because a campaign's launch day, or a thousand phones back online, send
# them hundreds of requests a second (matching the pledge form after the fifty routes of the
# workspace pages cost a tenth of its server time). No other router has paths under /pledge/
# or the path /mecc/sync, so the order changes no route's meaning.
ROUTERS: tuple[APIRouter, ...] = (
    mecc_sync.router,
    pledge_links.router,
    pledge_public.router,
    pledge_share.router,
    auth.router,
    area.router,
    explain.router,
    measures.router,
    plan.router,
    plan_downloads.router,
    segments.router,
    stages.router,
    equity.router,
    report.router,
    workspace.router,
    downloads.router,
    practice.router,
    admin.router,
    account.router,
    *assess_all.ASSESS_ROUTERS,
    mecc_log.router,
    mecc_admin.router,  # before mecc_pages: its downloads are more specific
    mecc_pages.router,
    journeys.router,
    journey_edit.router,
    feedback.router,
    insight_notes.router,
    pledge_admin.router,
    pledge_moderation.router,
    pledge_analysis.router,
)


def route_list() -> list[tuple[str, str]]:
    """(method, path) of every page route, for the role sweep in the tests."""
    return sorted(
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    )
