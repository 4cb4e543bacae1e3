"""Questionnaire versions as loaded from `questionnaires/`, and their items.

The texts stay in the files; the database holds what SQL needs (which item counts for which
principle, the scale) and the checksum that freezes a version once a round uses it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.models.base import in_list
from selfscan.models.types import UTCDateTime, utcnow


class QuestionnaireVersion(SQLModel, table=True):
    """One version of a questionnaire file."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("scale_min < scale_max", name="scale"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(60))
    version: int
    title: str = Field(sa_type=String(200))
    scale_min: int
    scale_max: int
    checksum: str = Field(sa_type=String(64))
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # A file the programme team uploaded in the app is kept here (a shipped file stays in
    # questionnaires/); it is a draft, previewed and never used, until it is published.
    content: str | None = Field(default=None, sa_type=Text)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Item(SQLModel, table=True):
    """A statement of a questionnaire version, counted towards exactly one principle."""

    __table_args__ = (
        UniqueConstraint("questionnaire_version_id", "key"),
        CheckConstraint(in_list("principle", PRINCIPLE_KEYS), name="principle"),
    )

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_version_id: int = Field(foreign_key="questionnaire_version.id", index=True)
    key: str = Field(sa_type=String(60))
    principle: str = Field(sa_type=String(30))
    position: int
