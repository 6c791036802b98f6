"""One router per page family; :data:`ROUTERS` is what the app factory includes.

:data:`PUBLIC_ROUTES` is the one list of routes open without a login; every other route
needs one (the route x role test reads this list).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from healthgap.web.routes import (
    admin,
    area,
    auth,
    downloads,
    explain,
    measures,
    plan,
    plan_downloads,
    pledge_admin,
    pledge_analysis,
    pledge_links,
    pledge_moderation,
    pledge_public,
    pledge_share,
    workspace,
)

__all__ = ["PUBLIC_ROUTES", "ROUTERS", "route_list"]

# Routes are matched in this order, one by one: the public pledge routes come first because a
# campaign's launch day sends them hundreds of requests a second (matching the pledge form
# after the fifty routes of the workspace pages cost a tenth of its server time). No other
# router has paths under /pledge/, so the order changes no route's meaning.
ROUTERS: tuple[APIRouter, ...] = (
    pledge_links.router,
    pledge_public.router,
    pledge_share.router,
    auth.router,
    area.router,
    explain.router,
    measures.router,
    plan.router,
    plan_downloads.router,
    workspace.router,
    downloads.router,
    admin.router,
    # The signed-link pages first: /pledge/checkin/{token} before /pledge/{slug}/...
    pledge_links.router,
    pledge_public.router,
    pledge_share.router,
    pledge_admin.router,
    pledge_moderation.router,
    pledge_analysis.router,
)

#: (method, path) of every route open without a login.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("GET", "/invite/{token}"),
        ("POST", "/invite/{token}"),
        # pledge campaigns: the public pages (docs/pledges.md)
        ("GET", "/pledge/{slug}"),
        ("POST", "/pledge/{slug}"),
        ("GET", "/pledge/{slug}/thanks/{public_id}"),
        ("GET", "/pledge/{slug}/count"),
        ("GET", "/pledge/{slug}/wall"),
        ("GET", "/pledge/{slug}/privacy"),
        ("GET", "/pledge/{slug}/image.png"),
        ("GET", "/pledge/{slug}/share/{channel}"),
        ("GET", "/pledge/{slug}/p/{public_id}"),
        ("GET", "/pledge/{slug}/p/{public_id}/image.png"),
        ("GET", "/pledge/checkin/{token}"),
        ("POST", "/pledge/checkin/{token}"),
        ("GET", "/pledge/unsubscribe/{token}"),
        ("POST", "/pledge/unsubscribe/{token}"),
        ("GET", "/pledge/delete/{token}"),
        ("POST", "/pledge/delete/{token}"),
    }
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
