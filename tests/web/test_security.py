"""CSRF rejection, escaping of hostile input, login rate limit, invites and sessions."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_helpers import PASSWORD, add_user, csrf_from, login

from healthgap.store import list_users

HOSTILE = '<script>alert("x")</script>'


def test_post_without_csrf_token_is_refused(client_as) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    response = analyst.post("/plan/scenarios", data={"name": "no token"}, follow_redirects=False)
    assert response.status_code == 403
    assert "did not come from this site" in response.text


def test_post_with_wrong_csrf_token_is_refused(client_as) -> None:  # noqa: ANN001
    admin = client_as("admin")
    response = admin.post(
        "/admin/users/invite", data={"username": "eve", "role": "admin", "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert "eve" not in admin.get("/admin/users").text


def test_htmx_header_token_is_accepted(client_as) -> None:  # noqa: ANN001
    admin = client_as("admin")
    token = csrf_from(admin.get("/admin/users").text)
    response = admin.post(
        "/admin/users/invite",
        data={"username": "newbie", "role": "viewer"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200
    assert "newbie" in response.text


def test_login_form_itself_needs_the_token(client: TestClient, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 403


def test_script_tag_in_scenario_name_renders_as_text(client_as, demo_la: str) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    token = csrf_from(analyst.get("/plan").text)
    saved = analyst.post(
        "/plan/scenarios",
        data={
            "csrf_token": token,
            "name": HOSTILE,
            "area_code": demo_la,
            "statins__volume": "100",
            "statins__target": "q1",
            "horizon": "5",
        },
    )
    assert saved.status_code == 200
    assert HOSTILE not in saved.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in saved.text
    assert HOSTILE not in analyst.get("/plan").text


def test_every_problem_in_a_plan_form_is_reported(client_as) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    token = csrf_from(analyst.get("/plan").text)
    response = analyst.post(
        "/plan/scenarios",
        data={
            "csrf_token": token,
            "name": "bad",
            "statins__volume": "-3",
            "horizon": "99",
            "flu_vaccination__target": "everyone",
        },
    )
    assert response.status_code == 400
    for words in (
        "Statins for primary prevention (no diagnosed CVD): enter a number from 0 to 1,000,000,000",
        "Enter a horizon of 1 to 25 years",
        "target group: choose a target group from the list",
    ):
        assert words in response.text
    for rule in ("not_a_volume", "bad_horizon", "unknown_target"):
        assert rule not in response.text


def test_login_is_rate_limited_per_address_and_name(client: TestClient, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    token = csrf_from(client.get("/login").text)
    for _ in range(5):
        wrong = client.post(
            "/login",
            data={"username": "viewer", "password": "wrong password!", "csrf_token": token},
        )
        assert wrong.status_code == 401
    blocked = client.post(
        "/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text


def test_session_cookie_is_signed_httponly_and_samesite(client: TestClient, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    tampered = TestClient(client.app)
    tampered.cookies.set("healthgap_session", "eyJ1c2VyX2lkIjogMX0=.forged.sig")
    assert tampered.get("/", follow_redirects=False).status_code == 303


def test_invite_then_set_password_then_sign_in(client_as, app) -> None:  # noqa: ANN001
    admin = client_as("admin")
    token = csrf_from(admin.get("/admin/users").text)
    page = admin.post(
        "/admin/users/invite", data={"username": "newcomer", "role": "analyst", "csrf_token": token}
    )
    link = page.text.split('data-testid="invite-link">')[1].split("<")[0]
    invite_path = link.replace("http://testserver", "")
    invited = TestClient(app, base_url="http://testserver")
    form_token = csrf_from(invited.get(invite_path).text)
    done = invited.post(
        invite_path,
        data={
            "password": "a long new password",
            "confirm": "a long new password",
            "csrf_token": form_token,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert invited.get("/plan").status_code == 200
    reused = TestClient(app).post(
        invite_path, data={"password": "x" * 20, "confirm": "x" * 20, "csrf_token": form_token}
    )
    assert reused.status_code in (400, 403)
    fresh = login(TestClient(app, base_url="http://testserver"), "newcomer", "a long new password")
    assert fresh.get("/").status_code == 200


def test_admin_sets_a_role(client_as, database) -> None:  # noqa: ANN001
    admin = client_as("admin")
    viewer_id = add_user(database, "viewer", "someone")
    token = csrf_from(admin.get("/admin/users").text)
    response = admin.post(
        f"/admin/users/{viewer_id}/role", data={"role": "analyst", "csrf_token": token}
    )
    assert response.status_code == 200
    with database.reader() as session:
        roles = {u.username: u.role for u in list_users(session)}
    assert roles["someone"] == "analyst"


def test_logs_hold_no_address_name_or_token(client: TestClient, database, caplog) -> None:  # noqa: ANN001
    add_user(database, "viewer", "ann.smith")
    with caplog.at_level("INFO", logger="healthgap.web"):
        token = csrf_from(client.get("/login").text)
        client.post(
            "/login",
            data={"username": "ann.smith", "password": "wrong password!", "csrf_token": token},
        )
        client.get("/invite/secret-token-123")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /login 401" in text
    assert "GET /invite/{token} 200" in text
    for private in ("ann.smith", "secret-token-123", "testclient", "127.0.0.1"):
        assert private not in text
