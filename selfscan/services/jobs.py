"""The queue of long work, in the app's own database: the programme team asks (a row, queued),
`selfscan worker` claims it, reports its progress and its result; the page reads the row.

Why a table and not a task queue library: the queue, the progress the page shows and the
result's place are one row, in the database every app server already shares (SQLite in the
embedded install, PostgreSQL in production, with any number of app servers and workers), so
nothing else needs to run or be configured. A claim is one conditional UPDATE, which exactly one
worker wins; a job whose worker stopped (no heartbeat for STALE) is queued again.

Writes flush; the caller commits (a worker after every step, so the page sees the progress).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from selfscan.models import Job, Round
from selfscan.models.types import utcnow

STALE = timedelta(minutes=10)
ERROR_MAX_LENGTH = 500


def request_bundle(session: Session, round_: Round, *, user_id: int | None, language: str) -> Job:
    """Queue the ZIP of a round's region reports, unless one is queued or running already."""
    waiting = session.exec(
        select(Job).where(
            Job.round_id == round_.id,
            Job.kind == "report_bundle",
            col(Job.status).in_(("queued", "running")),
        )
    ).first()
    if waiting is not None:
        return waiting
    job = Job(kind="report_bundle", round_id=round_.id, requested_by=user_id, language=language)  # type: ignore[arg-type]
    session.add(job)
    session.flush()
    return job


def jobs_of_round(session: Session, round_: Round, limit: int = 5) -> list[Job]:
    """The round's latest jobs, newest first."""
    return list(
        session.exec(
            select(Job)
            .where(Job.round_id == round_.id)
            .order_by(col(Job.created_at).desc(), col(Job.id).desc())
            .limit(limit)
        )
    )


def requeue_stale(session: Session, now: datetime | None = None) -> int:
    """Queue again the running jobs whose worker gave no sign of life for STALE."""
    now = now or utcnow()
    result = session.execute(
        update(Job)
        .where(col(Job.status) == "running", col(Job.heartbeat_at) < now - STALE)
        .values(status="queued", done=0)
    )
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def claim(session: Session, now: datetime | None = None) -> Job | None:
    """The oldest queued job, now running for this worker; None when there is none (or another
    worker won it: the UPDATE changes the row only while it is still queued)."""
    now = now or utcnow()
    for job_id in session.exec(
        select(Job.id).where(Job.status == "queued").order_by(col(Job.id)).limit(5)
    ).all():
        won = session.execute(
            update(Job)
            .where(col(Job.id) == job_id, col(Job.status) == "queued")
            .values(status="running", started_at=now, heartbeat_at=now, done=0)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            session.flush()
            job = session.get(Job, job_id)
            assert job is not None
            session.refresh(job)
            return job
    return None


def progress(session: Session, job: Job, done: int, total: int) -> None:
    job.done, job.total, job.heartbeat_at = done, total, utcnow()
    session.flush()


def finish(session: Session, job: Job, result: str) -> None:
    job.status, job.result, job.finished_at = "done", result, utcnow()
    job.done = job.total
    session.flush()


def fail(session: Session, job: Job, error: str) -> None:
    job.status, job.error, job.finished_at = "failed", error[:ERROR_MAX_LENGTH], utcnow()
    session.flush()
