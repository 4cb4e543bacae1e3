"""Personal API tokens: a person's own rights for programs that read the API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from selfscan.models.base import metadata  # noqa: F401  (the naming convention must come first)
from selfscan.models.types import UTCDateTime, utcnow


class ApiToken(SQLModel, table=True):
    """A token that a signed-in person made for the API. Only the SHA-256 hash of the token is
    kept (a 256-bit random secret needs no slow hash), with its first characters to tell tokens
    apart on the account page; a revoked token stays listed and never works again."""

    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint("length(name) >= 1", name="name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    name: str = Field(sa_type=String(80))
    prefix: str = Field(sa_type=String(16))
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Noted at most once a minute (selfscan.services.api_tokens.LAST_USED_PRECISION).
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
