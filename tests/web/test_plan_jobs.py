"""The Plan page's background jobs as database records: the sensitivity job, the JSON state
of a job, and a job left running by a stopped server run again by the next one."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from web_helpers import csrf_from

from healthgap.store import JobRecord


@pytest.fixture
def form(client_as, demo_la: str) -> tuple[object, dict[str, str]]:  # noqa: ANN001
    analyst = client_as("analyst")
    token = csrf_from(analyst.get("/plan").text)
    return analyst, {"csrf_token": token, "area_code": demo_la, "horizon": "5",
                     "target_reduction": "10", "statins__volume": "500",
                     "statins__target": "q1", "blood_pressure__volume": "300",
                     "blood_pressure__target": "q1"}  # fmt: skip


def _wait(client, job_id: str, seconds: float = 120) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while True:
        state = client.get(f"/plan/jobs/{job_id}", headers={"Accept": "application/json"}).json()
        if state["status"] != "running":
            return state
        assert time.monotonic() < deadline, state
        time.sleep(0.2)


def test_the_sensitivity_job_shows_value_of_information(form) -> None:  # noqa: ANN001
    analyst, data = form
    started = analyst.post("/plan/sensitivity", data=data, headers={"HX-Request": "true"})
    job_id = re.search(r'hx-get="/plan/jobs/([^"]+)"', started.text).group(1)
    state = _wait(analyst, job_id)
    assert (
        state["state"] == "done" and state["percent"] == 100 and state["kind"] == "plan_sensitivity"
    )
    page = analyst.get(f"/plan/jobs/{job_id}")
    assert page.status_code == 286
    assert 'data-testid="voi-results"' in page.text and "perfect information" in page.text
    assert 'data-testid="sensitivity-chart-tornado"' in page.text


def test_a_job_a_stopped_server_left_running_is_run_again(app, form, database) -> None:  # noqa: ANN001
    analyst, data = form
    jobs = app.state.services.jobs
    jobs.shutdown()  # this "server" stops taking jobs
    started = analyst.post("/plan/uncertainty", data=data, headers={"HX-Request": "true"})
    job_id = re.search(r'hx-get="/plan/jobs/([^"]+)"', started.text).group(1)
    assert analyst.get(f"/plan/jobs/{job_id}", headers={"Accept": "application/json"}).json()[
        "state"] == "queued"  # fmt: skip
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    with database.unit_of_work() as session:  # as if a process had died in the middle of it
        session.execute(update(JobRecord).where(JobRecord.id == job_id).values(
            status="running", worker="gone:1", attempts=1, heartbeat_at=long_ago))  # fmt: skip
    jobs.stale_seconds = 1.0
    jobs.start()
    state = _wait(analyst, job_id)
    assert state["state"] == "done"
    with database.reader() as session:
        record = session.get(JobRecord, job_id)
        assert record.attempts == 2 and record.worker == jobs.worker
