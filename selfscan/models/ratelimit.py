"""Rate-limit counters, shared by every worker and app server that uses the database."""

from __future__ import annotations

from sqlalchemy import String
from sqlmodel import Field, SQLModel


class RateLimitCounter(SQLModel, table=True):
    """Failures (or requests) counted for one limit and one key until the window ends.

    Not personal data: keys hold a hash of the e-mail address or link, and the client's
    address; `selfscan purge` deletes counters whose window has ended."""

    __tablename__ = "rate_limit_counter"

    key: str = Field(sa_type=String(255), primary_key=True)
    count: int
    # Seconds since the epoch (time.time() of the app server), as the limits library counts.
    expires_at: float = Field(index=True)
