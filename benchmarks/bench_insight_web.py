"""Benchmark: the insight pages over the national SYNTHETIC demo (33,800 LSOAs).

Run: ``python benchmarks/bench_insight_web.py [workspace]`` (default
``workspaces/demo-national``, built if absent). Serves the workspace in-process (FastAPI's
TestClient, a fresh SQLite database in a temporary folder) and times, as an analyst: the
equity audit of one local authority (the page's default on a national workspace), the
stages of change by deprivation fifth, the equity audit of every area (a background job),
preparing the workspace's per-level tables (the web's warm-up), then a segmentation of every
LSOA run from the Segments page (a background job) and its page. Wall and CPU time are
reported (the machine is shared).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from healthgap.datasets import build_demo_workspace
from healthgap.store import create_user
from healthgap.web import Settings, create_app

PASSWORD = "correct horse battery staple"


def _timed(label: str, call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    print(
        f"{label:45s} wall {time.perf_counter() - wall:6.1f} s  CPU "
        f"{time.process_time() - cpu:5.1f} s",
        flush=True,
    )
    return result


def _wait(client: TestClient, url: str) -> str:
    """Poll a job's address until it answers with the page to go to; return that address."""
    while True:
        answer = client.get(url, follow_redirects=False, headers={"HX-Request": "true"})
        if answer.status_code not in (200, 286):
            raise SystemExit(f"{url} answered {answer.status_code}")
        if "HX-Redirect" in answer.headers:
            return answer.headers["HX-Redirect"]
        if answer.status_code == 286:
            raise SystemExit(f"the job failed: {answer.text}")
        time.sleep(1)


def _page(client: TestClient, url: str, expected: str) -> str:
    """The page at ``url``, which must be a success showing ``expected``."""
    answer = client.get(url)
    if answer.status_code != 200 or expected not in answer.text:
        raise SystemExit(f"{url} answered {answer.status_code} without {expected!r}")
    return answer.text


def main() -> int:
    workspace = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("workspaces/demo-national")
    build_demo_workspace(workspace, "national")
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        Settings(
            data_dir=folder, secret_key="b" * 40, workspace=workspace, prepare_in_background=False
        )
    )
    with app.state.database.unit_of_work() as session:
        create_user(session, username="analyst", password=PASSWORD, role="analyst")
    with TestClient(app) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post(
            "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token}
        )
        _timed(
            "equity audit, first local authority",
            lambda: _page(client, "/equity", "Groups using the service less"),
        )
        _timed(
            "stages of change by deprivation fifth",
            lambda: _page(client, "/stages", "communication aid, not a prediction"),
        )
        query = "service=bowel_screening&area="

        def audit_everywhere() -> None:
            _page(client, f"/equity?{query}", "Auditing every small area")
            done = _wait(client, f"/equity/job?{query}")
            _page(client, done, "Groups using the service less")

        _timed("equity audit of every area (job, then its page)", audit_everywhere)
        _timed(
            "prepare the per-level tables (warm-up)",
            lambda: app.state.services.workspaces.area_rows(),
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/segments").text)
        form = {
            "csrf_token": token.group(1),
            "name": "England",
            "n_segments": "auto",
            "method": "kmeans",
            "weights": "auto",
            "seed": "1",
        }
        form |= {
            f"column-{c}_score": "1"
            for c in (
                "Income",
                "Employment",
                "Education",
                "Health",
                "Crime",
                "Housing_and_Services",
                "Environment",
            )
        }

        def segment() -> str:
            job = client.post("/segments", data=form, follow_redirects=False)
            return _wait(client, job.headers["location"])

        made = _timed("segment every LSOA from the page (job)", segment)
        _timed("the new segmentation's page", lambda: _page(client, made, "Persona cards"))
    app.state.database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
