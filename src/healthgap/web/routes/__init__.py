"""One router per page family; :data:`ROUTERS` is what the app factory includes."""

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
    explain,
    measures,
    mecc_admin,
    mecc_log,
    mecc_pages,
    plan,
    plan_downloads,
    practice,
    workspace,
)

__all__ = ["ROUTERS", "route_list"]

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    area.router,
    explain.router,
    measures.router,
    plan.router,
    plan_downloads.router,
    workspace.router,
    downloads.router,
    practice.router,
    admin.router,
    account.router,
    *assess_all.ASSESS_ROUTERS,
    mecc_log.router,
    mecc_admin.router,  # before mecc_pages: its downloads are more specific
    mecc_pages.router,
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
