"""Rounds (meetrondes) and the regions taking part in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from selfscan.models.base import metadata  # noqa: F401  (the naming convention must come first)
from selfscan.models.types import UTCDateTime, utcnow


class RoundState(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class Round(SQLModel, table=True):
    """A round: one questionnaire version, a window in time, the participating regions."""

    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="window"),
        CheckConstraint("length(key) BETWEEN 2 AND 40 AND key = lower(key)", name="key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(40), unique=True)
    title: str = Field(sa_type=String(160))
    questionnaire_version_id: int = Field(foreign_key="questionnaire_version.id", index=True)
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set on every change, so that kept pages can tell they are out of date.
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )

    def state(self, now: datetime | None = None) -> RoundState:
        """Planned, open or closed: it follows from the clock, so no scheduler is needed."""
        now = now or utcnow()
        if now < self.opens_at:
            return RoundState.PLANNED
        if now < self.closes_at:
            return RoundState.OPEN
        return RoundState.CLOSED

    def figures_released(self, now: datetime | None = None) -> bool:
        """DESIGN rule 8: figures of other people's answers are shown once the round has
        closed (by its clock, or early by the programme team), never while it is open."""
        return self.state(now) is RoundState.CLOSED


class RoundRegion(SQLModel, table=True):
    """A region's participation in a round; invitations, responses and actions hang off it."""

    __tablename__ = "round_region"

    round_id: int = Field(foreign_key="round.id", primary_key=True, ondelete="CASCADE")
    region_id: int = Field(foreign_key="region.id", primary_key=True, index=True)
