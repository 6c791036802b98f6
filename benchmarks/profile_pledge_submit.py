"""Where the server's time goes on the pledge path: a CPU profile of the real server.

Starts the web app under uvicorn in its own process with ``yappi`` measuring CPU time (every
thread: the event loop and the thread pool), sends ``--pledges`` pledges at ``--rate`` a
second from ``--sessions`` visitors (the load tools of ``bench_pledge_rush.py``), stops the
server, and prints, after a warm-up, the functions that cost most (own and cumulative time)
and each layer's share: ``healthgap``, Starlette/FastAPI, SQLAlchemy, uvicorn, and "other"
(mostly C code: the database driver, hashing, the standard library).

Run: ``python benchmarks/profile_pledge_submit.py --database-url sqlite:///...`` (default: a
SQLite file in a temporary folder). The profile slows the server by about a third; compare
shares, not absolute times, with ``bench_pledge_rush.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_pledge_rush import create_campaign  # noqa: E402
from pledge_load import free_port, open_sessions, rush  # noqa: E402

SERVER = """
import signal, sys, yappi, uvicorn
from healthgap.web import Settings, create_app
data_dir, port, stats, url = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
fields = {"data_dir": data_dir} | ({"database_url": url} if url else {})
app = create_app(Settings(**fields))
yappi.set_clock_type("cpu")
yappi.start()
signal.signal(signal.SIGUSR1, lambda *_: yappi.clear_stats())  # the warm-up is over
uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")
yappi.stop()
yappi.get_func_stats().save(stats, type="pstat")
"""

LAYERS = {
    "healthgap": "/healthgap/",
    "starlette+fastapi": ("/starlette/", "/fastapi/"),
    "sqlalchemy": "/sqlalchemy/",
    "sqlite3/psycopg": ("sqlite3", "psycopg"),
    "uvicorn+httptools": ("/uvicorn/", "httptools"),
    "jinja2": "/jinja2/",
    "itsdangerous (session)": "/itsdangerous/",
    "python-multipart (form)": "/multipart/",
}


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the profiled server exited")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the profiled server did not start")


async def load(url: str, server: subprocess.Popen[bytes], args: argparse.Namespace) -> int:
    """Open the sessions, warm up (templates compiled, word lists loaded, connections
    opened), start the profile afresh, then send the measured pledges."""
    async with httpx.AsyncClient(timeout=60) as client:
        sessions = await open_sessions(url, args.sessions)
        await rush(client, url, sessions, rate=args.rate, duration=3)
        server.send_signal(signal.SIGUSR1)
        await asyncio.sleep(0.5)
        done = await rush(client, url, sessions, rate=args.rate, duration=args.pledges / args.rate)
    return len(done.receipts)


def layer_totals(stats: pstats.Stats) -> dict[str, float]:
    """Own (not cumulative) CPU time of each layer's functions."""
    totals = dict.fromkeys(LAYERS, 0.0) | {"other": 0.0}
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        for layer, marks in LAYERS.items():
            if any(mark in filename for mark in ([marks] if isinstance(marks, str) else marks)):
                totals[layer] += own
                break
        else:
            totals["other"] += own
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--pledges", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pledge-profile-"))
    data_dir, stats_file, port = folder / "web", folder / "server.pstat", free_port()
    data_dir.mkdir()
    create_campaign(data_dir, args.database_url or None)
    env = {**os.environ, "HEALTHGAP_SECRET_KEY": "benchmark secret " * 4}
    command = [sys.executable, "-c", SERVER, str(data_dir), str(port), str(stats_file)]
    server = subprocess.Popen([*command, args.database_url], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url, server)
        acknowledged = asyncio.run(load(url, server, args))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=120)
    stats = pstats.Stats(str(stats_file))
    total = sum(own for (_, _, own, _, _) in stats.stats.values())  # type: ignore[attr-defined]
    print(f"{acknowledged} pledges acknowledged; server CPU under the profiler {total:.2f} s")
    for layer, seconds in sorted(layer_totals(stats).items(), key=lambda kv: -kv[1]):
        print(f"  {layer:<26} {seconds:6.2f} s  {100 * seconds / total:5.1f} %")
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
