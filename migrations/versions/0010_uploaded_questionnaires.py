"""questionnaire versions uploaded in the app keep their file, and are drafts until published

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import selfscan.models.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("published_at", selfscan.models.types.UTCDateTime(), nullable=True)
        )
    # Versions loaded from files were published when they were loaded.
    op.execute("UPDATE questionnaire_version SET published_at = loaded_at")


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_column("published_at")
        batch_op.drop_column("content")
