"""Background jobs as database records, so every server process sees the same jobs and a
restart finds them again.

A job is ``queued`` when submitted, ``running`` once a process has claimed it (an atomic
``UPDATE ... WHERE status = 'queued'``: two processes never claim the same job), then
``done`` (with the folder of its result) or ``failed`` (with a message for its owner).
While it runs, its process records progress and a heartbeat; a job whose heartbeat stops
(the process was killed or the server restarted) is put back in the queue by
:func:`requeue_stale`, up to ``max_attempts`` times, then reported as failed.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from healthgap.store.models import Base, utcnow

__all__ = [
    "JOB_STATES",
    "JobRecord",
    "claim_job",
    "fail_job",
    "finish_job",
    "get_job",
    "record_progress",
    "requeue_stale",
    "submit_job",
]

JOB_STATES = ("queued", "running", "done", "failed")


class JobRecord(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    done_steps: Mapped[int] = mapped_column(Integer, default=0)
    total_steps: Mapped[int] = mapped_column(Integer, default=1)
    result_path: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def percent(self) -> int:
        return int(100 * self.done_steps / max(self.total_steps, 1))


def submit_job(
    session: Session, *, kind: str, owner_id: int, params: dict[str, Any], total_steps: int = 1
) -> JobRecord:
    """Queue a job; any process running jobs of ``kind`` will pick it up."""
    job = JobRecord(id=secrets.token_urlsafe(12), kind=kind, owner_id=owner_id, status="queued",
                    params=params, done_steps=0, total_steps=max(int(total_steps), 1),
                    attempts=0, created_at=utcnow())  # fmt: skip
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: str, owner_id: int | None = None) -> JobRecord | None:
    """The job, if it exists (and belongs to ``owner_id`` when given)."""
    job = session.get(JobRecord, job_id)
    if job is None or (owner_id is not None and job.owner_id != owner_id):
        return None
    return job


def claim_job(session: Session, *, worker: str, kinds: list[str]) -> JobRecord | None:
    """Claim the oldest queued job of ``kinds`` for ``worker``; ``None`` when there is none
    (or another process claimed it first)."""
    candidates = session.scalars(
        select(JobRecord.id)
        .where(JobRecord.status == "queued", JobRecord.kind.in_(kinds))
        .order_by(JobRecord.created_at)
        .limit(5)
    ).all()
    now = utcnow()
    for job_id in candidates:
        claimed = session.execute(
            update(JobRecord)
            .where(JobRecord.id == job_id, JobRecord.status == "queued")
            .values(
                status="running",
                worker=worker,
                started_at=now,
                heartbeat_at=now,
                attempts=JobRecord.attempts + 1,
                done_steps=0,
            )  # fmt: skip
        )
        if claimed.rowcount == 1:
            return session.get(JobRecord, job_id, populate_existing=True)
    return None


def record_progress(
    session: Session, job_id: str, *, worker: str, done: int | None = None, total: int | None = None
) -> bool:
    """Record progress (and the heartbeat) of a job this worker runs; False if it no longer
    does (e.g. requeued after its heartbeat was missed)."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if done is not None:
        values["done_steps"] = int(done)
    if total is not None:
        values["total_steps"] = max(int(total), 1)
    changed = session.execute(
        update(JobRecord)
        .where(JobRecord.id == job_id, JobRecord.worker == worker, JobRecord.status == "running")
        .values(**values)
    )
    return changed.rowcount == 1


def finish_job(session: Session, job_id: str, *, worker: str, result_path: str) -> bool:
    """Mark the job done with its result folder (only by the worker that runs it)."""
    changed = session.execute(
        update(JobRecord)
        .where(JobRecord.id == job_id, JobRecord.worker == worker, JobRecord.status == "running")
        .values(
            status="done",
            result_path=result_path,
            finished_at=utcnow(),
            done_steps=JobRecord.total_steps,
        )  # fmt: skip
    )
    return changed.rowcount == 1


def fail_job(session: Session, job_id: str, *, error: str, worker: str | None = None) -> bool:
    """Mark the job failed with a message its owner may read."""
    unfinished = JobRecord.status.in_(("queued", "running"))
    query = update(JobRecord).where(JobRecord.id == job_id, unfinished)
    if worker is not None:
        query = query.where(JobRecord.worker == worker)
    changed = session.execute(query.values(status="failed", error=error, finished_at=utcnow()))
    return changed.rowcount == 1


def requeue_stale(
    session: Session, *, stale_seconds: float, max_attempts: int = 3, now: datetime | None = None
) -> tuple[list[str], list[str]]:
    """Put running jobs whose heartbeat is older than ``stale_seconds`` back in the queue, or
    fail those already tried ``max_attempts`` times. Returns (requeued ids, failed ids)."""
    moment = now or datetime.now(UTC)
    cutoff = moment - timedelta(seconds=stale_seconds)
    stale = session.scalars(
        select(JobRecord).where(JobRecord.status == "running", JobRecord.heartbeat_at < cutoff)
    ).all()
    requeued, failed = [], []
    for job in stale:
        if job.attempts >= max_attempts:
            job.status, job.finished_at = "failed", moment
            job.error = (f"the server stopped while running this job {job.attempts} times; "
                         "start it again or ask an administrator")  # fmt: skip
            failed.append(job.id)
        else:
            job.status, job.worker, job.done_steps = "queued", None, 0
            requeued.append(job.id)
    session.flush()
    return requeued, failed
