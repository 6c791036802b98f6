"""MECC logging over HTTP: who may log (decided on the server), the form without JavaScript,
the JSON sync endpoint (CSRF, partial acceptance, replays) and the service worker."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, add_user, csrf_from, login

from healthgap.analyses import link_staff_account
from healthgap.analyses.mecc_logging import local_today
from healthgap.store import Database
from healthgap.store.mecc import count_contacts


@pytest.fixture
def nurse(app, database: Database) -> TestClient:  # noqa: ANN001
    """A client signed in with the staff role, linked to member of staff acute-0002."""
    add_user(database, "staff", "nurse")
    link_staff_account(database, staff_id="acute-0002", username="nurse")
    return login(TestClient(app, base_url="http://testserver"), "nurse")


def _entry(**changes: object) -> dict[str, object]:
    return {
        "client_id": str(uuid.uuid4()),
        "contact_date": local_today().isoformat(),
        "setting": "acute",
        "organisation": "acute",
        "team": "ed",
        "topics": ["tobacco", "alcohol"],
        "action": "referral",
        "destination": "stop_smoking",
        **changes,
    }


def _stored(database: Database) -> int:
    with database.reader() as session:
        return count_contacts(session)


def _token(client: TestClient) -> str:
    return client.get("/mecc/session.json").json()["csrf_token"]


def test_staff_sign_in_lands_on_the_logging_page_and_nothing_else(app, database) -> None:  # noqa: ANN001
    add_user(database, "staff", "nurse")
    link_staff_account(database, staff_id="acute-0002", username="nurse")
    client = TestClient(app, base_url="http://testserver")
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "nurse", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/mecc/log"
    page = client.get("/mecc/log")
    assert page.status_code == 200
    assert 'name="topics" value="tobacco"' in page.text and "<script>" not in page.text
    assert "Emergency department" in page.text and "SYNTHETIC" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    for path in ("/", "/plan", "/data", "/mecc", "/admin/users"):
        assert client.get(path, follow_redirects=False).status_code in (403, 404), path


def test_a_login_not_linked_is_told_why(client_as: Callable[[str], TestClient]) -> None:
    analyst = client_as("analyst")
    page = analyst.get("/mecc/log")
    assert page.status_code == 403 and "not linked to a member of staff" in page.text
    response = analyst.post(
        "/mecc/sync", json={"entries": [_entry()]}, headers={"X-CSRF-Token": _token(analyst)}
    )
    assert response.status_code == 403
    assert response.json()["problems"][0]["rule"] == "not_linked"


def test_sync_takes_a_batch_in_part_and_a_replay_counts_nothing_twice(
    nurse: TestClient, database: Database
) -> None:
    before = _stored(database)
    batch = [_entry(), _entry(topics=["gambling"]), _entry(action="advice", destination=None)]
    headers = {"X-CSRF-Token": _token(nurse)}
    first = nurse.post("/mecc/sync", json={"entries": batch}, headers=headers)
    assert first.status_code == 200
    answer = first.json()
    assert answer["stored"] == [batch[0]["client_id"], batch[2]["client_id"]]
    assert answer["inserted"] == 2
    assert [(p["position"], p["rule"]) for p in answer["problems"]] == [(2, "unknown_topic")]
    again = nurse.post("/mecc/sync", json={"entries": batch}, headers=headers).json()
    assert (again["inserted"], again["duplicates"], again["stored"]) == (0, 2, answer["stored"])
    assert _stored(database) == before + 2


def test_sync_needs_the_csrf_token_and_json(nurse: TestClient, database: Database) -> None:
    before = _stored(database)
    refused = nurse.post("/mecc/sync", json={"entries": [_entry()]})
    assert refused.status_code == 403
    headers = {"X-CSRF-Token": _token(nurse), "Content-Type": "application/json"}
    bad = nurse.post("/mecc/sync", content=b"not json", headers=headers)
    assert bad.status_code == 400 and bad.json()["problems"][0]["rule"] == "not_json"
    not_list = nurse.post("/mecc/sync", json={"entries": "all of them"}, headers=headers)
    assert not_list.json()["problems"][0]["rule"] == "not_a_list"
    too_big = nurse.post("/mecc/sync", content=b"[" + b" " * 300_000 + b"]", headers=headers)
    assert too_big.status_code == 413
    assert _stored(database) == before


def test_the_form_without_javascript_stores_once(nurse: TestClient, database: Database) -> None:
    page = nurse.get("/mecc/log").text
    form = {
        "csrf_token": csrf_from(page),
        "client_id": str(uuid.uuid4()),
        "contact_date": local_today().isoformat(),
        "organisation": "acute",
        "team": "ed",
        "setting": "acute",
        "topics": ["diet_weight", "physical_activity"],
        "action": "signpost",
        "destination": "leisure",
    }
    before = _stored(database)
    first = nurse.post("/mecc/log", data=form, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/mecc/log?saved=1"
    assert nurse.post("/mecc/log", data=form, follow_redirects=False).status_code == 303
    assert _stored(database) == before + 1
    assert "Saved." in nurse.get("/mecc/log?saved=1").text
    wrong = {**form, "client_id": str(uuid.uuid4()), "contact_date": "2999-01-01"}
    response = nurse.post("/mecc/log", data=wrong)
    assert response.status_code == 400 and "future_date" in response.text
    assert _stored(database) == before + 1


def test_the_service_worker_needs_no_login(client: TestClient) -> None:
    response = client.get("/mecc/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/mecc/"
    assert "caches.open" in response.text


def test_a_signed_out_phone_gets_json(app) -> None:  # noqa: ANN001
    client = TestClient(app, base_url="http://testserver")
    token = csrf_from(client.get("/login").text)  # a session, but nobody signed in
    response = client.post(
        "/mecc/sync", json={"entries": [_entry()]}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 401 and response.json()["problems"][0]["rule"] == "signed_out"
