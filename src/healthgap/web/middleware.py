"""Security headers on every response, one log line per request without personal data, and
the time by which a page request must answer (:data:`~healthgap.web.page_results.ANSWER_BY`).

A plain ASGI middleware (not Starlette's ``BaseHTTPMiddleware``, which wraps every request
in extra tasks and streams: about a millisecond a request that the public pledge page,
hundreds of requests a second on a launch day, cannot spare).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from healthgap.web.page_results import ANSWER_BY, PAGE_BUDGET_SECONDS

__all__ = ["SecurityHeadersAndLog"]

log = logging.getLogger("healthgap.web")


class SecurityHeadersAndLog:
    """Adds ``headers`` (:func:`healthgap.web.guards.security_headers`; unless a route set
    its own) and logs method, route
    template, status and time: no client address, no query string, no user name, and the
    route template instead of the path (a token in an address stays out of the log)."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = tuple(headers.items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        # A page (GET) answers within its budget, with "working out this page" if need be;
        # a form (POST) is answered when done (asking again would not repeat it).
        due = time.monotonic() + PAGE_BUDGET_SECONDS if scope["method"] in ("GET", "HEAD") else None
        answer_by = ANSWER_BY.set(due)

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            ANSWER_BY.reset(answer_by)
            route: Any = scope.get("route")
            log.info(
                "%s %s %d %.1fms",
                scope["method"],
                getattr(route, "path", scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
            )
