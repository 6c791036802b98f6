"""A page request never waits for a slow computation longer than its answer is due (issue 11:
"no request waits more than 1 s"): it says "working out this page" and the computation goes
on; the next request gets its result, or its error."""

from __future__ import annotations

import threading
import time

import pytest

from healthgap.errors import InputError
from healthgap.web.page_results import ANSWER_BY, PageNotReadyError, PageResults


def _as_page(seconds: float):  # noqa: ANN202
    return ANSWER_BY.set(time.monotonic() + seconds)


def test_a_page_is_answered_on_time_while_its_figures_are_worked_out() -> None:
    results = PageResults()
    release = threading.Event()
    calls = []

    def slow() -> int:
        calls.append(1)
        release.wait(30)
        return 7

    token = _as_page(0.3)
    try:
        started = time.monotonic()
        with pytest.raises(PageNotReadyError):
            results.get(("profile", "E1"), slow, detach=True)
        assert time.monotonic() - started < 0.6
        with pytest.raises(PageNotReadyError):  # asked again: still one computation
            results.get(("profile", "E1"), slow, detach=True)
    finally:
        ANSWER_BY.reset(token)
    release.set()
    token = _as_page(5)
    try:
        assert results.get(("profile", "E1"), slow, detach=True) == 7
    finally:
        ANSWER_BY.reset(token)
    assert len(calls) == 1


def test_the_error_of_a_computation_left_running_reaches_the_next_request() -> None:
    results = PageResults()
    release = threading.Event()

    def failing() -> int:
        release.wait(30)
        raise InputError("no such period", rule="missing_period")

    token = _as_page(0.2)
    try:
        with pytest.raises(PageNotReadyError):
            results.get(("explain",), failing, detach=True)
        release.set()
        time.sleep(0.3)
        with pytest.raises(InputError, match="no such period"):
            results.get(("explain",), failing, detach=True)
    finally:
        ANSWER_BY.reset(token)


def test_outside_a_page_request_the_caller_computes_and_waits() -> None:
    results = PageResults()
    assert ANSWER_BY.get() is None
    assert results.get(("job",), lambda: time.sleep(0.2) or 3, detach=True) == 3
    with pytest.raises(ValueError, match="bad"):
        results.get(("bad",), lambda: (_ for _ in ()).throw(ValueError("bad")), detach=True)
