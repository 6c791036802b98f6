"""Sign in, sign out, and accepting an invite (the only pages open without a login)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.errors import InputError
from healthgap.store import accept_invite, authenticate, invite_is_open
from healthgap.web.deps import LoginLimiter, database, render
from healthgap.web.problem_words import PlainProblem, plain_problems

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only same-site paths, so the login form cannot be used as an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
    if limiter.blocked(client, username):
        return render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "error": "Too many failed attempts. Wait a few minutes and try again.",
            },
            429,
        )
    with database(request).reader() as session:
        user = authenticate(session, username=username, password=password)
    if user is None:
        limiter.record_failure(client, username)
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": "The user name or password is not right."},
            401,
        )
    limiter.reset(client, username)
    # A fresh session on sign-in (new CSRF token too), so a planted session cannot be reused.
    request.session.clear()
    request.session["user_id"] = user.id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/invite/{token}")
def invite_page(request: Request, token: str) -> Response:
    """The set-password form, or, for a used or unknown link, a note saying so (no form)."""
    with database(request).reader() as session:
        open_invite = invite_is_open(session, token=token)
    return render(request, "invite.html", {"token": token, "closed": not open_invite})


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
            {
                "token": token,
                "errors": [PlainProblem("The two passwords are not the same", "confirm")],
            },
            400,
        )
    try:
        with database(request).unit_of_work() as session:
            user = accept_invite(session, token=token, password=password)
            user_id = user.id
    except InputError as exc:
        closed = any(p.rule == "bad_invite" for p in exc.problems)
        context = {"token": token, "errors": plain_problems(exc.problems), "closed": closed}
        return render(request, "invite.html", context, 400)
    request.session.clear()
    request.session["user_id"] = user_id
    return RedirectResponse("/", status_code=303)
