"""Uploaded files kept between their preview and the confirmation (the responses import)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlmodel import Field, SQLModel

from selfscan.models.types import UTCDateTime, utcnow


class PendingUpload(SQLModel, table=True):
    """A file the programme team previewed and may still confirm. Found only through a random
    token kept in the uploader's session (its hash is stored here), and only for that account;
    deleted once confirmed, replaced by the next upload and purged after a day."""

    __tablename__ = "pending_upload"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE")
    filename: str = Field(sa_type=String(200))
    content: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
