"""The login rate limit (issue 10, item 10): counted per account and per client address in
the database, so neither rotating addresses (or a spoofed X-Forwarded-For) nor rotating
account names gets round it, and every server process sees the same counts;
``healthgap serve`` believes forwarded headers only from proxies it is told about."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from live_server import live_server
from web_helpers import PASSWORD, add_user, csrf_from

from cli_runner import run_cli
from healthgap.web import create_app


@pytest.fixture
def settings(settings):  # noqa: ANN001, ANN201
    """A day-long window: the sliding count weighs the previous window's failures by the
    part of it still in reach, so a test of 30 failures that crossed a five-minute boundary
    could see a count just under the limit; a day's boundary is not crossed in a test."""
    return settings.model_copy(update={"login_window_seconds": 86_400})


def _attempt(client, username: str, password: str = "wrong password!", **headers: str) -> int:  # noqa: ANN001
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )
    return response.status_code


def _from(app, address: str) -> TestClient:  # noqa: ANN001
    return TestClient(app, base_url="http://testserver", client=(address, 50000))


def test_guessing_one_account_from_many_addresses_is_stopped(app, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    statuses = [_attempt(_from(app, f"10.0.0.{i}"), "viewer") for i in range(5)]
    assert statuses == [401] * 5
    blocked = _from(app, "10.0.0.99")
    assert _attempt(blocked, "viewer", PASSWORD) == 429  # even with the right password


def test_guessing_many_accounts_from_one_address_is_stopped(app, settings, database) -> None:  # noqa: ANN001
    limit = settings.login_max_failures_per_address
    client = _from(app, "192.0.2.7")
    statuses = [_attempt(client, f"someone{i}") for i in range(limit)]
    assert statuses == [401] * limit
    assert _attempt(client, "someone-else") == 429
    add_user(database, "viewer")
    assert _attempt(_from(app, "192.0.2.8"), "viewer", PASSWORD) == 303  # others are not hit


def test_the_block_says_how_long_to_wait(app, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    client = _from(app, "10.1.1.1")
    for _ in range(5):
        _attempt(client, "viewer")
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 86_400
    assert "Too many failed attempts. Wait" in response.text


def test_a_success_clears_the_account_but_not_the_address(app, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    client = _from(app, "10.2.2.2")
    for _ in range(4):
        assert _attempt(client, "viewer") == 401
    assert _attempt(client, "viewer", PASSWORD) == 303
    assert [_attempt(client, "viewer") for _ in range(5)] == [401] * 5


def test_counts_are_shared_by_every_server_process(app, settings, database) -> None:  # noqa: ANN001
    add_user(database, "viewer")
    other_app = create_app(settings)
    try:
        with TestClient(other_app, base_url="http://testserver") as other:
            for _ in range(3):
                assert _attempt(_from(app, "10.3.3.3"), "viewer") == 401
            for _ in range(2):
                assert _attempt(other, "viewer") == 401
            assert _attempt(other, "viewer", PASSWORD) == 429
            assert _attempt(_from(app, "10.3.3.4"), "viewer", PASSWORD) == 429
    finally:
        other_app.state.database.dispose()


@pytest.fixture
def served_options(monkeypatch, tmp_path, small_workspace) -> dict:  # noqa: ANN001
    """What ``healthgap serve`` hands to uvicorn (captured instead of serving)."""
    import uvicorn

    captured: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: captured.update(app=app, **options))
    monkeypatch.setenv("HEALTHGAP_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("HEALTHGAP_LOGIN_MAX_FAILURES_PER_ADDRESS", "3")
    result = run_cli(
        "serve", "--workspace", str(small_workspace), "--data-dir", str(tmp_path / "web")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return captured


def test_serve_ignores_forwarded_for_from_an_unconfigured_proxy(served_options: dict) -> None:
    """Over a real uvicorn server as ``healthgap serve`` configures it: rotating
    X-Forwarded-For and the account name from one connection address is still limited."""
    app = served_options.pop("app")
    for name in ("host", "port"):
        served_options.pop(name, None)
    assert served_options["proxy_headers"] is False
    with live_server(app, **served_options) as url, httpx.Client(base_url=url) as client:
        statuses = [
            _attempt(client, f"nobody{i}", **{"X-Forwarded-For": f"203.0.113.{i}"})
            for i in range(4)
        ]
    assert statuses == [401, 401, 401, 429]


def test_serve_believes_forwarded_for_from_a_configured_proxy(
    monkeypatch, tmp_path, small_workspace
) -> None:  # noqa: ANN001
    import uvicorn

    captured: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: captured.update(options))
    monkeypatch.setenv("HEALTHGAP_SECRET_KEY", "k" * 40)
    args = ["serve", "--workspace", str(small_workspace), "--data-dir", str(tmp_path / "web")]
    result = run_cli(*args, "--forwarded-allow-ips", "10.9.8.7")
    assert result.returncode == 0, result.stdout + result.stderr
    assert captured["proxy_headers"] is True
    assert captured["forwarded_allow_ips"] == "10.9.8.7"
