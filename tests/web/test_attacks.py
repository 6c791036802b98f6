"""Attacks on every route, generated from the app's routes (issue 10): CSRF on every
state-changing route, security headers on every answer, open redirects through every
``next``-style parameter, path traversal through every download route, and SQL injection
strings in every field that reaches the database."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from route_samples import SAMPLES, all_routes, placeholders, sample_url
from sqlalchemy import func, select
from web_helpers import PASSWORD, add_user, csrf_from, login

from conftest import make_settings
from healthgap.store import SavedScenario, User
from healthgap.web import create_app
from healthgap.web.security import TOKEN_AUTHORISED_POSTS

ROUTES = all_routes()
#: POSTs authorised by a signed token in their own address (a mail program's one-click
#: unsubscribe has no session), tested by the pledge tests; every other one needs the token.
STATE_CHANGING = [r for r in ROUTES if r.changes_state and r.path not in TOKEN_AUTHORISED_POSTS]
DOWNLOADS = [r for r in ROUTES if r.method == "GET" and re.search(r"\.\{(fmt|image)\}$", r.path)]
SECRET_FILE_TEXT = "the-secret-sentinel-of-this-test"
EVIL = "evil.example"


def _ids(routes) -> list[str]:  # noqa: ANN001
    return [f"{r.method} {r.path}" for r in routes]


@pytest.fixture(scope="module")
def app(tmp_path_factory, demo_workspace, migrated_database_file):  # noqa: ANN001, ANN201
    folder = tmp_path_factory.mktemp("attacks")
    settings = make_settings(folder, demo_workspace, migrated_database_file)
    (settings.data_dir / "secret_key").write_text(SECRET_FILE_TEXT)  # must never be served
    application = create_app(settings)
    with TestClient(application, base_url="http://testserver"):
        for role in ("viewer", "analyst", "admin"):
            add_user(application.state.database, role)
        yield application
    application.state.database.dispose()


@pytest.fixture
def client(app) -> TestClient:  # noqa: ANN001
    return TestClient(app, base_url="http://testserver")


@pytest.fixture
def admin(app) -> TestClient:  # noqa: ANN001
    return login(TestClient(app, base_url="http://testserver"), "admin")


# --- CSRF -------------------------------------------------------------------------------


@pytest.mark.parametrize("route", STATE_CHANGING, ids=_ids(STATE_CHANGING))
@pytest.mark.parametrize("token", ["missing", "forged", "another session's"])
def test_every_state_changing_route_needs_the_sessions_token(
    app, admin: TestClient, demo_la: str, route, token: str
) -> None:  # noqa: ANN001
    csrf_from(admin.get("/plan").text)  # the session has a token of its own
    sent = {
        "missing": {},
        "forged": {"csrf_token": "forged"},
        "another session's": {"csrf_token": csrf_from(TestClient(app).get("/login").text)},
    }[token]
    form = {"username": "admin", "password": PASSWORD, "name": "x", **sent}
    response = admin.request(
        route.method, sample_url(route, demo_la), data=form, follow_redirects=False
    )
    assert response.status_code == 403, response.text[:300]
    assert "did not come from this site" in response.text
    assert admin.get("/plan", follow_redirects=False).status_code == 200  # still signed in


def test_only_the_one_click_unsubscribe_goes_without_the_sessions_token() -> None:
    assert {"/pledge/unsubscribe/{token}"} == TOKEN_AUTHORISED_POSTS


def test_the_csrf_header_is_refused_when_wrong(admin: TestClient) -> None:
    response = admin.post("/plan/preview", headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 403


# --- security headers -----------------------------------------------------------------

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize("route", ROUTES, ids=_ids(ROUTES))
def test_every_answer_carries_the_security_headers(admin: TestClient, demo_la: str, route) -> None:  # noqa: ANN001
    if route.method == "GET":
        response = admin.get(sample_url(route, demo_la), follow_redirects=False)
    else:
        response = admin.request(route.method, sample_url(route, demo_la), follow_redirects=False)
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_error_pages_carry_the_security_headers(app, admin: TestClient, monkeypatch) -> None:  # noqa: ANN001
    assert admin.get("/no/such/page").headers["x-frame-options"] == "DENY"

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("an internal mistake")

    monkeypatch.setattr("healthgap.web.routes.area.profile_area", broken)
    monkeypatch.setattr("healthgap.web.routes.area.cached_profile", broken)
    bug = login(TestClient(app, raise_server_exceptions=False), "viewer").get("/area/E1")
    assert bug.status_code in (404, 500)
    assert bug.headers["x-frame-options"] == "DENY"


# --- open redirects -------------------------------------------------------------------

REDIRECTS = [
    f"//{EVIL}",
    f"///{EVIL}",
    f"/\\{EVIL}",
    f"\\\\{EVIL}",
    f"/\t/{EVIL}",
    f"/\n/{EVIL}",
    f"https://{EVIL}",
    f"http:{EVIL}",
    f" //{EVIL}",
    "javascript:alert(1)",
    f"/%2F{EVIL}",
    f"https:/\\{EVIL}",
]


def _stays_on_site(location: str) -> bool:
    """Where a browser would go: backslashes read as slashes, tabs and newlines dropped."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").strip()
    target = urlsplit(urljoin("http://testserver/login", cleaned))
    return target.scheme == "http" and target.netloc == "testserver"


