"""Request bodies over ``max_upload_bytes`` are refused while they stream in (issue 10, item
2): a declared size over the limit before a byte is read, an undeclared (chunked) body at the
limit; the answer is a 413 in plain words, and the workspace is untouched."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from live_server import live_server
from web_helpers import PASSWORD, add_user, csrf_from, login

from conftest import make_settings
from healthgap.web import Settings, create_app

LIMIT = 64 * 1024


@pytest.fixture
def settings(tmp_path: Path, small_workspace: Path, migrated_database_file: Path) -> Settings:
    copy = tmp_path / "workspace"
    shutil.copytree(small_workspace, copy)
    base = make_settings(tmp_path, copy, migrated_database_file)
    return base.model_copy(update={"max_upload_bytes": LIMIT})


def _upload(client: TestClient, size: int):  # noqa: ANN202
    token = csrf_from(client.get("/data").text)
    body = b"area_code,period\n" + b"E01000001,2020\n" * (size // 15)
    return client.post(
        "/data/upload",
        data={"csrf_token": token},
        files=[("files", ("population.csv", body, "text/csv"))],
    )


def test_an_upload_over_the_limit_is_a_413_in_plain_words(client_as, app) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    before = app.state.workspaces.workspace().hashes()
    response = _upload(analyst, 4 * LIMIT)
    assert response.status_code == 413
    assert "The upload is too large: at most 65,536 bytes can be sent at once" in response.text
    assert "smaller files" in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert app.state.workspaces.workspace().hashes() == before


def test_an_upload_under_the_limit_is_read_and_checked(client_as) -> None:  # noqa: ANN001
    response = _upload(client_as("analyst"), LIMIT // 4)
    assert response.status_code == 400  # read and refused by the import's own checks
    assert "population.csv" in response.text


def _raw_request(url: str, head: str, body_parts: list[bytes]) -> tuple[bytes, int]:
    """Send ``head`` and then the body parts one by one until the server answers; returns
    the answer and how many parts went out before it came."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode())
        sent = 0
        sock.settimeout(0.05)
        answer = b""
        for part in body_parts:
            try:
                answer = sock.recv(65536)
            except TimeoutError:
                answer = b""
            if answer:
                break
            try:
                sock.sendall(part)
            except OSError:  # the server closed the connection: it is not reading any more
                break
            sent += 1
        sock.settimeout(10)
        deadline = time.monotonic() + 10
        while b"\r\n\r\n" not in answer and time.monotonic() < deadline:
            try:
                more = sock.recv(65536)
            except OSError:
                break
            if not more:
                break
            answer += more
    return answer, sent


def _session_head(app, url: str) -> dict[str, str]:  # noqa: ANN001
    add_user(app.state.database, "analyst")
    client = login(TestClient(app, base_url=url), "analyst")
    token = csrf_from(client.get("/data").text)  # sets the token in the session cookie
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return {"cookie": cookie, "token": token}


def test_a_declared_500_mb_body_is_refused_before_it_is_read(settings: Settings) -> None:
    app = create_app(settings)
    try:
        with live_server(app) as url:
            head = (
                "POST /data/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {500 * 1024**2}\r\n\r\n"
            )
            answer, sent = _raw_request(url, head, [b"x" * 65536] * 200)
    finally:
        app.state.database.dispose()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # Answered while only a sliver of the 500 MB had been offered (a server reading the body
    # first would still be waiting for the rest).
    assert sent < 200


def test_a_chunked_body_is_cut_off_at_the_limit(settings: Settings) -> None:
    app = create_app(settings)
    try:
        with live_server(app) as url:
            session = _session_head(app, url)
            head = (
                "POST /data/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {session['cookie']}\r\nX-CSRF-Token: {session['token']}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
            )
            preamble = (
                b'--x\r\nContent-Disposition: form-data; name="files"; '
                b'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
            )
            chunks = [preamble] + [b"E01000001,2020\n" * 512] * 1000  # 7.5 MB offered
            parts = [f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks]
            answer, sent = _raw_request(url, head, parts)
    finally:
        app.state.database.dispose()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    # A server that read it all would have answered 400 (the import's own checks) after the
    # last chunk; a 413 before the end means it stopped at the limit.
    assert sent < len(parts)
    assert PASSWORD  # the session was a real sign-in


def test_the_data_layers_row_limit_reaches_the_upload_page(
    client_as, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    """Rows, columns and cells are bounded by the data layer's limits
    (``healthgap.data.Limits``, ``HEALTHGAP_MAX_*``); the page shows their problems."""
    pytest.importorskip("healthgap.data.limits", reason="the data layer's limits (issue 10)")
    monkeypatch.setenv("HEALTHGAP_MAX_ROWS", "5")
    response = _upload(client_as("analyst"), 2_000)
    assert response.status_code == 400
    assert "too_many_rows" in response.text
