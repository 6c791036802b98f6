"""Background jobs with progress (the Plan page's "run with uncertainty").

One worker thread, so a long Monte Carlo run never takes both cores from page requests. Jobs
live in memory and belong to the user who started them; the page polls
``/plan/jobs/{id}`` (HTMX ``every 1s``) and stops when the job is done (HTTP 286).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from healthgap.errors import HealthgapError

__all__ = ["Job", "JobRunner"]

log = logging.getLogger("healthgap.web")


@dataclass
class Job:
    id: str
    owner_id: int
    done_steps: int = 0
    total_steps: int = 1
    status: str = "running"  # running, done, failed
    result: Any = None
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def percent(self) -> int:
        return int(100 * self.done_steps / max(self.total_steps, 1))


class JobRunner:
    def __init__(self, max_jobs: int = 50) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthgap-job")
        self._jobs: dict[str, Job] = {}
        self._max_jobs = max_jobs

    def start(self, owner_id: int, work: Callable[[Callable[[int, int], None]], Any]) -> Job:
        """Run ``work(progress)`` in the background; ``progress(done, total)`` updates the bar."""
        job = Job(secrets.token_urlsafe(12), owner_id)
        # Keep memory bounded: forget the oldest finished jobs.
        finished = [j for j in self._jobs.values() if j.status != "running"]
        for old in finished[: max(0, len(self._jobs) - self._max_jobs)]:
            self._jobs.pop(old.id, None)
        self._jobs[job.id] = job

        def progress(done: int, total: int) -> None:
            with job.lock:
                job.done_steps, job.total_steps = done, total

        def run() -> None:
            try:
                result = work(progress)
            except HealthgapError as exc:  # the user's problem, said in the page
                with job.lock:
                    job.status, job.error = "failed", str(exc)
                return
            except Exception as exc:  # noqa: BLE001 - a bug: logged, never shown as a trace
                reference = secrets.token_hex(4)
                log.error("job %s failed: unexpected error %s", job.id, reference, exc_info=exc)
                with job.lock:
                    job.status = "failed"
                    job.error = (
                        f"a bug in healthgap (reference {reference}; the details are in the "
                        "server log)"
                    )
                return
            with job.lock:
                job.result, job.status = result, "done"
                job.done_steps = job.total_steps

        self._pool.submit(run)
        return job

    def get(self, job_id: str, owner_id: int) -> Job | None:
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner_id == owner_id else None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