def _next_parameters() -> list[tuple[str, str, str]]:
    """(method, path, parameter) of every route parameter named like a redirect target."""
    names = {"next", "return_to", "redirect", "url", "to", "area"}
    return [
        (route.method, route.path, name)
        for route in ROUTES
        for name in _parameter_names(route)
        if name in names
    ]


def _parameter_names(route) -> list[str]:  # noqa: ANN001
    from healthgap.web.routes import ROUTERS

    for router in ROUTERS:
        for candidate in router.routes:
            if getattr(candidate, "path", None) == route.path and route.method in getattr(
                candidate, "methods", ()
            ):
                dependant = candidate.dependant
                params = [*dependant.query_params, *dependant.body_params]
                return [p.alias for p in params]
    return []


NEXT_PARAMETERS = _next_parameters()


def test_the_redirect_parameters_are_found() -> None:
    assert ("GET", "/login", "next") in NEXT_PARAMETERS
    assert ("POST", "/login", "next") in NEXT_PARAMETERS
    assert ("GET", "/", "area") in NEXT_PARAMETERS


@pytest.mark.parametrize("target", REDIRECTS)
@pytest.mark.parametrize(("method", "path", "name"), NEXT_PARAMETERS)
def test_no_redirect_parameter_leaves_the_site(
    app, method: str, path: str, name: str, target: str
) -> None:  # noqa: ANN001
    browser = TestClient(app, base_url="http://testserver")
    if method == "POST":  # signing in with a hostile next
        token = csrf_from(browser.get("/login").text)
        form = {"username": "viewer", "password": PASSWORD, "csrf_token": token, name: target}
        response = browser.post(path, data=form, follow_redirects=False)
        assert response.status_code == 303
        assert _stays_on_site(response.headers["location"]), response.headers["location"]
        return
    signed_in = login(browser, "viewer") if path != "/login" else browser
    response = signed_in.get(f"{path}?{name}={quote(target)}", follow_redirects=False)
    assert response.status_code < 500
    if "location" in response.headers:
        assert _stays_on_site(response.headers["location"]), response.headers["location"]
    for value in re.findall(r'name="next" value="([^"]*)"', response.text):
        assert _stays_on_site(value.replace("&amp;", "&")), value


def test_a_sign_in_goes_back_to_the_page_asked_for(app) -> None:  # noqa: ANN001
    browser = TestClient(app, base_url="http://testserver")
    first = browser.get("/plan", follow_redirects=False)
    assert first.headers["location"] == "/login?next=/plan"
    token = csrf_from(browser.get("/login?next=/plan").text)
    form = {"username": "viewer", "password": PASSWORD, "csrf_token": token, "next": "/plan"}
    assert browser.post("/login", data=form, follow_redirects=False).headers["location"] == "/plan"


# --- path traversal -------------------------------------------------------------------

TRAVERSALS = [
    "../../../../../../etc/passwd",
    "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fsecret_key",
    "....//....//secret_key",
    "/etc/passwd",
    "..\\..\\..\\secret_key",
    "secret_key%00.csv",
]


def _leaks(text: str) -> bool:
    return SECRET_FILE_TEXT in text or "root:x:0:0" in text


