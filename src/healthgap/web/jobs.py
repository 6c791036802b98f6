"""Background jobs with progress (e.g. the Plan page's "run with uncertainty"), kept in the
database so that every server process sees them and a restart finds them again.

A route submits a job: a *kind* and JSON parameters (:func:`healthgap.store.submit_job`).
Each server process runs one :class:`JobRunner` thread that claims queued jobs of the
kinds it knows (atomically: one process per job), runs them one at a time with the
executor the server was given (:mod:`healthgap.compute`: in-process by default, or a Dask
cluster), records progress and a heartbeat as it goes, and keeps the result bundle in
``<data_dir>/jobs/<id>`` (:func:`healthgap.reports.stored.save_bundle`). A job whose
process died is queued again once its heartbeat is ``stale_seconds`` old, up to three
times, then reported as failed. The page polls ``/plan/jobs/{id}`` (HTMX ``every 1s``)
and stops when the job is finished (HTTP 286).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthgap.errors import HealthgapError
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.stored import load_bundle, save_bundle
from healthgap.store import (
    Database,
    JobRecord,
    claim_job,
    fail_job,
    finish_job,
    get_job,
    record_progress,
    requeue_stale,
    submit_job,
)

__all__ = ["Job", "JobHandler", "JobRunner"]

log = logging.getLogger("healthgap.web")

#: ``handler(params, progress)`` computes a job's bundle; progress(done, total).
JobHandler = Callable[[Mapping[str, Any], Callable[[int, int], None]], ResultBundle]


@dataclass(frozen=True)
class Job:
    """What a page shows of a job. ``status`` is ``running`` until it is finished (queued
    jobs included, so a page keeps polling), then ``done`` or ``failed``; ``state`` says
    ``queued`` or ``running`` exactly."""

    id: str
    owner_id: int
    kind: str
    state: str
    done_steps: int
    total_steps: int
    error: str
    result_path: str | None

    @classmethod
    def of(cls, record: JobRecord) -> Job:
        return cls(record.id, record.owner_id, record.kind, record.status, record.done_steps,
                   record.total_steps, record.error or "", record.result_path)  # fmt: skip

    @property
    def status(self) -> str:
        return "running" if self.state in ("queued", "running") else self.state

    @property
    def percent(self) -> int:
        return int(100 * self.done_steps / max(self.total_steps, 1))

    @property
    def result(self) -> ResultBundle | None:
        """The result bundle of a finished job (read from its folder)."""
        return load_bundle(self.result_path) if self.result_path and self.state == "done" else None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "state": self.state, "status": self.status,
                "percent": self.percent, "done": self.done_steps, "total": self.total_steps,
                "error": self.error or None}  # fmt: skip


class JobRunner:
    """Submits jobs, and runs the queued ones of its kinds in one background thread."""

    def __init__(
        self,
        database: Database,
        results_dir: Path,
        *,
        handlers: Mapping[str, JobHandler] | None = None,
        poll_seconds: float = 0.5,
        stale_seconds: float = 30.0,
        max_attempts: int = 3,
    ) -> None:
        self.database = database
        self.results_dir = Path(results_dir)
        self.handlers: dict[str, JobHandler] = dict(handlers or {})
        self.poll_seconds = poll_seconds
        self.stale_seconds = stale_seconds
        self.max_attempts = max_attempts
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- what routes call -------------------------------------------------------------
    def submit(
        self, owner_id: int, kind: str, params: Mapping[str, Any], total_steps: int = 1
    ) -> Job:
        with self.database.unit_of_work() as session:
            record = submit_job(session, kind=kind, owner_id=owner_id, params=dict(params),
                                total_steps=total_steps)  # fmt: skip
            return Job.of(record)

    def get(self, job_id: str, owner_id: int) -> Job | None:
        with self.database.reader() as session:
            record = get_job(session, job_id, owner_id)
            return None if record is None else Job.of(record)

    # -- the background thread ---------------------------------------------------------
    def start(self) -> None:
        """Start claiming and running jobs (idempotent)."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="healthgap-jobs", daemon=True)
            self._thread.start()

    def shutdown(self, wait: float = 5.0) -> None:
        """Stop taking jobs; a job still running is left to the next start (its heartbeat
        stops, so it is queued again)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait)

    def _loop(self) -> None:
        last_sweep = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_sweep > min(self.stale_seconds / 3, 5.0):
                    last_sweep = time.monotonic()
                    with self.database.unit_of_work() as session:
                        requeued, failed = requeue_stale(
                            session,
                            stale_seconds=self.stale_seconds,
                            max_attempts=self.max_attempts,
                        )
                    for job_id in requeued:
                        log.warning("job %s lost its process: queued again", job_id)
                    for job_id in failed:
                        log.error("job %s lost its process too often: failed", job_id)
                if not self.run_next():
                    self._stop.wait(self.poll_seconds)
            except Exception:  # noqa: BLE001 - the loop must survive a database hiccup
                log.exception("the job runner hit an error; retrying")
                self._stop.wait(self.poll_seconds * 4)

    def run_next(self) -> bool:
        """Claim and run one queued job; False when there was none."""
        if not self.handlers:
            return False
        with self.database.unit_of_work() as session:
            record = claim_job(session, worker=self.worker, kinds=sorted(self.handlers))
            claimed = None if record is None else (record.id, record.kind, dict(record.params))
        if claimed is None:
            return False
        self._run(*claimed)
        return True

    def _run(self, job_id: str, kind: str, params: dict[str, Any]) -> None:
        beating = threading.Event()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] < 0.3 and done < total:
                return  # at most about three writes a second
            last[0] = time.monotonic()
            with self.database.unit_of_work() as session:
                record_progress(session, job_id, worker=self.worker, done=done, total=total)

        def heartbeat() -> None:
            while not beating.wait(max(self.stale_seconds / 4, 0.2)):
                with self.database.unit_of_work() as session:
                    record_progress(session, job_id, worker=self.worker)

        beat = threading.Thread(target=heartbeat, name=f"healthgap-job-{job_id}", daemon=True)
        beat.start()
        try:
            bundle = self.handlers[kind](params, progress)
            folder = save_bundle(bundle, self.results_dir / job_id)
            with self.database.unit_of_work() as session:
                finish_job(session, job_id, worker=self.worker, result_path=str(folder))
        except HealthgapError as exc:  # the user's problem, said in the page
            with self.database.unit_of_work() as session:
                fail_job(session, job_id, error=str(exc), worker=self.worker)
        except Exception as exc:  # noqa: BLE001 - a bug: logged, never shown as a trace
            reference = secrets.token_hex(4)
            log.error("job %s failed: unexpected error %s", job_id, reference, exc_info=exc)
            message = (f"a bug in healthgap (reference {reference}; the details are in the "
                       "server log)")  # fmt: skip
            with self.database.unit_of_work() as session:
                fail_job(session, job_id, error=message, worker=self.worker)
        finally:
            beating.set()
