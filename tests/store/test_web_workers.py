"""``healthgap serve --workers 2`` on SQLite and on PostgreSQL: one session works on both
processes, a job started through one is seen and finished through the other, and a job
survives a server killed in the middle of it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="needs the web extra: pip install -e '.[web]'")

HEALTHGAP = str(Path(sys.executable).with_name("healthgap"))
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from healthgap.datasets import build_demo_workspace

    path = tmp_path_factory.mktemp("demo") / "demo"
    build_demo_workspace(path, size="small")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'web' / 'healthgap.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    from sqlalchemy import create_engine, text

    from healthgap.store import normalise_url

    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``healthgap serve`` in its own process group, stopped by that group's id."""

    def __init__(self, tmp: Path, workspace: Path, url: str, workers: int, **env: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, "HEALTHGAP_LOG_DIR": str(tmp / "logs"), **env}
        self.log = open(tmp / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [HEALTHGAP, "serve", "--workspace", str(workspace), "--data-dir", str(tmp / "web"),
             "--database-url", url, "--port", str(self.port), "--workers", str(workers)],
            env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(
                    "the server did not start: " + (tmp / f"server-{self.port}.log").read_text()
                )
            time.sleep(0.3)

    def kill(self) -> None:
        """Kill the server and its worker processes at once (a crash, not a shutdown)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self.log.close()


class Browser:
    """A user's cookie jar; every request opens a new connection (so any process answers)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf = ""

    def get(self, path: str, **headers: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers=headers)
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrf_token": self.csrf}).encode()
        with self.opener.open(urllib.request.Request(self.base + path, data=body),
                              timeout=30) as response:  # fmt: skip
            return response.status, response.read().decode()

    def login(self, username: str) -> None:
        _status, page = self.get("/login")
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.post("/login", {"username": username, "password": PASSWORD})
        _status, page = self.get("/plan")
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.area = re.search(r'<option value="(E0[^"]+)"', page).group(1)

    def start_uncertainty(self) -> str:
        form = {"area_code": self.area, "horizon": "5", "target_reduction": "10",
                "statins__volume": "200", "statins__target": "q1"}  # fmt: skip
        _status, fragment = self.post("/plan/uncertainty", form)
        return re.search(r'hx-get="/plan/jobs/([^"]+)"', fragment).group(1)

    def job(self, job_id: str) -> dict:
        status, text = self.get(f"/plan/jobs/{job_id}", Accept="application/json")
        assert status == 200
        return json.loads(text)


def _create_user(tmp: Path, url: str) -> None:
    subprocess.run(
        [HEALTHGAP, "user", "create", "ann", "--role", "analyst", "--password", PASSWORD,
         "--data-dir", str(tmp / "web"), "--database-url", url],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def test_two_processes_share_sessions_and_jobs(
    tmp_path: Path, workspace: Path, database_url: str
) -> None:
    _create_user(tmp_path, database_url)
    server = Server(tmp_path, workspace, database_url, workers=2)
    try:
        browser = Browser(server.base)
        browser.login("ann")
        job_id = browser.start_uncertainty()
        served_by, states = set(), []
        deadline = time.monotonic() + 120
        while len(served_by) < 2 or states[-1] != "done":
            found = browser.job(job_id)  # signed in on whichever process answers
            served_by.add(found["served_by"])
            states.append(found["state"])
            assert found["state"] != "failed", found
            assert time.monotonic() < deadline, (served_by, states[-5:])
            time.sleep(0.1)
        status, fragment = browser.get(f"/plan/jobs/{job_id}")
        assert status == 286 and 'data-testid="uncertainty-results"' in fragment
    finally:
        server.kill()


def test_a_job_survives_a_server_killed_while_it_runs(tmp_path: Path, workspace: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web' / 'healthgap.db'}"
    _create_user(tmp_path, url)
    slow = {"HEALTHGAP_UNCERTAINTY_DRAWS": "40000", "HEALTHGAP_JOB_STALE_SECONDS": "2"}
    server = Server(tmp_path, workspace, url, workers=1, **slow)
    browser = Browser(server.base)
    try:
        browser.login("ann")
        job_id = browser.start_uncertainty()
        deadline = time.monotonic() + 120
        while not ((found := browser.job(job_id))["state"] == "running" and found["done"] > 0):
            assert found["state"] in ("queued", "running"), found
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        server.kill()
    restarted = Server(tmp_path, workspace, url, workers=1, HEALTHGAP_JOB_STALE_SECONDS="2")
    try:
        browser.base = restarted.base  # the same session cookie: the secret is kept on disk
        deadline = time.monotonic() + 240
        while (found := browser.job(job_id))["state"] != "done":
            assert found["state"] != "failed", found
            assert time.monotonic() < deadline, found
            time.sleep(0.3)
    finally:
        restarted.kill()
