"""Benchmark: 1,000 members of staff sync a day's MECC queue at once, through HTTP, to the
running web app; then 200 of them send the same batch again (an answer lost on the way).

Run: ``python benchmarks/bench_mecc_sync.py [--staff 1000] [--per-staff 8] [--spread 0 10]
[--workers 1] [--url postgresql://...]``

Setup (not timed): a new data folder, the SYNTHETIC MECC organisations scaled to about 1,020
staff, one login with the staff role per member of staff (linked to them), the app served by
``healthgap serve --workers N`` in its own process, as deployed (uvicorn with httptools and
uvloop, the request log on, written to a file), and each login signed in (session cookie and
CSRF token). The burst: every member of staff sends one ``POST /mecc/sync`` with
``--per-staff`` entries (client-made UUIDs, today's date, a mix of topics, actions and
destinations), all started together (``--spread 0``) or at random times over ``--spread``
seconds. Each request is a phone: raw HTTP/1.1, built before the clock starts, on a
connection of its own that the answer closes, sent from one uvloop event loop (a client
library's own cost would otherwise compete with the server for the two cores). Latency is
from opening the connection to the last byte of the answer, queueing included. The server's
CPU time (all its processes) and the load generator's are reported apart, per sync. Then 200
of the batches are sent again.

Checks, every run: every answer is 200; the answers report exactly staff x per-staff entries
inserted and the replays only duplicates; and the database holds exactly that many entries
of the benchmark's logins for today (nothing lost, nothing counted twice).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import func, select

from healthgap.analyses import link_staff_account
from healthgap.analyses.mecc_demo import store_demo
from healthgap.analyses.mecc_logging import local_today
from healthgap.datasets.mecc import generate_mecc_demo
from healthgap.store import Database, User
from healthgap.store.accounts import hash_password
from healthgap.store.mecc_models import ContactRecord

PASSWORD = "benchmark password 1"
TOPICS = ("diet_weight", "physical_activity", "alcohol", "tobacco", "wellbeing")
T = TypeVar("T")
DESTINATION = {
    "diet_weight": "weight_management",
    "physical_activity": "leisure",
    "alcohol": "alcohol_service",
    "tobacco": "stop_smoking",
    "wellbeing": "talking_therapies",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(folder: Path, url: str | None, staff_count: int) -> list[tuple[str, str]]:
    """Demo organisations with enough staff, and a linked staff login per member of staff;
    returns (username, staff_id) pairs."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from healthgap.store.accounts import use_password_hasher

    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))  # setup speed only
    database = Database(url or f"sqlite:///{folder / 'healthgap.db'}")
    demo = generate_mecc_demo(scale=staff_count / 620, weeks=4)
    store_demo(database, demo)
    staff = demo.directory.staff
    chosen = staff.iloc[:staff_count]
    if len(chosen) < staff_count:
        raise SystemExit(f"the scaled demo has {len(staff)} staff, fewer than {staff_count}")
    password_hash = hash_password(PASSWORD)
    users = [(f"bench-{i:04d}", sid) for i, sid in enumerate(chosen["staff_id"])]
    with database.unit_of_work() as session:
        session.add_all(
            [User(username=name, password_hash=password_hash, role="staff") for name, _ in users]
        )
    for name, staff_id in users:
        link_staff_account(database, staff_id=staff_id, username=name)
    database.dispose()
    return users


def sign_in(base: str, username: str) -> tuple[str, str]:
    """The session cookie and CSRF token of a signed-in login."""
    import httpx2

    with httpx2.Client(base_url=base, timeout=300) as client:  # a busy machine is slow
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        client.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        csrf = client.get("/mecc/session.json").json()["csrf_token"]
        return client.cookies["healthgap_session"], csrf


def day_queue(rng: random.Random, per_staff: int) -> list[dict[str, object]]:
    today = local_today().isoformat()
    entries = []
    for _ in range(per_staff):
        topics = sorted(rng.sample(TOPICS, rng.choice((1, 1, 1, 2))))
        action = rng.choices(("advice", "signpost", "referral"), (0.68, 0.2, 0.12))[0]
        entries.append(
            {
                "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "contact_date": today,
                "setting": "acute",
                "organisation": "",  # filled per member of staff
                "team": "",
                "topics": topics,
                "action": action,
                "destination": None if action == "advice" else DESTINATION[topics[0]],
            }
        )
    return entries


