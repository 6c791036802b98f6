"""Web workspace timings over loopback: a Plan control change, and area-profile throughput.

Starts ``healthgap serve --demo --demo-size small`` (small SYNTHETIC demo, one local
authority) in a separate process on a free 127.0.0.1 port, signs in over HTTP and measures:

1. p50/p95 of ``POST /plan/preview`` (what HTMX sends when a control changes) for the demo
   local authority, without uncertainty; target p95 < 300 ms end to end;
2. requests per second of ``GET /area/<la>`` with 20 concurrent clients (bounded: 400
   requests or 60 s, whichever comes first).

Run: ``python benchmarks/bench_web.py``. Only loopback traffic; the server is stopped at the end.
"""

from __future__ import annotations

import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

PASSWORD = "benchmark password 1"
PLAN_CHANGES = 200
PROFILE_CLIENTS = 20
PROFILE_REQUESTS = 400
PROFILE_TIME_LIMIT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    cli = [sys.executable, "-c", "from healthgap.cli import main; main()"]
    subprocess.run(
        [
            *cli,
            "user",
            "create",
            "bench",
            "--role",
            "analyst",
            "--password",
            PASSWORD,
            "--data-dir",
            str(folder),
        ],
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [
            *cli,
            "serve",
            "--demo",
            "--demo-size",
            "small",
            "--data-dir",
            str(folder),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("server did not start")


def signed_in(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    page = client.get("/plan").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    la = re.search(r'<option value="([^"]+)" selected', page).group(1)
    return client, f"{token}|{la}"


def bench_plan(base: str) -> tuple[float, float, str]:
    client, meta = signed_in(base)
    token, la = meta.split("|")
    form = {
        "csrf_token": token,
        "area_code": la,
        "horizon": "5",
        "target_reduction": "10",
        "statins__target": "q1",
        "smoking_cessation__volume": "200",
    }
    headers = {"HX-Request": "true"}
    client.post("/plan/preview", data={**form, "statins__volume": "100"}, headers=headers)
    times = []
    for i in range(PLAN_CHANGES):
        started = time.perf_counter()
        response = client.post(
            "/plan/preview", data={**form, "statins__volume": str(100 + i)}, headers=headers
        )
        times.append(time.perf_counter() - started)
        assert response.status_code == 200 and "reduction-male" in response.text
    quantiles = statistics.quantiles(times, n=20)
    return statistics.median(times) * 1000, quantiles[18] * 1000, la


def bench_profile(base: str, la: str) -> tuple[float, int, float]:
    clients = [signed_in(base)[0] for _ in range(PROFILE_CLIENTS)]
    clients[0].get(f"/area/{la}")  # warm the workspace tables
    done, failures, lock = [0], [0], threading.Lock()
    stop_at = time.monotonic() + PROFILE_TIME_LIMIT

    def worker(client: httpx.Client) -> None:
        while time.monotonic() < stop_at:
            with lock:
                if done[0] + failures[0] >= PROFILE_REQUESTS:
                    return
            ok = client.get(f"/area/{la}").status_code == 200
            with lock:
                done[0] += ok
                failures[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return done[0] / elapsed, failures[0], elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = start_server(Path(folder), port)
        base = f"http://127.0.0.1:{port}"
        try:
            p50, p95, la = bench_plan(base)
            rps, failures, elapsed = bench_profile(base, la)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("| case | result | target |")
    print("|---|---|---|")
    print(
        f"| plan control change, POST /plan/preview ({PLAN_CHANGES} changes), p50 "
        f"| {p50:.0f} ms | |"
    )
    print(f"| plan control change, p95 | {p95:.0f} ms | < 300 ms |")
    print(
        f"| area profile GET /area/{la}, {PROFILE_CLIENTS} concurrent clients "
        f"| {rps:.1f} requests/s ({failures} failed, {elapsed:.0f} s) | |"
    )


if __name__ == "__main__":
    main()
