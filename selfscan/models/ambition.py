"""A region's ambitions (the score it aims for on a principle by a round) and its result
agreements (what the partners agreed to achieve, under whose direction, and how each stands in
every round)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from selfscan.core.vocabulary import AGREEMENT_STATUS_KEYS, PRINCIPLE_KEYS, SECTOR_KEYS
from selfscan.models.base import in_list
from selfscan.models.types import UTCDateTime, utcnow

WHY_MAX_LENGTH = 500
TITLE_MAX_LENGTH = 300
LEAD_NAME_MAX_LENGTH = 160
INDICATOR_MAX_LENGTH = 300
CHECK_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 500


class Ambition(SQLModel, table=True):
    """The score a region aims for on one principle by one of its rounds, and why.

    Stored in tenths (10-50 on the 1-5 scale), as the agreed position is."""

    __table_args__ = (
        ForeignKeyConstraint(
            ["round_id", "region_id"],
            ["round_region.round_id", "round_region.region_id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("region_id", "principle", "round_id"),
        CheckConstraint(in_list("principle", PRINCIPLE_KEYS), name="principle"),
        CheckConstraint("target_tenths BETWEEN 10 AND 50", name="target"),
        CheckConstraint(f"length(why) <= {WHY_MAX_LENGTH}", name="why"),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(index=True)
    round_id: int = Field(index=True)  # the round by which the region aims to reach the target
    principle: str = Field(sa_type=String(30))
    target_tenths: int
    why: str = Field(default="", sa_type=String(WHY_MAX_LENGTH))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )

    @property
    def target(self) -> float:
        return self.target_tenths / 10


class ResultAgreement(SQLModel, table=True):
    """What the region's partners agreed to achieve, under whose direction (a sector, typically
    the municipality, and or a name), with an indicator and how it will be checked."""

    __tablename__ = "result_agreement"
    __table_args__ = (
        # Lets each round's progress refer to (agreement, region) as one key.
        UniqueConstraint("id", "region_id"),
        CheckConstraint("length(title) >= 1", name="title"),
        CheckConstraint(
            "lead_sector = '' OR " + in_list("lead_sector", SECTOR_KEYS), name="lead_sector"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", ondelete="CASCADE", index=True)
    title: str = Field(sa_type=String(TITLE_MAX_LENGTH))
    lead_sector: str = Field(default="", sa_type=String(30))
    lead_name: str = Field(default="", sa_type=String(LEAD_NAME_MAX_LENGTH))
    indicator: str = Field(default="", sa_type=String(INDICATOR_MAX_LENGTH))
    verification: str = Field(default="", sa_type=String(CHECK_MAX_LENGTH))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )


class AgreementProgress(SQLModel, table=True):
    """How one result agreement stands in one of the region's rounds, with a short note."""

    __tablename__ = "agreement_progress"
    __table_args__ = (
        ForeignKeyConstraint(
            ["agreement_id", "region_id"],
            ["result_agreement.id", "result_agreement.region_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["round_id", "region_id"],
            ["round_region.round_id", "round_region.region_id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(in_list("status", AGREEMENT_STATUS_KEYS), name="status"),
        CheckConstraint(f"length(note) <= {NOTE_MAX_LENGTH}", name="note"),
    )

    agreement_id: int = Field(primary_key=True)
    round_id: int = Field(primary_key=True, index=True)
    region_id: int = Field(index=True)
    status: str = Field(sa_type=String(12))
    note: str = Field(default="", sa_type=String(NOTE_MAX_LENGTH))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )
