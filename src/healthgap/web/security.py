"""CSRF tokens, the login rate limit and the guard on redirect targets.

CSRF: the synchroniser-token pattern. Each session holds a random token; every form that
changes state carries it in a hidden ``csrf_token`` field and every HTMX request sends it in
the ``X-CSRF-Token`` header (set once on ``<body hx-headers>``). :func:`check_csrf` runs as an
app-wide dependency, so no state-changing route can forget it. The session cookie is also
``SameSite=Lax``, which stops most cross-site posts on its own; the token covers the rest.

Login rate limit (:class:`LoginThrottle`): failures are counted per account name and per client
address in the database's shared rate-limit counters, so the limit holds across server
processes and cannot be reset by rotating one of the two. The client address is the TCP peer
unless ``forwarded_allow_ips`` names the proxies whose ``X-Forwarded-For`` is believed (see
``healthgap serve``).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from healthgap.store import Database, RateLimit, hit, peek
from healthgap.store.rate_limits import reset

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "TOKEN_AUTHORISED_POSTS",
    "LoginThrottle",
    "check_csrf",
    "csrf_token",
    "safe_next",
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


def safe_next(target: str | None) -> str:
    r"""``target`` when it is a path on this site, otherwise ``/``: the ``next`` of the login
    form can never send a signed-in user to another site.

    Browsers read ``/\evil.example`` as ``//evil.example`` and drop tabs and newlines
    inside a URL, so anything holding a backslash or a control character is refused too.

    >>> safe_next("/area/E06000001?period=2022-24")
    '/area/E06000001?period=2022-24'
    >>> [safe_next(t) for t in ("//evil.example", "/\\evil.example", "/\t/evil.example",
    ...                         "https://evil.example", "javascript:alert(1)", None)]
    ['/', '/', '/', '/', '/', '/']
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


class LoginThrottle:
    """Failed sign-ins counted in the database (:mod:`healthgap.store.rate_limits`), so every
    server process sees the same counts: at most ``per_account.limit`` failures per account
    name and ``per_address.limit`` per client address in a sliding window.

    The account limit stops guessing one password from many addresses (or behind a spoofed
    ``X-Forwarded-For``); the address limit stops one client trying many accounts. A
    success clears its account's count only: a client cannot wipe its address's failures by
    signing in to an account of its own.
    """

    def __init__(self, database: Database, per_account: RateLimit, per_address: RateLimit):
        self.database = database
        self.per_account = per_account
        self.per_address = per_address

    @staticmethod
    def _account(username: str) -> str:
        return username.strip().lower()

    def retry_after(self, address: str, username: str) -> int:
        """0 when a sign-in may be tried now, otherwise the seconds to wait."""
        with self.database.reader() as session:
            decisions = [
                peek(session, self.per_address, address),
                peek(session, self.per_account, self._account(username)),
            ]
        return max((max(d.retry_after_seconds, 1) for d in decisions if not d.allowed), default=0)

    def failed(self, address: str, username: str) -> None:
        with self.database.unit_of_work() as session:
            hit(session, self.per_address, address)
            hit(session, self.per_account, self._account(username))

    def succeeded(self, username: str) -> None:
        with self.database.unit_of_work() as session:
            reset(session, self.per_account, self._account(username))