async def send(port: int, request: bytes, delay: float) -> tuple[float, int, dict]:
    """One raw HTTP/1.1 request on its own connection: seconds, status, JSON answer."""
    await asyncio.sleep(delay)
    began = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
    body = await reader.readexactly(length)
    elapsed = time.perf_counter() - began
    writer.close()
    return elapsed, status, json.loads(body)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and its children (workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime are fields 14-17 of the file, 12-15 after the name.
    own = sum(int(v) for v in fields[11:15])
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return (own + sum(cpu_seconds(int(k)) * ticks for k in kids)) / ticks


def build_request(cookie: str, csrf: str, entries: list[dict[str, object]]) -> bytes:
    body = json.dumps({"entries": entries}).encode()
    head = (
        "POST /mecc/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nX-CSRF-Token: {csrf}\r\n"
        f"Cookie: healthgap_session={cookie}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


async def burst(port: int, requests: list[bytes], spread: float) -> list[tuple[float, int, dict]]:
    rng = random.Random(1)
    delays = [rng.uniform(0, spread) if spread else 0.0 for _ in requests]
    return await asyncio.gather(*(send(port, r, d) for r, d in zip(requests, delays, strict=True)))


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run the load on uvloop when installed (the server's loop too): less of the two cores
    goes to the load generator."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


def stored_today(url: str, usernames: list[str]) -> int:
    database = Database(url)
    from healthgap.store.mecc_models import StaffRecord

    with database.reader() as session:
        count = session.scalar(
            select(func.count())
            .select_from(ContactRecord)
            .join(StaffRecord, StaffRecord.staff_id == ContactRecord.staff_id)
            .join(User, User.id == StaffRecord.user_id)
            .where(User.username.in_(usernames), ContactRecord.contact_date == local_today())
        )
    database.dispose()
    return int(count or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--per-staff", type=int, default=8)
    parser.add_argument("--spread", type=float, nargs="+", default=[0.0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--replays", type=int, default=200)
    parser.add_argument("--url", default=None, help="PostgreSQL URL (default: SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-mecc-sync-"))
    url = args.url or f"sqlite:///{folder / 'healthgap.db'}"
    users = prepare(folder, args.url, args.staff)
    port = _free_port()
    env = {
        **os.environ,
        "HEALTHGAP_DATA_DIR": str(folder),
        "HEALTHGAP_DATABASE_URL": url,
        "HEALTHGAP_SECRET_KEY": "b" * 40,
    }
    command = [
        *[sys.executable, "-c", "from healthgap.cli import main; main()"],
        *["serve", "--port", str(port), "--workers", str(args.workers)],
        *["--data-dir", str(folder), *(["--database-url", args.url] if args.url else [])],
    ]
    log = (folder / "server.log").open("wb")  # the request log, one line per request
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx2

        deadline = time.monotonic() + 240  # a busy machine starts two workers slowly
        while True:
            try:
                if httpx2.get(f"{base}/health").status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        with ThreadPoolExecutor(16) as pool:
            sessions = list(pool.map(lambda user: sign_in(base, user[0]), users))
        rng = random.Random(2)
        teams = _teams(url)
        gc.collect()  # what the set-up made stays: the collector need not walk it in the burst
        gc.freeze()
        for spread in args.spread:
            queues = []
            for _, staff_id in users:
                queue = day_queue(rng, args.per_staff)
                organisation, team = teams[staff_id]
                for entry in queue:
                    entry.update(organisation=organisation, team=team)
                    entry["setting"] = _SETTINGS[organisation]
                queues.append(queue)
            requests = [
                build_request(cookie, csrf, queue)
                for (cookie, csrf), queue in zip(sessions, queues, strict=True)
            ]
            before = stored_today(url, [u for u, _ in users])
            began, cpu = time.perf_counter(), cpu_seconds(server.pid)
            client_cpu = time.process_time()
            results = run(burst(port, requests, spread))
            client_ms = (time.process_time() - client_cpu) * 1000 / len(requests)
            wall = time.perf_counter() - began
            server_ms = (cpu_seconds(server.pid) - cpu) * 1000 / len(requests)
            load = os.getloadavg()[0]
            replayed = run(burst(port, requests[: args.replays], 0.0))
            seconds = np.array([r[0] for r in results])
            statuses = {r[1] for r in results + replayed}
            inserted = sum(r[2].get("inserted", 0) for r in results)
            duplicates = sum(r[2].get("duplicates", 0) for r in replayed)
            stored = stored_today(url, [u for u, _ in users]) - before
            p50, p95, top = np.percentile(seconds, 50), np.percentile(seconds, 95), seconds.max()
            expected = args.staff * args.per_staff
            print(
                f"{'SQLite' if args.url is None else 'PostgreSQL'} workers={args.workers} "
                f"spread={spread:g}s: {args.staff} syncs of {args.per_staff} entries in "
                f"{wall:.2f} s; p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max "
                f"{top * 1000:.0f} ms; server CPU {server_ms:.2f} ms per sync; load generator "
                f"CPU {client_ms:.2f} ms per sync; load average {load:.1f}; answers "
                f"{sorted(statuses)}; inserted {inserted}, "
                f"replay "
                f"duplicates {duplicates}, stored {stored} of {expected}"
            )
            assert statuses == {200}, statuses
            assert inserted == stored == expected, (inserted, stored, expected)
            assert duplicates == min(args.replays, args.staff) * args.per_staff
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


_SETTINGS = {
    "acute": "acute",
    "community": "community",
    "primary": "primary_care",
    "council": "la_front_door",
    "fire": "fire_service",
}


def _teams(url: str) -> dict[str, tuple[str, str]]:
    from healthgap.store.mecc_models import StaffRecord

    database = Database(url)
    with database.reader() as session:
        rows = session.execute(
            select(StaffRecord.staff_id, StaffRecord.organisation, StaffRecord.team)
        ).all()
    database.dispose()
    return {staff_id: (organisation, team) for staff_id, organisation, team in rows}


if __name__ == "__main__":
    main()
