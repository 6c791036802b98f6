"""Where the server's CPU goes on one MECC sync: the web app called in-process, as ASGI.

Builds the benchmark's data folder (``bench_mecc_sync.prepare``, ``--staff`` linked staff
logins), signs each login in through the app (httpx's ASGI transport), then calls the app
directly with each login's ``POST /mecc/sync`` (``--per-staff`` new entries), one after
another (``--together``: all started at once), with no network and no client library in
between. Prints the CPU time per sync
(``time.process_time``: every thread of this process, the thread pool included) and, with
``--profile``, a cProfile of the same calls by own time and by cumulative time, CPU time of
the event loop's thread and of the worker thread that serves the grouped syncs apart.

Run: ``python benchmarks/profile_mecc_sync.py [--staff 300] [--per-staff 8] [--together]
[--profile]``.
What the HTTP server (uvicorn, httptools, the sockets) costs on top is measured by
``bench_mecc_sync.py`` (server CPU per sync).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_mecc_sync import PASSWORD, _teams, day_queue, prepare  # noqa: E402


async def sign_in(app: object, username: str) -> tuple[str, str]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = (await client.get("/login")).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        await client.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        csrf = (await client.get("/mecc/session.json")).json()["csrf_token"]
        return client.cookies["healthgap_session"], csrf


def scope_of(cookie: str, csrf: str, body: bytes) -> dict[str, object]:
    headers = [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/json"),
        (b"accept", b"application/json"),
        (b"x-csrf-token", csrf.encode()),
        (b"cookie", f"healthgap_session={cookie}".encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/mecc/sync",
        "raw_path": b"/mecc/sync",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def call(app: object, scope: dict[str, object], body: bytes) -> tuple[int, dict]:
    sent: list[dict[str, object]] = []
    delivered = False

    async def receive() -> dict[str, object]:
        nonlocal delivered
        if delivered:
            await asyncio.sleep(3600)
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(dict(scope), receive, send)  # type: ignore[operator]
    status = int(sent[0]["status"])  # type: ignore[arg-type]
    answer = b"".join(m.get("body", b"") for m in sent[1:])  # type: ignore[misc]
    return status, json.loads(answer)


async def run(args: argparse.Namespace) -> None:
    from healthgap.web import Settings, create_app

    folder = Path(tempfile.mkdtemp(prefix="profile-mecc-sync-"))
    users = prepare(folder, None, args.staff)
    url = f"sqlite:///{folder / 'healthgap.db'}"
    settings = Settings(data_dir=folder, database_url=url, secret_key="p" * 40)
    app = create_app(settings)
    sessions = [await sign_in(app, name) for name, _ in users]
    teams = _teams(url)
    rng = random.Random(3)
    calls = []
    for (cookie, csrf), (_, staff_id) in zip(sessions, users, strict=True):
        queue = day_queue(rng, args.per_staff)
        organisation, team = teams[staff_id]
        for entry in queue:
            entry.update(organisation=organisation, team=team, setting=_setting(organisation))
        body = json.dumps({"entries": queue}).encode()
        calls.append((scope_of(cookie, csrf, body), body))
    warm = len(calls) // 5  # compiled statements, caches, the thread pool
    for scope, body in calls[:warm]:
        status, _ = await call(app, scope, body)
        assert status == 200, status
    measured = calls[warm:]
    # CPU time of each thread on its own: the event loop's, and the worker thread's calls
    # that serve the grouped syncs (wall-clock profiles blame whatever waited for the GIL).
    profile = cProfile.Profile(time.thread_time) if args.profile else None
    in_thread = cProfile.Profile(time.thread_time)
    import healthgap.web.mecc_sync_groups as route

    serve, worker_cpu = route.sync_group, [0.0]

    def measured_group(*a, **k):  # noqa: ANN002, ANN003, ANN202
        began = time.thread_time()
        if profile is not None:
            in_thread.enable()
        try:
            return serve(*a, **k)
        finally:
            if profile is not None:
                in_thread.disable()
            worker_cpu[0] += time.thread_time() - began

    route.sync_group = measured_group  # type: ignore[assignment]
    if profile is not None:
        profile.enable()
    began = time.process_time()
    if args.together:
        answers = await asyncio.gather(*(call(app, scope, body) for scope, body in measured))
    else:
        answers = [await call(app, scope, body) for scope, body in measured]
    cpu = time.process_time() - began
    assert {status for status, _ in answers} == {200}, answers[0]
    inserted = sum(answer["inserted"] for _, answer in answers)
    if profile is not None:
        profile.disable()
    assert inserted == len(measured) * args.per_staff, inserted
    print(
        f"{len(measured)} syncs of {args.per_staff} entries, in-process ASGI, "
        f"{'all at once' if args.together else 'one after another'}: "
        f"{cpu * 1000 / len(measured):.2f} ms CPU per sync, of which "
        f"{worker_cpu[0] * 1000 / len(measured):.2f} ms in the worker thread's grouped calls"
        + (" (under cProfile)" if profile is not None else "")
    )
    if profile is not None:
        for name, measured_profile in (("event loop", profile), ("worker thread", in_thread)):
            print(f"--- {name} ---")
            stats = pstats.Stats(measured_profile)
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)


def _setting(organisation: str) -> str:
    from bench_mecc_sync import _SETTINGS

    return _SETTINGS[organisation]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--per-staff", type=int, default=8)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--together", action="store_true", help="start the measured syncs all at once"
    )
    parser.add_argument("--top", type=int, default=40)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
