"""The learning network between regions: each region's choices, learning partnerships, and the
respondents' comments a region's coordinator marked as fit to quote anonymously."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String
from sqlmodel import Field, SQLModel

from selfscan.core.vocabulary import PARTNERSHIP_STATE_KEYS, PRINCIPLE_KEYS
from selfscan.models.base import in_list
from selfscan.models.types import UTCDateTime, utcnow


class NetworkChoices(SQLModel, table=True):
    """A region's three separate choices in the learning network; no row means all off."""

    __tablename__ = "network_choices"

    region_id: int = Field(foreign_key="region.id", primary_key=True, ondelete="CASCADE")
    # May be suggested to other taking-part regions as a learning partner, and ask for them.
    take_part: bool = Field(default=False)
    # Shows its learning agenda, reflections and agreed positions to its learning partners.
    share_agenda: bool = Field(default=False)
    # Allows short anonymous quotations of marked comments in the programme's annual report.
    allow_quotes: bool = Field(default=False)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )


class Partnership(SQLModel, table=True):
    """One region asked another to be learning partners on a principle, and how that stands."""

    __table_args__ = (
        CheckConstraint(in_list("state", PARTNERSHIP_STATE_KEYS), name="state"),
        CheckConstraint(in_list("principle", PRINCIPLE_KEYS), name="principle"),
        CheckConstraint("asker_id <> asked_id", name="two_regions"),
    )

    id: int | None = Field(default=None, primary_key=True)
    asker_id: int = Field(foreign_key="region.id", index=True, ondelete="CASCADE")
    asked_id: int = Field(foreign_key="region.id", index=True, ondelete="CASCADE")
    principle: str = Field(sa_type=String(30))
    state: str = Field(default="asked", sa_type=String(10))
    asked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # When the state last changed: "since when" on the programme team's page.
    since: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    def side_of(self, region_id: int) -> int | None:
        """The other region of the pair, or None when `region_id` is not in it."""
        if region_id == self.asker_id:
            return self.asked_id
        if region_id == self.asked_id:
            return self.asker_id
        return None


class QuotableComment(SQLModel, table=True):
    """A respondent's comment the coordinator marked as fit to quote without names."""

    __tablename__ = "quotable_comment"
    __table_args__ = (
        ForeignKeyConstraint(
            ["response_id", "principle"],
            ["principle_comment.response_id", "principle_comment.principle"],
            ondelete="CASCADE",
        ),
    )

    response_id: int = Field(primary_key=True)
    principle: str = Field(sa_type=String(30), primary_key=True)
    marked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
