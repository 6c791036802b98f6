"""No traceback ever reaches a web user: a bug is a 500 page with a reference to the log."""

from __future__ import annotations

import logging
import re
import time

import pytest
from fastapi.testclient import TestClient
from web_helpers import add_user, login


def _broken(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("an internal mistake")


def test_a_bug_is_a_500_page_with_a_reference(
    app, demo_la: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # noqa: ANN001
    monkeypatch.setattr("healthgap.web.routes.explain.explain_gap", _broken)
    add_user(app.state.database, "viewer")
    viewer = login(
        TestClient(app, base_url="http://testserver", raise_server_exceptions=False), "viewer"
    )
    with caplog.at_level(logging.ERROR, logger="healthgap.web"):
        response = viewer.get(f"/explain/{demo_la}?period=2022-24")
    assert response.status_code == 500
    reference = response.headers["X-Error-Reference"]
    assert re.fullmatch(r"[0-9a-f]{8}", reference)
    assert f"reference {reference}" in response.text and "bug" in response.text
    assert "Traceback" not in response.text and "an internal mistake" not in response.text
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the details are in the server log


def test_a_failed_job_says_bug_not_trace(app, database) -> None:  # noqa: ANN001
    owner = add_user(database, "analyst")
    jobs = app.state.services.jobs
    jobs.handlers["broken"] = lambda _params, _progress: _broken(None)
    job = jobs.submit(owner, "broken", {})
    deadline = time.monotonic() + 10
    while job.status == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
        job = jobs.get(job.id, owner)
    assert job.status == "failed"
    assert "bug" in job.error and "an internal mistake" not in job.error
