"""CSRF tokens and the login rate limit.

CSRF: the synchroniser-token pattern. Each session holds a random token; every form that
changes state carries it in a hidden ``csrf_token`` field and every HTMX request sends it in
the ``X-CSRF-Token`` header (set once on ``<body hx-headers>``). :func:`check_csrf` runs as an
app-wide dependency, so no state-changing route can forget it. The session cookie is also
``SameSite=Lax``, which stops most cross-site posts on its own; the token covers the rest.

Login rate limit: failures are counted per (client address, username) in a sliding window held
in process memory; a single-process server is the deployment this targets.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator

from fastapi import HTTPException, Request

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "TOKEN_AUTHORISED_POSTS",
    "LoginRateLimiter",
    "check_csrf",
    "csrf_token",
]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: POST routes authorised by a signed token in their own address rather than a session: the
#: one-click unsubscribe that a mail program posts by itself, without cookies (RFC 8058).
TOKEN_AUTHORISED_POSTS = frozenset({"/pledge/unsubscribe/{token}"})


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def check_csrf(request: Request) -> AsyncIterator[None]:
    """Reject a state-changing request whose token is missing or wrong (403).

    A dependency with ``yield`` so that a form it parsed (with any uploaded files) is closed
    after the request, even when the route refuses it before reading the form.
    """
    form = None
    try:
        route = getattr(request.scope.get("route"), "path", None)
        if request.method not in SAFE_METHODS and route not in TOKEN_AUTHORISED_POSTS:
            expected = request.session.get(CSRF_FIELD)
            sent = request.headers.get(CSRF_HEADER)
            if sent is None:
                content_type = request.headers.get("content-type", "")
                if content_type.startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")
                ):
                    # Starlette caches the parsed form, so the route can still read it.
                    form = await request.form()
                    value = form.get(CSRF_FIELD)
                    sent = value if isinstance(value, str) else None
            if not expected or not sent or not hmac.compare_digest(expected, sent):
                raise HTTPException(status_code=403, detail="csrf")
        yield
    finally:
        if form is not None:
            await form.close()


class LoginRateLimiter:
    """Allow at most ``max_failures`` failed sign-ins per key within ``window_seconds``.

    >>> limiter = LoginRateLimiter(max_failures=2, window_seconds=60, clock=lambda: 0.0)
    >>> limiter.record_failure("1.2.3.4", "ann"); limiter.record_failure("1.2.3.4", "ann")
    >>> limiter.blocked("1.2.3.4", "ann"), limiter.blocked("1.2.3.4", "bob")
    (True, False)
    """

    def __init__(self, max_failures: int, window_seconds: float, clock=time.monotonic) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self._failures[key]
        horizon = self._clock() - self.window_seconds
        while times and times[0] <= horizon:
            times.popleft()
        return times

    def blocked(self, client: str, username: str) -> bool:
        with self._lock:
            return len(self._recent((client, username.lower()))) >= self.max_failures

    def record_failure(self, client: str, username: str) -> None:
        with self._lock:
            self._recent((client, username.lower())).append(self._clock())

    def reset(self, client: str, username: str) -> None:
        with self._lock:
            self._failures.pop((client, username.lower()), None)
