"""The regional conversation after a round: who sat at the table, and the position the partners
agreed on per principle (the consensus beside the measured scores)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String
from sqlmodel import Field, SQLModel

from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models.base import in_list
from selfscan.models.types import UTCDateTime, utcnow

RATIONALE_MAX_LENGTH = 1000
# The sectors at the table, as a comma-separated list of sector keys (at most all of them).
SECTORS_MAX_LENGTH = 400


def _in_round_region() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["round_id", "region_id"],
        ["round_region.round_id", "round_region.region_id"],
        ondelete="CASCADE",
    )


class Meeting(SQLModel, table=True):
    """The region's conversation about one round's results: when, and which sectors took part
    (sectors, never names)."""

    __table_args__ = (_in_round_region(),)

    round_id: int = Field(primary_key=True)
    region_id: int = Field(primary_key=True)
    held_on: date | None = Field(default=None)
    sectors: str = Field(default="", sa_type=String(SECTORS_MAX_LENGTH))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )

    @property
    def sector_keys(self) -> list[str]:
        return [key for key in self.sectors.split(",") if key]


class AgreedPosition(SQLModel, table=True):
    """The score on one principle the partners agreed on at the table, and why.

    Stored in tenths (10-50 on the 1-5 scale), so that the agreed 3,5 is exactly 3,5."""

    __tablename__ = "agreed_position"
    __table_args__ = (
        _in_round_region(),
        CheckConstraint(in_list("principle", PRINCIPLE_KEYS), name="principle"),
        CheckConstraint("score_tenths BETWEEN 10 AND 50", name="score"),
        CheckConstraint(f"length(rationale) <= {RATIONALE_MAX_LENGTH}", name="rationale"),
    )

    round_id: int = Field(primary_key=True)
    region_id: int = Field(primary_key=True, index=True)
    principle: str = Field(sa_type=String(30), primary_key=True)
    score_tenths: int
    rationale: str = Field(default="", sa_type=String(RATIONALE_MAX_LENGTH))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )

    @property
    def score(self) -> float:
        return self.score_tenths / 10


TOPIC_KINDS = ("principle", "statement", "own")
TOPIC_TITLE_MAX_LENGTH = 300


class ConversationTopic(SQLModel, table=True):
    """A topic on the region's conversation agenda for a round, in the coordinator's order: a
    principle or a statement of the questionnaire (by key), or a topic of the region's own."""

    __tablename__ = "conversation_topic"
    __table_args__ = (
        _in_round_region(),
        CheckConstraint(in_list("kind", TOPIC_KINDS), name="kind"),
        CheckConstraint(
            "(kind = 'own') = (length(title) >= 1) AND (kind = 'own') = (subject = '')",
            name="subject",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(index=True)
    region_id: int = Field(index=True)
    position: int
    kind: str = Field(sa_type=String(10))
    subject: str = Field(default="", sa_type=String(40))
    title: str = Field(default="", sa_type=String(TOPIC_TITLE_MAX_LENGTH))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )
