"""Invitations, responses and what a response holds: answers, comments, discussion flags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from selfscan.core.vocabulary import PERSPECTIVE_KEYS, PRINCIPLE_KEYS, SECTOR_KEYS
from selfscan.models.base import in_list
from selfscan.models.types import UTCDateTime, utcnow

COMMENT_MAX_LENGTH = 2000


# Invitations and responses name their round and region; these keys make the database check
# that the region takes part in the round and that the organisation belongs to the region.
def _in_round_region() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["round_id", "region_id"], ["round_region.round_id", "round_region.region_id"]
    )


def _of_region() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["organisation_id", "region_id"], ["organisation.id", "organisation.region_id"]
    )


class Invitation(SQLModel, table=True):
    """A personal, revocable link for one person, one organisation and one round."""

    __table_args__ = (
        _in_round_region(),
        _of_region(),
        UniqueConstraint("round_id", "email"),
        CheckConstraint("email = lower(email)", name="email_lower"),
        CheckConstraint(in_list("perspective", PERSPECTIVE_KEYS), name="perspective"),
        # A region's invitations of one round (the dashboard's stamp, migration 0005).
        Index(None, "region_id", "round_id"),
        # A round's invitations as the overview's stamp aggregates them, from the index alone
        # (migration 0017).
        Index(None, "round_id", "created_at", "revoked_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(index=True)
    region_id: int = Field(index=True)
    organisation_id: int = Field(index=True)
    name: str = Field(sa_type=String(120))
    email: str = Field(sa_type=String(254))
    # The voice the person answers in: which wording of the statements they read (migration 0008).
    perspective: str = Field(
        default="professional",
        sa_type=String(12),
        sa_column_kwargs={"server_default": "professional"},
    )
    # The link's token is HMAC(secret key, link_nonce); only its SHA-256 is stored.
    link_nonce: str = Field(sa_type=String(32), unique=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    final_reminder_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


_LINKED = text("invitation_id IS NOT NULL")  # a response that has its invitation


class Response(SQLModel, table=True):
    """One person's answers for one round: a draft until submitted, then read-only."""

    __table_args__ = (
        _in_round_region(),
        _of_region(),
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_at"),
        CheckConstraint("source IN ('web', 'import')", name="source"),
        CheckConstraint(in_list("sector", SECTOR_KEYS), name="sector"),
        CheckConstraint(in_list("perspective", PERSPECTIVE_KEYS), name="perspective"),
        # The latest submission, of a round and of all, in one index lookup
        # (selfscan.services.freshness).
        Index(None, "round_id", "status", "submitted_at"),
        Index(None, "status", "submitted_at"),
        # A region's submitted responses of one round (the dashboard's stamp, migration 0005).
        Index(None, "region_id", "round_id", "status"),
        # A response by its invitation (migration 0004 says why the unique constraint's own
        # index is not enough on SQLite).
        Index(
            "ix_response_invitation_linked",
            "invitation_id",
            sqlite_where=_LINKED,
            postgresql_where=_LINKED,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Unique: one response per invitation. Set to NULL when a person is erased, so that the
    # anonymous answers keep counting.
    invitation_id: int | None = Field(
        default=None, foreign_key="invitation.id", unique=True, ondelete="SET NULL"
    )
    round_id: int = Field(index=True)
    region_id: int = Field(index=True)
    organisation_id: int = Field(index=True)
    # The organisation's sector when the response was made; a later change of the
    # organisation must not move old answers to another sector.
    sector: str = Field(sa_type=String(30))
    # The invitation's perspective when the response was made, kept like the sector (and when
    # the person is erased); the answers count the same in every perspective.
    perspective: str = Field(
        default="professional",
        sa_type=String(12),
        sa_column_kwargs={"server_default": "professional"},
    )
    status: str = Field(default="draft", sa_type=String(10))
    source: str = Field(default="web", sa_type=String(10))
    # Raised on every save, so that a stale form or a second tab can be recognised.
    revision: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    """The answer to one item: a value on the scale, "don't know", or only a discussion flag."""

    __table_args__ = (
        CheckConstraint("NOT (value IS NOT NULL AND dont_know)", name="value_or_dont_know"),
        CheckConstraint("value IS NULL OR value BETWEEN 0 AND 100", name="value_range"),
    )

    response_id: int = Field(foreign_key="response.id", primary_key=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", primary_key=True, index=True)
    value: int | None = Field(default=None)
    dont_know: bool = Field(default=False)
    discuss: bool = Field(default=False)


class PrincipleComment(SQLModel, table=True):
    """A respondent's optional comment on one principle."""

    __tablename__ = "principle_comment"
    __table_args__ = (
        CheckConstraint(in_list("principle", PRINCIPLE_KEYS), name="principle"),
        CheckConstraint(f"length(text) BETWEEN 1 AND {COMMENT_MAX_LENGTH}", name="text"),
    )

    response_id: int = Field(foreign_key="response.id", primary_key=True, ondelete="CASCADE")
    principle: str = Field(sa_type=String(30), primary_key=True)
    text: str = Field(sa_type=String(COMMENT_MAX_LENGTH))
