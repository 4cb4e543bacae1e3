"""Accounts of coordinators and the programme team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from selfscan.models.base import metadata  # noqa: F401  (the naming convention must come first)
from selfscan.models.types import UTCDateTime, utcnow


class User(SQLModel, table=True):
    """A person who signs in: the programme team, or a coordinator of one or more regions."""

    __tablename__ = "account"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=String(254), unique=True)
    name: str = Field(sa_type=String(120))
    # None until the person has chosen a password (accounts are created by invitation).
    password_hash: str | None = Field(default=None, sa_type=String(255))
    is_programme: bool = Field(default=False)
    is_active: bool = Field(default=True)
    # Part of every session cookie; raising it ends all sessions of the account at once.
    session_epoch: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Flask-Login's interface, spelled out so the model does not inherit a mixin's defaults.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_epoch}"


class CoordinatorRegion(SQLModel, table=True):
    """A coordinator's assignment to a region."""

    __tablename__ = "coordinator_region"

    user_id: int = Field(foreign_key="account.id", primary_key=True, ondelete="CASCADE")
    region_id: int = Field(foreign_key="region.id", primary_key=True, index=True)
