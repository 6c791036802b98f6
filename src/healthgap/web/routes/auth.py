"""Sign in, sign out, and accepting an invite (the only pages open without a login)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.errors import InputError
from healthgap.store import (
    accept_invite,
    authenticate,
    end_session,
    purge_expired_sessions,
    start_session,
)
from healthgap.web.deps import SESSION_KEY, LoginLimiter, database, render, settings
from healthgap.web.security import safe_next as _safe_next

router = APIRouter()


def _client(request: Request) -> str:
    # The TCP peer, or the address a configured proxy forwarded (uvicorn's proxy headers
    # are on only for the proxies named in ``forwarded_allow_ips``).
    return request.client.host if request.client else "unknown"


def sign_in(request: Request, user_id: int) -> None:
    """Start a server-side session for ``user_id`` in a fresh cookie (new CSRF token too),
    so a session planted before sign-in cannot be reused."""
    max_age = settings(request).session_max_age_seconds
    with database(request).unit_of_work() as session:
        purge_expired_sessions(session)
        token = start_session(session, user_id=user_id, max_age_seconds=max_age)
    request.session.clear()
    request.session[SESSION_KEY] = token


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:  # noqa: A002
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    limiter: LoginLimiter,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    client = _client(request)
    wait = limiter.retry_after(client, username)
    if wait:
        minutes = max(1, round(wait / 60))
        response = render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "error": "Too many failed attempts. Wait "
                f"{minutes} minute{'s' if minutes > 1 else ''} and try again.",
            },
            429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    with database(request).reader() as session:
        user = authenticate(session, username=username, password=password)
    if user is None:
        limiter.failed(client, username)
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": "The user name or password is not right."},
            401,
        )
    limiter.succeeded(username)
    sign_in(request, user.id)
    target = _safe_next(next)
    if user.role == "staff" and target == "/":
        target = "/mecc/log"  # the one page the staff role may use
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End this session on the server too: a copy of the cookie stops working at once."""
    token = request.session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        with database(request).unit_of_work() as session:
            end_session(session, token)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/invite/{token}")
def invite_page(request: Request, token: str) -> Response:
    return render(request, "invite.html", {"token": token})


@router.post("/invite/{token}")
def invite_accept(
    request: Request,
    token: str,
    password: Annotated[str, Form()],
    confirm: Annotated[str, Form()],
) -> Response:
    if password != confirm:
        return render(
            request,
            "invite.html",
            {"token": token, "error": "The two passwords are not the same."},
            400,
        )
    try:
        with database(request).unit_of_work() as session:
            user = accept_invite(session, token=token, password=password)
            user_id = user.id
    except InputError as exc:
        return render(request, "invite.html", {"token": token, "problems": exc.problems}, 400)
    sign_in(request, user_id)
    return RedirectResponse("/", status_code=303)
