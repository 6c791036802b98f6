"""First start of the national demo, as a new user runs it, and an upload into it.

Runs ``healthgap serve --demo`` (national SYNTHETIC demo) in its own process from an empty
folder (so the demo workspace is built and the web data folder is fresh), on a free
127.0.0.1 port, and measures:

1. seconds from the command to the first answer of ``/health`` (the demo built, the app up);
2. seconds from the command until the workspace is prepared (the country's profile page
   answers 200 instead of "Preparing the workspace");
3. while it prepares, the longest wait of any page request: a client asks for the home
   page, the country's profile, an LA's profile, the Plan page and the Data page in turn,
   every 0.25 s (the promise: no request waits more than about a second);
4. an upload of a valid three-row indicators CSV through the Data page (as HTMX sends it):
   seconds until imported, and the longest wait of a page asked for meanwhile.

Run: ``python benchmarks/bench_web_first_start.py`` (2-4 minutes on 2 cores). Loopback only;
the server is stopped at the end. The machine may be shared, so it also prints the load
average and the CPU seconds of the server with its preparation child (from ``getrusage`` of
the stopped server). ``--workspace DIR`` reuses a built demo (measures the
preparation alone).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

PASSWORD = "benchmark password 1"
COUNTRY = "E92000001"
INDICATORS = (
    "area_code,period,sex,indicator,value,lowercl,uppercl,count,denominator\n"
    f"{COUNTRY},2022,female,smoking_prevalence,14.2,12.9,15.6,210,1480\n"
    f"{COUNTRY},2022,male,smoking_prevalence,16.2,14.9,17.6,250,1500\n"
    f"{COUNTRY},2023,male,smoking_prevalence,15.2,13.9,16.6,240,1500\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from healthgap.cli import main; main()", *args]


def sign_in(client: httpx.Client) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})


WAITS: list[tuple[float, str, int, float]] = []  # (seconds, path, status, when)


def watch(client: httpx.Client, paths: list[str], stop: threading.Event) -> list[float]:
    """Ask for each page in turn every 0.25 s until ``stop``; the time of each request."""
    waits = []
    while not stop.is_set():
        for path in paths:
            started = time.perf_counter()
            answer = client.get(path, timeout=120)
            waits.append(time.perf_counter() - started)
            WAITS.append((waits[-1], path, answer.status_code, started))
            time.sleep(0.25)
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="a national demo already built")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-first-start-"))
    data = folder / "web"
    port = free_port()
    env = {**os.environ, "HEALTHGAP_SECRET_KEY": "b" * 40}
    subprocess.run(
        cli(
            "user",
            "create",
            "bench",
            "--role",
            "analyst",
            "--password",
            PASSWORD,
            "--data-dir",
            str(data),
        ),
        cwd=folder,
        check=True,
        capture_output=True,
        env=env,
    )
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    serve = ["serve", "--port", str(port), "--data-dir", str(data)]
    serve += ["--workspace", str(args.workspace)] if args.workspace else ["--demo"]
    started = time.perf_counter()
    server = subprocess.Popen(
        cli(*serve),
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        client = httpx.Client(base_url=base, timeout=120)
        while True:
            try:
                client.get("/health")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        up = time.perf_counter() - started
        sign_in(client)
        la = re.search(r'<option value="(E0[6-9]\d{6})"', client.get("/plan").text).group(1)
        pages = ["/", f"/area/{COUNTRY}", f"/area/{la}", "/plan", "/data"]
        stop = threading.Event()
        watcher = httpx.Client(base_url=base, cookies=client.cookies, timeout=120)
        waits: list[float] = []
        thread = threading.Thread(target=lambda: waits.extend(watch(watcher, pages, stop)))
        thread.start()
        while True:
            page = client.get(f"/area/{COUNTRY}")
            if page.status_code == 200 and "Preparing the workspace" not in page.text:
                break
            time.sleep(0.5)
        ready = time.perf_counter() - started
        stop.set()
        thread.join()
        print(f"up (demo built, app answering): {up:.1f} s")
        print(f"ready (workspace prepared): {ready:.1f} s; preparation {ready - up:.1f} s")
        print(
            f"page requests while preparing: {len(waits)}, longest {max(waits):.2f} s, "
            f"over 1 s: {sum(w > 1.0 for w in waits)}"
        )
        for took, path, status, when in sorted(WAITS, reverse=True)[:6]:
            print(f"  slowest: {took:.2f} s {path} ({status}) at {when - started:.0f} s")
        upload(client, watcher, pages)
    finally:
        server.terminate()
        server.wait(timeout=30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"CPU seconds of the server and its preparation child (whole run): {cpu:.1f}")
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def upload(client: httpx.Client, watcher: httpx.Client, pages: list[str]) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/data").text).group(1)
    stop = threading.Event()
    waits: list[float] = []
    thread = threading.Thread(target=lambda: waits.extend(watch(watcher, pages, stop)))
    thread.start()
    started = time.perf_counter()
    answer = client.post(
        "/data/upload",
        data={"csrf_token": token},
        files=[("files", ("indicators.csv", INDICATORS.encode(), "text/csv"))],
        headers={"HX-Request": "true"},
    )
    job = re.search(r'hx-get="/data/jobs/([^"]+)"', answer.text).group(1)
    while True:
        status = client.get(f"/data/jobs/{job}", headers={"HX-Request": "true"})
        if status.status_code == 286:
            break
        time.sleep(0.1)
    took = time.perf_counter() - started
    stop.set()
    thread.join()
    imported = 'data-testid="upload-imported"' in status.text
    if not imported:
        print(status.text[:2000])
    print(
        f"upload of 3 indicator rows: {took:.1f} s, imported: {imported}; pages meanwhile: "
        f"{len(waits)}, longest {max(waits):.2f} s"
    )


if __name__ == "__main__":
    main()