@pytest.mark.parametrize("route", DOWNLOADS, ids=_ids(DOWNLOADS))
def test_download_routes_serve_no_file_outside_their_results(
    admin: TestClient, demo_la: str, route
) -> None:  # noqa: ANN001
    names = ["area_code", *[p for p in placeholders(route.path) if p != "area_code"]]
    for name in [n for n in names if n in placeholders(route.path)]:
        for payload in TRAVERSALS:
            url = sample_url(route, demo_la, {name: payload})
            response = admin.get(url, follow_redirects=False)
            assert response.status_code in (400, 404, 405), (url, response.status_code)
            assert not _leaks(response.text)
    for query in ("rule", "period", "level", "sex"):
        url = sample_url(route, demo_la) + ("&" if "?" in sample_url(route, demo_la) else "?")
        response = admin.get(url + f"{query}={quote(TRAVERSALS[0])}", follow_redirects=False)
        assert response.status_code < 500 and not _leaks(response.text)


@pytest.mark.parametrize("payload", TRAVERSALS + ["..", "../healthgap.db", "%2e%2e/%2e%2e/"])
def test_static_files_stay_in_their_folder(client: TestClient, payload: str) -> None:
    response = client.get(f"/static/{payload}", follow_redirects=False)
    # "/static/.." is "/" once the client resolves it: the sign-in page, not a file.
    redirected = response.headers.get("location", "").startswith("/login")
    assert response.status_code in (400, 404, 405) or redirected, response.status_code
    assert not _leaks(response.text) and "SQLite format" not in response.text


# --- SQL injection --------------------------------------------------------------------

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "admin'--",
    "1; SELECT pg_sleep(5)--",
    "%' UNION SELECT username, password_hash FROM users --",
    "Robert'); DROP TABLE scenarios;--",
]
FORM_PAGES = ("/", "/plan", "/admin/users", "/account", "/data")


@pytest.fixture(scope="module")
def form_fields(app) -> set[str]:  # noqa: ANN001
    """Every field name of every form the pages show, and every declared form parameter."""
    admin = login(TestClient(app, base_url="http://testserver"), "admin")
    fields = set()
    for page in FORM_PAGES:
        fields |= set(re.findall(r'name="([^"]+)"', admin.get(page).text))
    from healthgap.web.routes import ROUTERS

    for router in ROUTERS:
        for route in router.routes:
            fields |= {p.alias for p in route.dependant.body_params}
    return fields - {"csrf_token", "files"}


def _table_counts(app) -> tuple[int, int]:  # noqa: ANN001
    with app.state.database.reader() as session:
        users = session.scalar(select(func.count()).select_from(User))
        scenarios = session.scalar(select(func.count()).select_from(SavedScenario))
    return users, scenarios


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_strings_in_every_field_reach_the_database_as_text(
    app, admin: TestClient, demo_la: str, form_fields: set[str], payload: str
) -> None:  # noqa: ANN001
    assert {"username", "name", "area_code", "password", "role"} <= form_fields
    users_before, _ = _table_counts(app)
    token = csrf_from(admin.get("/plan").text)
    for route in STATE_CHANGING:
        if route.path == "/logout":
            continue
        form = dict.fromkeys(form_fields, payload) | {"csrf_token": token}
        url = sample_url(route, demo_la, {p: quote(payload, safe="") for p in SAMPLES})
        response = admin.request(route.method, url, data=form, follow_redirects=False)
        assert response.status_code < 500, (route.path, response.text[:300])
    for route in [r for r in ROUTES if r.method == "GET" and not r.path.startswith("/static")]:
        url = sample_url(route, quote(payload, safe=""))
        joiner = "&" if "?" in url else "?"
        response = admin.get(url + f"{joiner}q={quote(payload)}&period={quote(payload)}")
        assert response.status_code < 500, (route.path, response.text[:300])
    users_after, _ = _table_counts(app)
    assert users_after == users_before  # nothing invented, nothing dropped
    intruder = TestClient(app, base_url="http://testserver")
    form = {
        "username": payload,
        "password": payload,
        "csrf_token": csrf_from(intruder.get("/login").text),
    }
    assert intruder.post("/login", data=form).status_code in (401, 429)


def test_a_scenario_name_full_of_sql_is_stored_as_written(app, demo_la: str) -> None:  # noqa: ANN001
    analyst = login(TestClient(app, base_url="http://testserver"), "analyst")
    name = INJECTIONS[-1]
    form = {
        "csrf_token": csrf_from(analyst.get("/plan").text),
        "name": name,
        "area_code": demo_la,
        "statins__volume": "100",
        "horizon": "5",
    }
    saved = analyst.post("/plan/scenarios", data=form, follow_redirects=False)
    assert saved.status_code == 303
    with app.state.database.reader() as session:
        assert session.scalar(select(SavedScenario.name).where(SavedScenario.name == name)) == name
