"""Web workspace on the NATIONAL SYNTHETIC demo: first-view and repeat times of every page.

Builds (or reuses) ``workspaces/demo-national`` (33,800 LSOAs, 6,800 wards, 300 LAs, 9
regions, 15 years, 8 causes), creates the app in process with a fresh data folder and drives
it with FastAPI's TestClient (no network). Measures:

1. how long the background preparation takes (summing the workspace to every level, the
   pooled small-area period, the Plan baseline and the country's profile), from a fresh
   data folder ("cold") and again from the prepared tables it keeps ("restart");
2. first view and repeat of the home page, the area picker's search, an area profile at each
   level (LSOA, ward, LA, region, country), the Explain page (vs England and vs the area's
   least deprived fifth) and the target trajectory, and the Plan page;
3. p50/p95 of ``POST /plan/preview`` for one local authority (200 control changes) and one
   budget and one uncertainty start.

Run: ``python benchmarks/bench_web_national.py`` (about 2 minutes on 2 cores).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

from web_helpers import add_user, csrf_from, login  # noqa: E402

from healthgap.data.workspace import open_workspace  # noqa: E402
from healthgap.datasets import build_demo_workspace  # noqa: E402
from healthgap.web import Settings, create_app  # noqa: E402

WORKSPACE = ROOT / "workspaces" / "demo-national"
PLAN_CHANGES = 200


def prepared(app: Any, started: float) -> float:
    """Seconds from ``started`` until the background preparation (and the Plan baseline) is
    done."""
    service = app.state.services.workspaces
    while True:
        try:
            service.area_rows(wait=1.0)
            break
        except Exception:  # noqa: BLE001 - still preparing
            continue
    # The rest of the warm-up (pooled period, Plan baseline, the country's profile) runs on
    # in the same background thread.
    while any(t.name == "healthgap-warm" for t in threading.enumerate()):
        time.sleep(0.1)
    return time.perf_counter() - started


def timed(client: TestClient, url: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.get(url)
    return time.perf_counter() - started, response.status_code, len(response.content)


def main() -> None:
    print("building (or reusing) the national SYNTHETIC demo workspace ...", flush=True)
    build_demo_workspace(WORKSPACE, size="national")
    areas = open_workspace(WORKSPACE).read("areas")

    def one(level: str, n: int = 0) -> str:
        return str(areas.loc[areas["level"] == level, "area_code"].iloc[n])

    la, region = one("la", 5), one("region", 2)
    pages = [
        ("home", "/"),
        ("picker search (LSOAs, '001')", "/areas/options?level=lsoa&q=001"),
        ("area profile: LSOA", f"/area/{one('lsoa', 1000)}"),
        ("area profile: ward", f"/area/{one('ward', 100)}"),
        ("area profile: LA", f"/area/{la}"),
        ("area profile: region", f"/area/{region}"),
        ("area profile: country", f"/area/{one('country')}"),
        ("explain LA vs England", f"/explain/{la}"),
        ("explain LA fifths", f"/explain/{la}?compare=quintiles"),
        ("explain region vs England", f"/explain/{region}"),
        ("target trajectory LA vs England", f"/explain/{la}/target"),
        ("target trajectory LA fifths", f"/explain/{la}/target?compare=quintiles"),
        ("plan page", "/plan"),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for run in ("cold", "restart"):
            started = time.perf_counter()
            settings = Settings(data_dir=Path(folder), secret_key="b" * 40, workspace=WORKSPACE)
            app = create_app(settings)
            client = TestClient(app)
            client.__enter__()  # the app's lifespan starts the preparation
            print(f"preparation ({run}): {prepared(app, started):.1f} s", flush=True)
            if run == "cold":
                client.__exit__(None, None, None)
                app.state.database.dispose()
        with client:
            add_user(app.state.database, "admin", "bench")
            login(client, "bench")
            print("\n| page | first view (s) | repeat (s) | status | size (KB) |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, url in pages:
                first, status, size = timed(client, url)
                again, _, _ = timed(client, url)
                print(f"| {name} | {first:.3f} | {again:.3f} | {status} | {size / 1024:.0f} |")
            token = csrf_from(client.get("/plan").text)
            key = next(iter(app.state.services.planner().library))
            times = []
            form: dict[str, str] = {}
            for change in range(PLAN_CHANGES):
                form = {
                    "csrf_token": token,
                    "area_code": la,
                    f"{key}__volume": str(100 + change),
                    "horizon": "5",
                    "target_reduction": "10",
                }
                started = time.perf_counter()
                response = client.post("/plan/preview", data=form, headers={"HX-Request": "true"})
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            cuts = statistics.quantiles(times, n=20)
            print(
                f"\nplan preview for {la} ({PLAN_CHANGES} changes): "
                f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {cuts[18] * 1000:.0f} ms"
            )
            started = time.perf_counter()
            response = client.post("/plan/budget", data={**form, "budget": "1000000"})
            print(f"plan budget: {time.perf_counter() - started:.3f} s ({response.status_code})")
        app.state.database.dispose()


if __name__ == "__main__":
    main()
