"""Request dependencies: the database, the signed-in user and role checks.

Route signatures read as prose: ``user: Annotated[User, Depends(require(Role.analyst))]``.
A request without a signed-in user gets :class:`LoginRequiredError`, which the app turns into a
redirect to the login page (or an ``HX-Redirect`` for HTMX requests); a user whose role is too
low gets 403. Both are decided here, on the server, whatever the page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from healthgap.errors import PermissionDenied
from healthgap.store import Database, Role, User
from healthgap.web.security import csrf_token

__all__ = ["LoginRequiredError", "current_user", "database", "render", "require"]


class LoginRequiredError(Exception):
    """The request needs a signed-in user and has none."""


def database(request: Request) -> Database:
    return request.app.state.database


def current_user(request: Request) -> User:
    """The signed-in, active user; raises :class:`LoginRequiredError` otherwise."""
    user_id = request.session.get("user_id")
    if user_id is None:
        raise LoginRequiredError
    with database(request).reader() as session:
        user = session.get(User, user_id)
    if user is None or not user.active or user.password_hash is None:
        request.session.pop("user_id", None)
        raise LoginRequiredError
    request.state.user = user
    return user


def require(role: Role) -> Callable[[Request], User]:
    """Dependency factory: the signed-in user, who must hold at least ``role``."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if not Role(user.role).allows(role):
            raise PermissionDenied(f"this page needs the {role.value} role")
        return user

    dependency.__name__ = f"require_{role.value}"
    return dependency


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    """Render a template with the values every page needs (user, CSRF token, nav)."""
    templates: Jinja2Templates = request.app.state.templates
    base = {
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "workspace": request.app.state.workspaces.summary(),
    }
    return templates.TemplateResponse(request, template, {**base, **(context or {})}, status)
