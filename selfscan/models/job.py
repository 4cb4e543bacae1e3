"""Long work done outside the request by `selfscan worker`: a queue, its progress and its result
in one table of the app's own database (SQLite or PostgreSQL, one or several app servers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from selfscan.models.base import in_list
from selfscan.models.types import UTCDateTime, utcnow

JOB_KINDS = ("report_bundle",)
JOB_STATES = ("queued", "running", "done", "failed")


class Job(SQLModel, table=True):
    """One piece of long work: who asked, how far it is, and where its result is."""

    __table_args__ = (
        CheckConstraint(in_list("kind", JOB_KINDS), name="kind"),
        CheckConstraint(in_list("status", JOB_STATES), name="status"),
        CheckConstraint("done >= 0 AND done <= total", name="progress"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(20))
    round_id: int = Field(foreign_key="round.id", index=True, ondelete="CASCADE")
    requested_by: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    language: str = Field(default="nl", sa_type=String(5))
    status: str = Field(default="queued", sa_type=String(10), index=True)
    done: int = Field(default=0)
    total: int = Field(default=0)
    result: str = Field(default="", sa_type=String(200))  # the result's file name
    error: str = Field(default="", sa_type=String(500))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
