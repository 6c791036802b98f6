"""Load tools of the pledge rush benchmark and of the SIGKILL test: a real server in its own
process, visitor sessions, and an open-loop stream of pledge submissions.

- :class:`PledgeServer` runs ``healthgap serve`` (its own process, a free loopback port) over
  a SQLite folder or a PostgreSQL URL, and can be stopped or killed with SIGKILL.
- :func:`open_sessions` makes visitors: each opens the campaign page once (a session cookie
  with its CSRF token, as a browser gets it).
- :func:`rush` sends pledges at a fixed rate whatever the server's speed (an *open* loop,
  so a slow server builds a queue and shows it in the latencies), each from one of the
  visitors, with a fresh idempotency key and its own ``X-Forwarded-For`` address from a
  pool (uvicorn trusts it from loopback, as from a reverse proxy, so the per-address limit
  sees many people rather than one). A pledge is *acknowledged* when the server answers
  303 with the receipt's address; :class:`Rush` keeps every key sent and every receipt.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

__all__ = ["PledgeServer", "Rush", "Submission", "open_sessions", "rush", "submit_once"]

SLUG = "small-changes-2026"
CHOICES = ("walk-at-lunch", "water-not-fizzy", "two-dry-days")
DISTRICTS = ("TS24", "TS25", "TS26", "TS27", "SW1A", "M1", "B9", "")
RECEIPT = re.compile(r"/thanks/([A-Za-z0-9_-]+)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PledgeServer:
    """``healthgap serve`` in a child process (``--workers`` when given and supported)."""

    def __init__(
        self, data_dir: Path, *, database_url: str | None = None, workers: int = 1
    ) -> None:
        self.data_dir, self.database_url, self.workers = data_dir, database_url, workers
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> PledgeServer:
        cli = [sys.executable, "-c", "from healthgap.cli import main; main()"]
        command = [*cli, "serve", "--data-dir", str(self.data_dir), "--port", str(self.port)]
        if self.database_url:
            command += ["--database-url", self.database_url]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        env = {**os.environ, "HEALTHGAP_SECRET_KEY": "benchmark secret " * 4}
        self._log = log = open(self.data_dir / "server.log", "ab")  # noqa: SIM115 - closed at the end
        self.process = subprocess.Popen(
            command, stdout=log, stderr=log, env=env, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: see {self.data_dir / 'server.log'}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server and every process it started
        (its process group: ``--workers`` children included), from ``/proc``."""
        if self.process is None:
            return 0.0
        group, total = self.process.pid, 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended while we looked
                continue
            if int(fields[2]) == group:  # field 5 of stat(5): the process group
                total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """SIGKILL to the server and every process it started: no shutdown of any kind."""
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()  # type: ignore[attr-defined]
            self._log = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()


@dataclass(frozen=True)
class Session:
    cookie: str
    csrf: str


async def open_sessions(base: str, n: int) -> list[Session]:
    """``n`` visitors, each having opened the campaign page once (in a browser of its own:
    a client of its own, so no cookie is shared)."""

    async def one() -> Session:
        async with httpx.AsyncClient(timeout=60) as client:
            response = await client.get(f"{base}/pledge/{SLUG}")
            response.raise_for_status()
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        cookie = response.cookies.get("healthgap_session")
        assert token and cookie, "the page gave no session or form token"
        return Session(cookie, token.group(1))

    sessions = []
    for start in range(0, n, 20):
        sessions += await asyncio.gather(*(one() for _ in range(min(20, n - start))))
    return sessions


@dataclass(frozen=True)
class Submission:
    """One pledge as sent: its form (so that it can be sent again) and who sent it."""

    key: str
    fields: dict[str, str]
    session: Session
    address: str


def make_submission(session: Session, i: int) -> Submission:
    fields = {
        "csrf_token": session.csrf,
        "idempotency_key": secrets.token_urlsafe(24),
        "choice": CHOICES[i % len(CHOICES)],
        "audience": "community" if i % 3 else "staff",
        "display_name": f"Visitor {i}",
        "postcode_district": DISTRICTS[i % len(DISTRICTS)],
        "consent": "yes",
    }
    if i % 4 == 0:
        fields |= {"reminders": "yes", "email": f"visitor{i}@example.org"}
    address = f"10.{(i // 65536) % 256}.{(i // 256) % 256}.{i % 256}"
    return Submission(fields["idempotency_key"], fields, session, address)


async def submit_once(client: httpx.AsyncClient, base: str, item: Submission) -> str | None:
    """Send one form; the receipt's public id when the server acknowledged it."""
    headers = {
        "Cookie": f"healthgap_session={item.session.cookie}",
        "X-Forwarded-For": item.address,
    }
    response = await client.post(f"{base}/pledge/{SLUG}", data=item.fields, headers=headers)
    found = RECEIPT.search(response.headers.get("location", ""))
    return found.group(1) if response.status_code == 303 and found else None


@dataclass
class Rush:
    """Everything one rush sent and got back."""

    sent: list[Submission] = field(default_factory=list)
    receipts: dict[str, str] = field(default_factory=dict)  # key -> public id
    latencies: list[float] = field(default_factory=list)  # of acknowledged pledges, seconds
    failures: dict[str, int] = field(default_factory=dict)  # kind -> count
    started: float = 0.0
    finished: float = 0.0

    def fail(self, kind: str) -> None:
        self.failures[kind] = self.failures.get(kind, 0) + 1


async def rush(
    client: httpx.AsyncClient,
    base: str,
    sessions: list[Session],
    *,
    rate: float,
    duration: float,
    stop: asyncio.Event | None = None,
) -> Rush:
    """Send ``rate`` pledges a second for ``duration`` seconds (or until ``stop`` is set)."""
    result = Rush(started=time.perf_counter())
    tasks = []

    async def one(item: Submission) -> None:
        begun = time.perf_counter()
        try:
            public_id = await submit_once(client, base, item)
        except httpx.HTTPError as exc:
            result.fail(type(exc).__name__)
            return
        if public_id is None:
            result.fail("not acknowledged")
            return
        result.receipts[item.key] = public_id
        result.latencies.append(time.perf_counter() - begun)

    total = int(rate * duration)
    for i in range(total):
        due = result.started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if stop is not None and stop.is_set():
            break
        item = make_submission(sessions[i % len(sessions)], i)
        result.sent.append(item)
        tasks.append(asyncio.create_task(one(item)))
    await asyncio.gather(*tasks)
    result.finished = time.perf_counter()
    return result
