"""Who may reach each route, read from the routes themselves.

Every route must either take a role dependency (``Viewer``, ``Analyst``, ``Admin`` of
:mod:`healthgap.web.deps`) or be listed in :data:`PUBLIC_ROUTES`, the one explicit list of
routes open without signing in. :func:`guard_every_route` refuses to build an app with a
route that is neither, so a new page cannot ship unprotected; the tests read the same rules
to send every route a request as every role and as an anonymous visitor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount

from healthgap.store import Role

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])

__all__ = [
    "PUBLIC_ROUTES",
    "RouteAccess",
    "checks_role_itself",
    "guard_every_route",
    "route_access",
]

#: Routes open to anyone, each for a reason: (method, path template); ``*`` is any method.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/health"),  # liveness check for monitors; tells nothing private
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),  # ends the caller's own session, if any
        ("GET", "/invite/{token}"),  # the one-time token is the credential
        ("POST", "/invite/{token}"),
        ("*", "/static"),  # stylesheets, scripts and fonts
        ("GET", "/favicon.ico"),  # browsers ask for it before anyone signs in
        ("GET", "/mecc/sw.js"),  # the MECC page's service worker: static code, no data
        # pledge campaigns: the public pages (docs/pledges.md); signed links carry their own token
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


def checks_role_itself(role: Role) -> Callable[[Endpoint], Endpoint]:
    """Mark an endpoint that checks ``role`` in its own body (a JSON route that answers 401
    and 403 in JSON instead of redirecting to the sign-in page), so the sweep and the guard
    know the role it needs."""

    def mark(endpoint: Endpoint) -> Endpoint:
        endpoint.required_role = role  # type: ignore[attr-defined]
        return endpoint

    return mark


STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RouteAccess:
    """One method of one route and who may use it (``role`` None: public)."""

    method: str
    path: str
    role: Role | None

    @property
    def public(self) -> bool:
        return self.role is None

    @property
    def changes_state(self) -> bool:
        return self.method in STATE_CHANGING


def _roles(dependencies: Iterable[object]) -> Iterator[Role]:
    for dependant in dependencies:
        role = getattr(dependant.call, "required_role", None)  # type: ignore[attr-defined]
        if role is not None:
            yield role
        yield from _roles(dependant.dependencies)  # type: ignore[attr-defined]


def _walk(
    routes: Iterable[BaseRoute], prefix: str = "", inherited: tuple[Role, ...] = ()
) -> Iterator[tuple[str, BaseRoute, tuple[Role, ...]]]:
    """Every route with the prefix and roles of the routers that include it (FastAPI keeps
    an included router as one entry of ``app.routes`` that holds the router's own)."""
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is None:
            yield prefix, route, inherited
            continue
        context = route.include_context  # type: ignore[attr-defined]
        calls = [getattr(d, "dependency", None) for d in context.dependencies]
        roles = tuple(r for c in calls if (r := getattr(c, "required_role", None)))
        yield from _walk(nested.routes, prefix + context.prefix, inherited + roles)


def route_access(app: FastAPI) -> list[RouteAccess]:
    """Every (method, route) of ``app`` with the role it needs (None: public), sorted.

    Raises ``RuntimeError`` naming any route that needs no role yet is not in
    :data:`PUBLIC_ROUTES`.
    """
    found, unguarded = [], []
    for prefix, route, inherited in _walk(app.routes):
        path = prefix + str(getattr(route, "path", "?"))
        if isinstance(route, Mount):
            if ("*", path) not in PUBLIC_ROUTES:
                unguarded.append(f"mount {path}")
            found.append(RouteAccess("GET", path, None))
            continue
        if not isinstance(route, APIRoute):
            unguarded.append(f"{type(route).__name__} {path}")
            continue
        own = getattr(route.endpoint, "required_role", None)
        roles = [*inherited, *_roles(route.dependant.dependencies), *([own] if own else [])]
        needed = max(roles, key=lambda r: r.rank) if roles else None
        for method in sorted(route.methods):
            if needed is None and (method, path) not in PUBLIC_ROUTES:
                unguarded.append(f"{method} {path}")
            found.append(RouteAccess(method, path, needed))
    if unguarded:
        raise RuntimeError(
            "routes without a role that are not in healthgap.web.access.PUBLIC_ROUTES: "
            + ", ".join(unguarded)
        )
    return sorted(found, key=lambda r: (r.path, r.method))


def guard_every_route(app: FastAPI) -> None:
    """Refuse to build an app with an unprotected route (see :func:`route_access`)."""
    route_access(app)
