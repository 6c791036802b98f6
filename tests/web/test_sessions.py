"""Sessions live on the server (issue 10, item 9): signing out ends the session, so a cookie
copied before is refused; a new password or role ends the user's other sessions; every
server process sees the same sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from web_helpers import PASSWORD, add_user, csrf_from, login

from healthgap.store import UserSession
from healthgap.web import create_app

COOKIE = "healthgap_session"


def _fresh(app) -> TestClient:  # noqa: ANN001
    return TestClient(app, base_url="http://testserver")


def _with_cookie(app, value: str) -> TestClient:  # noqa: ANN001
    copy = _fresh(app)
    copy.cookies.set(COOKIE, value)
    return copy


def _is_signed_in(client: TestClient) -> bool:
    response = client.get("/plan", follow_redirects=False)
    assert response.status_code in (200, 303), response.status_code
    return response.status_code == 200


def test_a_cookie_copied_before_sign_out_no_longer_works(app, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    browser = login(_fresh(app), "viewer")
    copied = browser.cookies[COOKIE]
    assert _is_signed_in(_with_cookie(app, copied))
    token = csrf_from(browser.get("/plan").text)
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 200
    assert not _is_signed_in(_with_cookie(app, copied))
    assert not _is_signed_in(browser)


def test_signing_out_ends_only_that_session(app, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    laptop, phone = login(_fresh(app), "viewer"), login(_fresh(app), "viewer")
    laptop.post("/logout", data={"csrf_token": csrf_from(laptop.get("/plan").text)})
    assert not _is_signed_in(laptop)
    assert _is_signed_in(phone)


def test_a_new_role_ends_the_users_sessions(app, database, client_as) -> None:  # noqa: ANN001
    user_id = add_user(database, "analyst", "ann")
    ann = login(_fresh(app), "ann")
    copied = ann.cookies[COOKIE]
    admin = client_as("admin")
    token = csrf_from(admin.get("/admin/users").text)
    changed = admin.post(
        f"/admin/users/{user_id}/role", data={"role": "viewer", "csrf_token": token}
    )
    assert changed.status_code == 200
    assert not _is_signed_in(_with_cookie(app, copied))
    assert _is_signed_in(admin)  # the admin's own session is untouched
    again = login(_fresh(app), "ann")
    assert again.get("/plan").status_code == 200
    saving = again.post("/plan/scenarios", data={"csrf_token": csrf_from(again.get("/plan").text)})
    assert saving.status_code == 403  # the new, lower role holds at once


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, database) -> None:  # noqa: ANN001
    add_user(database, "viewer", "bob")
    here, elsewhere = login(_fresh(app), "bob"), login(_fresh(app), "bob")
    token = csrf_from(here.get("/account").text)
    new = "a brand new passphrase"
    changed = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm": new,
            "csrf_token": token,
        },
    )
    assert changed.status_code == 200, changed.text
    assert "Every other session" in changed.text
    assert _is_signed_in(here)
    assert not _is_signed_in(elsewhere)
    login(_fresh(app), "bob", new)
    wrong = here.post(
        "/account/password",
        data={"current_password": "not it at all", "new_password": new * 2, "confirm": new * 2,
              "csrf_token": token},
    )  # fmt: skip
    assert wrong.status_code == 400
    assert "wrong_password" in wrong.text


def test_an_expired_session_is_refused(app, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    browser = login(_fresh(app), "viewer")
    with database.unit_of_work() as session:
        session.execute(
            update(UserSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert not _is_signed_in(browser)


def test_the_database_holds_only_digests_of_session_tokens(app, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    browser = login(_fresh(app), "viewer")
    with database.reader() as session:
        stored = session.scalars(select(UserSession.token_hash)).all()
    assert len(stored) == 1 and len(stored[0]) == 64
    assert stored[0] not in browser.cookies[COOKIE]


def test_a_second_server_process_sees_the_same_sessions(app, database, settings) -> None:  # noqa: ANN001
    """Two apps over one database (as two worker processes would be): a session started on
    one is valid on the other, and signing out on one ends it on both."""
    add_user(database, "viewer")
    other_app = create_app(settings)
    try:
        with TestClient(other_app, base_url="http://testserver") as other:
            first = login(_fresh(app), "viewer")
            other.cookies.set(COOKIE, first.cookies[COOKIE])
            assert _is_signed_in(other)
            first.post("/logout", data={"csrf_token": csrf_from(first.get("/plan").text)})
            assert not _is_signed_in(other)
    finally:
        other_app.state.database.dispose()


def test_session_cookie_flags(app, database, settings) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    client = _fresh(app)
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie.replace("samesite", "")
    secure_app = create_app(settings.model_copy(update={"cookie_secure": True}))
    try:
        with TestClient(secure_app, base_url="https://testserver") as secure:
            token = csrf_from(secure.get("/login").text)
            signed = secure.post(
                "/login",
                data={"username": "viewer", "password": PASSWORD, "csrf_token": token},
                follow_redirects=False,
            )
            assert "; secure" in signed.headers["set-cookie"].lower()
            assert "max-age=31536000" in signed.headers["strict-transport-security"]
    finally:
        secure_app.state.database.dispose()
