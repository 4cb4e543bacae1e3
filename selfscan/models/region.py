"""Inspiration regions and their partner organisations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from selfscan.core.vocabulary import SECTOR_KEYS, SHARING_KEYS
from selfscan.models.base import in_list
from selfscan.models.types import UTCDateTime, utcnow


class Region(SQLModel, table=True):
    """An inspiration region; `sharing` says who may see its figures by name."""

    __table_args__ = (
        CheckConstraint(in_list("sharing", SHARING_KEYS), name="sharing"),
        CheckConstraint("length(key) BETWEEN 2 AND 40 AND key = lower(key)", name="key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(40), unique=True)
    name: str = Field(sa_type=String(120), unique=True)
    sharing: str = Field(default="private", sa_type=String(20))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set on every change, so that kept pages can tell they are out of date.
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )


class Organisation(SQLModel, table=True):
    """A partner organisation in one region, in one sector."""

    __table_args__ = (
        UniqueConstraint("region_id", "name"),
        # Lets invitations and responses refer to (organisation, region) as one key.
        UniqueConstraint("id", "region_id"),
        CheckConstraint(in_list("sector", SECTOR_KEYS), name="sector"),
        CheckConstraint("length(name) >= 1", name="name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    name: str = Field(sa_type=String(160))
    sector: str = Field(sa_type=String(30))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set on every change, so that kept pages can tell they are out of date.
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )
