"""A mark per table (and per round, where rows belong to one) that the database itself sets
anew whenever such rows are added, changed or removed: by triggers (migration 0018), so that
every writer counts, the app, the CLI, an import or plain SQL.

The freshness stamps (selfscan.services.freshness) read one such row where aggregating the
rows themselves would read thousands: a round's invitations at 400 regions are 14,000.

A region's rows have a mark of their own too (`RegionMark`, migration 0020): what a region's
dashboard, report and path show of it, in one row instead of a dozen tables' aggregates.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from selfscan.models.base import metadata  # noqa: F401  (the naming convention must come first)

# The tables marked, and whether per round (migration 0018 makes their triggers). "response"
# is marked per round only for submitted responses: a draft's autosaves leave it alone.
MARKED = {
    "invitation": True,
    "action": True,
    "organisation": False,
    "round_region": False,
    "response": True,
}
EVERY_ROUND = 0  # the round_id of a table's one mark when its rows belong to no round


class ChangeMark(SQLModel, table=True):
    """The mark of `topic` (a table's name) in round `round_id`: a random number drawn anew by
    every statement that adds, changes or removes such rows. A random draw rather than a count,
    so that a database restored from a backup, or emptied and filled again, never shows a
    mark it had before with other rows."""

    __tablename__ = "change_mark"

    topic: str = Field(primary_key=True, max_length=40)
    round_id: int = Field(primary_key=True)
    mark: int = Field(sa_type=BigInteger)


# The tables whose rows belong to one region and mark it (migration 0020's triggers). Responses
# mark it only when submitted, comments only those of a submitted response: a draft's autosaves
# leave it alone, as they leave the round's mark.
REGION_MARKED = (
    "response",
    "principle_comment",
    "invitation",
    "organisation",
    "action",
    "reflection",
    "meeting",
    "agreed_position",
    "conversation_topic",
    "ambition",
    "result_agreement",
    "agreement_progress",
)


class RegionMark(SQLModel, table=True):
    """The mark of region `region_id`'s rows: a random number drawn anew by every statement that
    adds, changes or removes any of them (in the tables of `REGION_MARKED`). No row until the
    first such change, which a stamp reads as a mark like any other (none)."""

    __tablename__ = "region_mark"

    region_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    mark: int = Field(sa_type=BigInteger)
