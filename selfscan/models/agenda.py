"""A region's learning agenda for a round: reflections, focus principles and actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String
from sqlmodel import Field, SQLModel

from selfscan.core.vocabulary import ACTION_STATUS_KEYS, PRINCIPLE_KEYS
from selfscan.models.base import in_list
from selfscan.models.types import UTCDateTime, utcnow

REFLECTION_MAX_LENGTH = 2000


def _in_round_region() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["round_id", "region_id"],
        ["round_region.round_id", "round_region.region_id"],
        ondelete="CASCADE",
    )


class Reflection(SQLModel, table=True):
    """The region's short reflection on one principle after a round."""

    __table_args__ = (
        _in_round_region(),
        CheckConstraint(in_list("principle", PRINCIPLE_KEYS), name="principle"),
        CheckConstraint(f"length(text) <= {REFLECTION_MAX_LENGTH}", name="text"),
    )

    round_id: int = Field(primary_key=True)
    region_id: int = Field(primary_key=True)
    principle: str = Field(sa_type=String(30), primary_key=True)
    text: str = Field(sa_type=String(REFLECTION_MAX_LENGTH))
    is_focus: bool = Field(default=False)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )


class Action(SQLModel, table=True):
    """What a region agreed to do about a principle, who owns it, by when, and how it stands."""

    __table_args__ = (
        _in_round_region(),
        CheckConstraint(in_list("principle", PRINCIPLE_KEYS), name="principle"),
        CheckConstraint(in_list("status", ACTION_STATUS_KEYS), name="status"),
        CheckConstraint("length(title) >= 1", name="title"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(index=True)
    region_id: int = Field(index=True)
    principle: str = Field(sa_type=String(30))
    title: str = Field(sa_type=String(300))
    owner: str = Field(default="", sa_type=String(120))
    due_date: date | None = Field(default=None)
    status: str = Field(default="open", sa_type=String(12))
    # The result agreement the action serves, if any (models.ambition.ResultAgreement).
    agreement_id: int | None = Field(
        default=None, foreign_key="result_agreement.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )
