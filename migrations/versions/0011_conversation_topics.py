"""the conversation agenda: the region's topics for the meeting about a round, in its order

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('principle', 'statement', 'own')", name=op.f("ck_conversation_topic_kind")
        ),
        sa.CheckConstraint(
            "(kind = 'own') = (length(title) >= 1) AND (kind = 'own') = (subject = '')",
            name=op.f("ck_conversation_topic_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id", "region_id"],
            ["round_region.round_id", "round_region.region_id"],
            name=op.f("fk_conversation_topic_round_id_region_id_round_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_topic")),
    )
    op.create_index(
        op.f("ix_conversation_topic_region_id"), "conversation_topic", ["region_id"], unique=False
    )
    op.create_index(
        op.f("ix_conversation_topic_round_id"), "conversation_topic", ["round_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_conversation_topic_round_id"), table_name="conversation_topic")
    op.drop_index(op.f("ix_conversation_topic_region_id"), table_name="conversation_topic")
    op.drop_table("conversation_topic")
