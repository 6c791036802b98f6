"""The figures of pages, computed once per key, without keeping a page request waiting.

Every page request that computes something slow (a profile, a decomposition) goes through
:class:`PageResults`: the first request for a key computes it, later ones reuse it. The docs
promise that no page request waits more than a second, also while a national workspace is
being prepared (when the machine's cores are busy and a first profile can take seconds). So
in a page request of a serving app (:data:`ANSWER_BY` set by the app for each GET) the
computation runs in a thread of its own, the request waits for it only until its answer is
due, and otherwise answers "working out this page" (:class:`PageNotReadyError`; the page
asks again by itself and then gets the result, or the computation's error). Elsewhere (jobs,
tests, the warm-up) the caller computes in its own thread, as before.

>>> results = PageResults()
>>> results.get(("answer",), lambda: 42, detach=False), results.get(("answer",), dict, False)
(42, 42)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextvars import ContextVar, copy_context
from typing import Any

__all__ = [
    "ANSWER_BY",
    "PAGE_BUDGET_SECONDS",
    "PAGE_WAIT_SECONDS",
    "PageNotReadyError",
    "PageResults",
    "WorkspaceNotReadyError",
    "wait_budget",
]

#: How long a page waits for the workspace to be prepared, or for another thread's
#: computation, before showing "preparing" (with the page itself, under the promised second).
PAGE_WAIT_SECONDS = 0.5
#: How long a page request may wait in all for the workspace and its figures (the rest of
#: the promised second is for drawing the page).
PAGE_BUDGET_SECONDS = 0.7
#: The monotonic time by which the current page request must answer (``None`` outside one).
ANSWER_BY: ContextVar[float | None] = ContextVar("healthgap_answer_by", default=None)
# Set in a thread computing for a page: what it needs in turn it computes itself.
_IN_WORKER: ContextVar[bool] = ContextVar("healthgap_page_worker", default=False)
#: Results kept at most (then all are forgotten and recomputed on demand).
KEPT = 256


class WorkspaceNotReadyError(Exception):
    """The summed tables are still being prepared; the page asks to come back shortly."""

    def __init__(self, stage: str, done: int, total: int) -> None:
        super().__init__(stage)
        self.stage, self.done, self.total = stage, done, total


class PageNotReadyError(WorkspaceNotReadyError):
    """The workspace is ready but this page's figures are still being worked out (for the
    first time); the page asks again shortly."""

    def __init__(self) -> None:
        super().__init__("working out this page", 0, 1)


def wait_budget(wait: float) -> float:
    """``wait`` seconds, or less when the page request must answer sooner (:data:`ANSWER_BY`)."""
    answer_by = ANSWER_BY.get()
    return wait if answer_by is None else max(0.0, min(wait, answer_by - time.monotonic()))


class PageResults:
    """Computed results by key, each computed once (see the module's description)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[tuple[object, ...], Any] = {}
        self._computing: dict[tuple[object, ...], threading.Event] = {}
        self._failures: dict[tuple[object, ...], Exception] = {}

    def put(self, key: tuple[object, ...], value: Any) -> None:
        """Keep ``value`` as the result of ``key`` (computed elsewhere)."""
        with self._lock:
            if len(self._results) >= KEPT:
                self._results.clear()
            self._results[key] = value

    def clear(self) -> None:
        """Forget every kept result and failure (as a freshly started server process would);
        computations still running finish and keep theirs."""
        with self._lock:
            self._results.clear()
            self._failures.clear()

    def get(self, key: tuple[object, ...], compute: Callable[[], Any], detach: bool) -> Any:
        """The result of ``key``, from ``compute()`` the first time. With ``detach`` and
        inside a page request, computed in a thread of its own and waited for only until the
        page's answer is due (:class:`PageNotReadyError` after that)."""
        with self._lock:
            if key in self._results:
                return self._results[key]
            failed = self._failures.pop(key, None)
            if failed is not None:  # the computation a page left running failed: say why
                raise failed
            running = self._computing.get(key)
            mine = running is None
            if mine:
                running = self._computing[key] = threading.Event()
        detach = detach and ANSWER_BY.get() is not None and not _IN_WORKER.get()
        if mine and not detach:
            return self._compute(key, compute, running, keep_failure=False)
        if mine:
            # The worker keeps the request's due time: a workspace still being prepared is
            # then the "preparing" page (its error, kept for the request), not a long wait.
            context = copy_context()
            context.run(_IN_WORKER.set, True)
            worker = threading.Thread(
                target=context.run,
                args=(self._compute, key, compute, running, True),
                name="healthgap-page",
                daemon=True,
            )
            worker.start()
        # This request's thread, another visitor's or the warm-up computes it: wait until
        # the answer is due, then say "working out this page" rather than keep waiting.
        if not running.wait(wait_budget(PAGE_WAIT_SECONDS)):
            raise PageNotReadyError()
        return self.get(key, compute, detach)

    def _compute(
        self,
        key: tuple[object, ...],
        compute: Callable[[], Any],
        running: threading.Event,
        keep_failure: bool,
    ) -> Any:
        try:
            value = compute()  # outside the lock: a slow page must not block the others
        except Exception as error:
            if not keep_failure:
                raise
            with self._lock:  # for the visitor's next request, which asks again
                self._failures[key] = error
            return None
        else:
            self.put(key, value)
            return value
        finally:
            with self._lock:
                self._computing.pop(key, None)
            running.set()
