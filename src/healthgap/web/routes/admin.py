"""The admin page: invite users and set roles (admins only, checked on the server)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from healthgap.errors import InputError
from healthgap.store import Role, invite_user, list_users, set_role
from healthgap.web.deps import Admin, database, render
from healthgap.web.problem_words import plain_problems

router = APIRouter(prefix="/admin")


def _page(request: Request, status: int = 200, **extra: object) -> Response:
    with database(request).reader() as session:
        users = list_users(session)
    return render(request, "admin.html", {"users": users, "roles": list(Role), **extra}, status)


@router.get("/users")
def users_page(request: Request, _admin: Admin) -> Response:
    return _page(request)


@router.post("/users/invite")
def invite(
    request: Request,
    _admin: Admin,
    username: Annotated[str, Form()],
    role: Annotated[str, Form()],
) -> Response:
    try:
        with database(request).unit_of_work() as session:
            token = invite_user(session, username=username, role=role)
    except InputError as exc:
        fields = {"username": "invite-username", "role": "invite-role"}
        errors = plain_problems(exc.problems, fields=fields)
        return _page(request, 400, errors=errors, invite_username=username)
    link = str(request.url_for("invite_page", token=token))
    return _page(request, invite_link=link, invited=username)


@router.post("/users/{user_id}/role")
def change_role(
    request: Request,
    admin: Admin,
    user_id: int,
    role: Annotated[str, Form()],
) -> Response:
    if user_id == admin.id and role != Role.admin.value:
        # Stops the last admin locking everyone out of this page by accident.
        raise InputError("you cannot remove your own admin role", rule="self_demotion")
    with database(request).unit_of_work() as session:
        set_role(session, user_id=user_id, role=role)
    return _page(request, message="Role updated.")
