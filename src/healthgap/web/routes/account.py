"""Your account: change your password (which ends your sessions everywhere else)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from healthgap.errors import InputError
from healthgap.store import change_password
from healthgap.web.deps import SESSION_KEY, Viewer, database, render

router = APIRouter(prefix="/account")


@router.get("")
def account_page(request: Request, _user: Viewer) -> Response:
    return render(request, "account.html", {})


@router.post("/password")
def new_password(
    request: Request,
    user: Viewer,
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    confirm: Annotated[str, Form()],
) -> Response:
    if new_password != confirm:
        error = "The two new passwords are not the same."
        return render(request, "account.html", {"error": error}, 400)
    try:
        with database(request).unit_of_work() as session:
            change_password(
                session,
                user_id=user.id,
                current_password=current_password,
                new_password=new_password,
                keep_session=request.session.get(SESSION_KEY),
            )
    except InputError as exc:
        return render(request, "account.html", {"problems": exc.problems}, 400)
    message = "Your password was changed. Every other session of yours has been signed out."
    return render(request, "account.html", {"message": message})
