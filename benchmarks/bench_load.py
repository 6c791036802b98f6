"""Load test of the web app: 50 simulated users on the national SYNTHETIC demo, driven by
locust (as a library), reporting requests per second, p50/p95/p99 and errors per page.

What it does:

1. builds the national demo with ``healthgap demo --out <temp folder>`` (or uses
   ``--workspace``), creates a user with ``healthgap user create``, and starts
   ``healthgap serve`` on a free loopback port in a separate process (one uvicorn process,
   as deployed);
2. waits until the server has prepared the workspace (the country's profile and the Plan
   page answer 200);
3. views every sampled page once (the profiles of a fixed sample of 40 LSOAs, 20 wards, 20
   local authorities, the regions and the country, and a plan preview of each sampled
   authority), as the cache of a server in use would hold them (``--cold`` skips this);
4. runs ``--users`` locust users for ``--seconds``: each signs in, then keeps opening area
   profiles of the sample and changing a Plan control (``POST /plan/preview`` as HTMX sends
   it: one of five local authorities, statins volume 100-1,000 a year in steps of 100, one
   of three target groups: 150 choices, most new to the server), pausing ``--think``
   seconds between requests as a person reading the page would;
5. prints one row per page and the targets of issue 10 (profile pages p95 < 300 ms, plan
   preview p95 < 1 s, no errors), and exits 1 if a target is missed.

Run: ``pip install -e '.[web,bench]' && python benchmarks/bench_load.py`` (about 5 minutes
with the demo build; ``--workspace workspaces/demo-national`` reuses a built demo). The
machine's load average is printed before and after: timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gevent
import pandas as pd
from locust import HttpUser, between, task
from locust.env import Environment

PASSWORD = "load test password 1"
SEED = 20261130
PROFILE_TARGET_MS = 300
PREVIEW_TARGET_MS = 1000
LEVEL_SAMPLE = {"lsoa": 40, "ward": 20, "la": 20, "region": 9, "country": 1}
PLAN_AREAS = 5
VOLUMES = range(100, 1001, 100)
TARGETS = ("all", "q1", "q12")
#: A problem's rule as the problem table shows it (a cell of lowercase words with "_").
#: The Plan form's own refusal of a volume above the people eligible (web/planning.py).
POOL_REFUSAL = "people eligible"
#: Previews answered with that refusal during the run (reported beside the table).
refusals = [0]
RULE = re.compile(r'<td class="govuk-table__cell">([a-z]+(?:_[a-z]+)+)</td>')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthgap(*args: str, env: dict[str, str]) -> None:
    subprocess.run(["healthgap", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def sample_areas(workspace: Path) -> dict[str, list[str]]:
    areas = pd.read_parquet(workspace / "areas.parquet", columns=["area_code", "level"])
    rng = random.Random(SEED)
    chosen = {}
    for level, size in LEVEL_SAMPLE.items():
        codes = sorted(areas.loc[areas["level"].astype(str) == level, "area_code"].astype(str))
        chosen[level] = rng.sample(codes, min(size, len(codes)))
    return chosen


def wait_until_ready(base: str, country: str, la: str, timeout: float = 900) -> float:
    """Seconds until the server answers the country's profile and the Plan page."""
    import requests  # locust's own client library (gevent-friendly)

    started = time.monotonic()
    client = requests.Session()
    while time.monotonic() - started < timeout:
        try:
            if client.get(f"{base}/health", timeout=10).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        time.sleep(1)
    page = client.get(f"{base}/login", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"username": "load", "password": PASSWORD, "csrf_token": token}
    client.post(f"{base}/login", data=form, timeout=60)
    for url in (f"/area/{country}", f"/area/{la}", "/plan"):
        while client.get(base + url, timeout=300).status_code != 200:
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"{url} was not ready after {timeout:.0f} s")
            time.sleep(2)
    return time.monotonic() - started


def user_class(areas: dict[str, list[str]], think: tuple[float, float]) -> type[HttpUser]:
    las = areas["la"][:PLAN_AREAS]

    class Commissioner(HttpUser):
        wait_time = between(*think)

        def on_start(self) -> None:
            page = self.client.get("/login", name="sign in").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            self.client.post(
                "/login",
                data={"username": "load", "password": PASSWORD, "csrf_token": token},
                name="sign in",
            )
            plan = self.client.get("/plan", name="plan page").text
            self.token = re.search(r'name="csrf_token" value="([^"]+)"', plan).group(1)

        @task(4)
        def profile(self) -> None:
            level = random.choice(["lsoa", "lsoa", "ward", "la", "la", "region", "country"])
            code = random.choice(areas[level])
            self.client.get(f"/area/{code}", name=f"profile: {level}")

        @task(1)
        def preview(self) -> None:
            form = {
                "csrf_token": self.token,
                "area_code": random.choice(las),
                "horizon": "5",
                "target_reduction": "10",
                "statins__volume": str(random.choice(VOLUMES)),
                "statins__target": random.choice(TARGETS),
            }
            with self.client.post(
                "/plan/preview",
                data=form,
                headers={"HX-Request": "true"},
                name="plan preview",
                catch_response=True,
            ) as response:
                text = response.text
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                elif POOL_REFUSAL in text:
                    # A volume above a small authority's eligible people: the form's designed
                    # answer (the row named in the error summary), counted apart, not a failure.
                    refusals[0] += 1
                elif "problem" in text.lower():
                    rules = sorted(set(RULE.findall(text)))
                    response.failure(f"the preview listed problems: {', '.join(rules)}")

    return Commissioner


