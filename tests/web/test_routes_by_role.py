"""Every route × every role, and anonymous: the designed answer (issue 10). The routes come
from the app itself (:func:`healthgap.web.access.route_access`), so a route added later is
swept as soon as it exists; the only routes open without signing in are those declared in
:data:`healthgap.web.access.PUBLIC_ROUTES`, and the app refuses to start with any other
route that takes no role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from route_samples import RANK, ROLES, all_routes, sample_url
from web_helpers import add_user, csrf_from, login

from conftest import make_settings
from healthgap.analyses.pledges import create_campaign, example_campaign
from healthgap.web import create_app
from healthgap.web.access import PUBLIC_ROUTES, RouteAccess, route_access
from healthgap.web.deps import Viewer

ROUTES = all_routes()


@pytest.fixture(scope="module")
def app(tmp_path_factory, demo_workspace, migrated_database_file):  # noqa: ANN001, ANN201
    """One app for the whole sweep (its requests change nothing that matters to the next):
    each test still signs in afresh."""
    settings = make_settings(
        tmp_path_factory.mktemp("sweep"), demo_workspace, migrated_database_file
    )
    application = create_app(settings)
    with TestClient(application, base_url="http://testserver"):
        for role in ("staff", "viewer", "analyst", "admin"):
            add_user(application.state.database, role)
        today = date.today()
        create_campaign(
            application.state.database,
            example_campaign(
                slug="sweep-campaign",
                starts_on=str(today - timedelta(days=1)),
                ends_on=str(today + timedelta(days=9)),
            ),
        )
        yield application
    application.state.database.dispose()


@pytest.fixture
def client(app) -> TestClient:  # noqa: ANN001
    return TestClient(app, base_url="http://testserver")


@pytest.fixture
def client_as(app):  # noqa: ANN001, ANN201
    return lambda role: login(TestClient(app, base_url="http://testserver"), role)


#: Roles the design gives some routes (everything else signed in needs viewer); a check of
#: the roles the routes declare, not a list of routes: routes missing here are swept anyway.
DESIGNED = {
    ("POST", "/plan/scenarios"): "analyst",
    ("POST", "/plan/uncertainty"): "analyst",
    ("POST", "/plan/sensitivity"): "analyst",
    ("POST", "/data/upload"): "analyst",
    ("GET", "/assess/new"): "analyst",
    ("POST", "/assess/new"): "analyst",
    ("POST", "/assess/{assessment_id}/participants"): "analyst",
    ("POST", "/assess/{assessment_id}/plan"): "analyst",
    ("POST", "/assess/{assessment_id}/consensus/open"): "analyst",
    ("POST", "/assess/{assessment_id}/consensus/{item_id}"): "analyst",
    ("POST", "/assess/{assessment_id}/close"): "analyst",
    ("POST", "/assess/{assessment_id}/actions"): "analyst",
    ("POST", "/assess/{assessment_id}/actions/{action_id}/status"): "analyst",
    ("GET", "/pledges/new"): "analyst",
    ("POST", "/pledges/new"): "analyst",
    ("GET", "/pledges/{slug}/edit"): "analyst",
    ("POST", "/pledges/{slug}/edit"): "analyst",
    ("GET", "/pledges/{slug}/moderation"): "analyst",
    ("POST", "/pledges/{slug}/moderation/{public_id}"): "analyst",
    ("GET", "/pledges/{slug}/export.{fmt}"): "analyst",
    ("GET", "/mecc/session.json"): "staff",
    ("GET", "/mecc"): "analyst",
    ("GET", "/mecc/referrals"): "analyst",
    ("GET", "/mecc/training"): "analyst",
    ("GET", "/mecc/staff-health"): "analyst",
    ("GET", "/mecc/{page}/{name}.{fmt}"): "analyst",
    ("GET", "/mecc/imports"): "analyst",
    ("POST", "/mecc/imports/{kind}"): "analyst",
    ("POST", "/mecc/referrals/upload"): "analyst",
    ("GET", "/mecc/directory"): "admin",
    ("GET", "/mecc/directory/{name}.{fmt}"): "admin",
    ("POST", "/mecc/directory/link"): "admin",
    **dict.fromkeys(
        [
            ("POST", "/journeys"),
            ("POST", "/journeys/import"),
            ("POST", "/journeys/{key}/edit"),
            ("POST", "/journeys/{key}/restore"),
            ("POST", "/journeys/{key}/to-be"),
            ("GET", "/journeys/{key}/edit"),
            ("GET", "/journeys/{key}/details"),
            ("GET", "/journeys/{key}/add-touchpoint"),
            ("GET", "/journeys/{key}/touchpoints/{point}/edit"),
            ("GET", "/journeys/{key}/stages/{stage}/edit"),
            ("GET", "/journeys/{key}/improvements/{item}/edit"),
            ("POST", "/journeys/{key}/feedback/sent"),
            ("POST", "/insight-notes/feedback/sent"),
            ("GET", "/insight-notes/new"),
            ("POST", "/insight-notes"),
            ("POST", "/insight-notes/{key}/links"),
        ],
        "analyst",
    ),
    ("POST", "/segments"): "analyst",
    ("POST", "/segments/lookup"): "analyst",
    ("POST", "/segments/{run_id}/names"): "analyst",
    ("POST", "/segments/{run_id}/delete"): "analyst",
    ("GET", "/stages/cell"): "analyst",
    ("POST", "/stages/cell"): "analyst",
}
#: MECC logging: any signed-in role, but only a login linked to a member of staff (none of
#: the sweep's users is linked, so each is refused; tests/web/test_mecc_logging.py signs in a
#: linked one).
LINKED = {("GET", "/mecc/log"), ("POST", "/mecc/log"), ("POST", "/mecc/sync")}
#: JSON routes: a signed-out caller gets 401 in JSON, not the sign-in page.
JSON_ROUTES = {("POST", "/mecc/sync")}
#: Allowed requests whose sample names nothing that exists (no job or scenario of that id).
MISSING_OK = {
    ("GET", "/plan/jobs/{job_id}"),
    ("GET", "/data/jobs/{job_id}"),
    ("GET", "/data/jobs/{job_id}/problems"),
    ("GET", "/data/jobs/{job_id}"),
    ("GET", "/data/jobs/{job_id}/problems"),
    ("GET", "/plan/scenarios/{scenario_id}/results.{fmt}"),
    ("GET", "/plan/compare.{fmt}"),
    ("GET", "/practice/research/{slug}"),  # the sample slug names a case study
    ("GET", "/practice/{kind}/{slug}/attachments/{file_id}"),  # no such kind, no file
    # no assessment 1 in a fresh database (the assessment pages' own tests make one)
    *[(r.method, r.path) for r in ROUTES if r.path.startswith("/assess/{assessment_id}")],
    # no journey or insight note "no-such-journey" (POSTs about it are 404 too)
    *[
        (r.method, r.path)
        for r in ROUTES
        if "{key}" in r.path and r.path.startswith(("/journeys", "/insight"))
    ],
    ("GET", "/insight-notes/feedback/sheet.html"),  # a sheet of no segment or theme
    # no segmentation 999, no job, no cell without its keys, no "gap" table or "waterfall" chart
    ("GET", "/segments/jobs/{job_id}"),
    ("GET", "/segments/{run_id}/run.json"),
    ("GET", "/segments/{run_id}/chart-{chart}.{image}"),
    ("GET", "/segments/{run_id}/{table}.{fmt}"),
    ("POST", "/segments/{run_id}/names"),
    ("POST", "/segments/{run_id}/delete"),
    ("GET", "/stages/cell"),
    ("GET", "/stages/{table}.{fmt}"),
    ("GET", "/equity/{table}.{fmt}"),
    ("GET", "/equity/chart-{chart}.{image}"),
    ("GET", "/report/jobs/{job_id}"),
    ("GET", "/report/jobs/{job_id}/report.{fmt}"),
}


def _ids(routes: list[RouteAccess]) -> list[str]:
    return [f"{r.method} {r.path}" for r in routes]


def test_the_sweep_covers_every_route_of_the_running_app(app) -> None:  # noqa: ANN001
    assert route_access(app) == ROUTES
    assert len(ROUTES) >= 40


def test_public_routes_are_exactly_the_declared_ones() -> None:
    public = {(r.method, r.path) for r in ROUTES if r.public}
    declared = {(m, p) if m != "*" else ("GET", p) for m, p in PUBLIC_ROUTES}
    assert public == declared


def test_roles_follow_the_design() -> None:
    for route in ROUTES:
        if route.path.startswith("/admin"):
            assert route.role is not None and route.role.value == "admin", route
        elif (route.method, route.path) in DESIGNED:
            assert route.role.value == DESIGNED[(route.method, route.path)], route


def test_an_app_with_an_unprotected_route_does_not_start() -> None:
    with pytest.raises(RuntimeError, match="Route /docs"):  # FastAPI's API docs are open
        route_access(FastAPI())
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    open_router, guarded = APIRouter(), APIRouter()
    open_router.add_api_route("/secret", lambda: "open")

    def page(_user: Viewer) -> str:
        return "guarded"

    guarded.add_api_route("/guarded", page)
    app.include_router(guarded)
    assert [r.path for r in route_access(app)] == ["/guarded"]
    app.include_router(open_router)
    with pytest.raises(RuntimeError, match="GET /secret"):
        route_access(app)


def _request(http: TestClient, route: RouteAccess, url: str, **headers: str):  # noqa: ANN202
    if route.method == "GET":
        return http.get(url, headers=headers, follow_redirects=False)
    token = csrf_from(http.get("/login").text)
    return http.request(
        route.method, url, data={"csrf_token": token}, headers=headers, follow_redirects=False
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=_ids(ROUTES))
def test_route_by_role(client: TestClient, client_as, demo_la: str, role: str, route) -> None:  # noqa: ANN001
    http = client if role == "anonymous" else client_as(role)
    response = _request(http, route, sample_url(route, demo_la))
    assert response.status_code < 500, response.text
    location = response.headers.get("location", "")
    if route.public:
        assert response.status_code not in (401, 403), response.text
        assert not (route.path != "/logout" and location.startswith("/login"))
    elif role == "anonymous" and (route.method, route.path) in JSON_ROUTES:
        assert response.status_code == 401
        assert response.json()["problems"], response.text
    elif role == "anonymous":
        assert response.status_code == 303
        assert location.startswith("/login")
    elif (route.method, route.path) in JSON_ROUTES:
        assert response.status_code == 400  # the sweep posts a form, not JSON
        assert response.json()["problems"][0]["rule"] == "not_json"
    elif (route.method, route.path) in LINKED:
        assert response.status_code == 403
        assert "not linked to a member of staff" in response.text
    elif RANK[role] < RANK[route.role.value]:
        assert response.status_code == 403
        assert "Not allowed" in response.text
    elif route.method == "GET":
        missing = (route.method, route.path) in MISSING_OK
        assert response.status_code == (404 if missing else 200), response.text[:500]
    else:
        # Allowed, but the empty form is refused as bad input (or names nothing that exists):
        # the role check passed.
        missing = (route.method, route.path) in MISSING_OK
        allowed = (200, 303, 400, 404) if missing else (200, 303, 400)
        assert response.status_code in allowed, response.text


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if not r.public], ids=_ids([r for r in ROUTES if not r.public])
)
def test_htmx_requests_without_a_session_are_told_to_sign_in(
    client: TestClient, demo_la: str, route: RouteAccess
) -> None:
    response = _request(client, route, sample_url(route, demo_la), **{"HX-Request": "true"})
    assert response.status_code == 401
    if (route.method, route.path) not in JSON_ROUTES:
        assert response.headers["HX-Redirect"].startswith("/login")


def test_health_needs_no_login(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
