"""responses found by their invitation through an index of the linked ones only

Responses without an invitation (imported, or their person erased) all hold NULL in
invitation_id. SQLite's statistics (ANALYZE) count those NULLs as one shared value, so the
unique constraint's index looked useless to its planner and it read the whole response table
for every respondent request and every invitations page. An index of the linked responses
only has statistics that say what a lookup finds: one row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKED = sa.text("invitation_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_response_invitation_linked",
        "response",
        ["invitation_id"],
        sqlite_where=LINKED,
        postgresql_where=LINKED,
    )


def downgrade() -> None:
    op.drop_index("ix_response_invitation_linked", table_name="response")
