"""The sums of a released round's answers per region and sector, kept in the database so that
the first page after a restart need not sum up every answer of every round again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlmodel import Field, SQLModel

from selfscan.models.base import metadata  # noqa: F401  (the naming convention must come first)
from selfscan.models.types import UTCDateTime, utcnow


class RegionSums(SQLModel, table=True):
    """One region's sector groups in one released round (selfscan.services.stored_sums).

    `responses`, `id_sum` and `latest` describe the submitted responses the sums were made
    from, as selfscan.services.scores describes them: the sums are used only while the
    region's submitted responses in the round still look exactly like that.
    """

    __tablename__ = "region_sums"

    round_id: int = Field(foreign_key="round.id", primary_key=True, ondelete="CASCADE")
    region_id: int = Field(foreign_key="region.id", primary_key=True, ondelete="CASCADE")
    responses: int
    id_sum: int = Field(sa_type=BigInteger)
    latest: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # {sector: [responses, {principle: [n, total, squares, low, high]}]}
    groups: str = Field(sa_type=Text)
    stored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoundPooled(SQLModel, table=True):
    """A released round's figures as the programme team sees them, for minimum group size `k`:
    the all-regions groups (rules 5, 5b and 6), which the overview's trend shows of each round,
    and every region's shown groups (rules 5 and 5b), from which a worker that knows nothing yet
    builds the round's figures without applying the rules to 400 regions' sums again.

    `responses`, `id_sum` and `latest` describe all submitted responses of the round when the
    groups were made, and `rules` the code of the rules that made them
    (selfscan.core.scoring.SHOWN_RULES); they are used only while both are still the same.
    """

    __tablename__ = "round_pooled"

    round_id: int = Field(foreign_key="round.id", primary_key=True, ondelete="CASCADE")
    k: int = Field(primary_key=True)
    responses: int
    id_sum: int = Field(sa_type=BigInteger)
    latest: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # {key: [responses, {principle: [n, total, squares, low, high]}]}, as RegionSums.groups
    groups: str = Field(sa_type=Text)
    # {region id: its shown groups, as `groups`}; regions that show nothing are left out
    regions: str | None = Field(default=None, sa_type=Text)
    rules: str = Field(default="", sa_type=String(32), sa_column_kwargs={"server_default": ""})
    stored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