def warm_up(base: str, areas: dict[str, list[str]]) -> float:
    """View every sampled page once (as a busy server's cache would hold them); seconds."""
    import requests

    started = time.monotonic()
    client = requests.Session()
    page = client.get(f"{base}/login", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"username": "load", "password": PASSWORD, "csrf_token": token}
    client.post(f"{base}/login", data=form, timeout=60)
    for codes in areas.values():
        for code in codes:
            client.get(f"{base}/area/{code}", timeout=300)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"{base}/plan").text)
    for code in areas["la"][:PLAN_AREAS]:
        for target in TARGETS:
            plan = {"csrf_token": token.group(1), "area_code": code, "statins__volume": "100",
                    "statins__target": target}  # fmt: skip
            client.post(f"{base}/plan/preview", data=plan, headers={"HX-Request": "true"})
    return time.monotonic() - started


def run_load(base: str, areas: dict[str, list[str]], args: argparse.Namespace) -> Environment:
    environment = Environment(user_classes=[user_class(areas, args.think)], host=base)
    runner = environment.create_local_runner()
    runner.start(args.users, spawn_rate=args.users / 5)
    gevent.sleep(args.seconds)
    runner.quit()
    return environment


def report(environment: Environment) -> bool:
    print("\n| page | requests | errors | req/s | p50 (ms) | p95 (ms) | p99 (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    met = True
    entries = sorted(environment.stats.entries.values(), key=lambda e: e.name)
    for entry in [*entries, environment.stats.total]:
        p50, p95, p99 = (entry.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99))
        name = entry.name if entry is not environment.stats.total else "all"
        print(
            f"| {name} | {entry.num_requests} | {entry.num_failures} | "
            f"{entry.total_rps:.1f} | {p50:.0f} | {p95:.0f} | {p99:.0f} |"
        )
        if name.startswith("profile") and p95 > PROFILE_TARGET_MS:
            met = False
        if name == "plan preview" and p95 > PREVIEW_TARGET_MS:
            met = False
    errors = environment.stats.total.num_failures
    for error in environment.stats.errors.values():
        print(f"error: {error.name}: {error.error} ({error.occurrences} times)")
    refused = refusals[0]
    print(f"plan previews refusing a volume above the people eligible: {refused}")
    print(
        f"\ntargets: profile pages p95 < {PROFILE_TARGET_MS} ms, plan preview p95 < "
        f"{PREVIEW_TARGET_MS} ms, 0 errors: {'met' if met and not errors else 'NOT met'}"
    )
    return met and not errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", type=Path, help="a built national demo to reuse")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument(
        "--think",
        type=lambda text: tuple(float(x) for x in text.split("-")),
        default=(1.0, 2.0),
        help="seconds between a user's requests, as FROM-TO (0-0: none)",
    )
    parser.add_argument(
        "--cold", action="store_true", help="skip viewing the sampled pages once first"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "HEALTHGAP_SECRET_KEY": "l" * 48}
        workspace = args.workspace
        if workspace is None:
            workspace = Path(folder) / "demo-national"
            print("building the national SYNTHETIC demo (healthgap demo) ...", flush=True)
            healthgap("demo", "--out", str(workspace), env=env)
        data_dir = Path(folder) / "web"
        healthgap(
            "user", "create", "load", "--role", "analyst", "--password", PASSWORD,
            "--data-dir", str(data_dir), env=env,
        )  # fmt: skip
        areas = sample_areas(workspace)
        port = free_port()
        server = subprocess.Popen(
            ["healthgap", "serve", "--workspace", str(workspace), "--port", str(port),
             "--data-dir", str(data_dir)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            ready = wait_until_ready(base, areas["country"][0], areas["la"][0])
            print(f"server ready after {ready:.0f} s", flush=True)
            if not args.cold:
                print(f"sampled pages viewed once in {warm_up(base, areas):.0f} s", flush=True)
            print(f"load average before: {os.getloadavg()}")
            print(
                f"{args.users} users for {args.seconds:.0f} s, think time "
                f"{args.think[0]:g}-{args.think[1]:g} s",
                flush=True,
            )
            environment = run_load(base, areas, args)
            print(f"load average after: {os.getloadavg()}")
            return 0 if report(environment) else 1
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
