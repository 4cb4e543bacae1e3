"""learning network: each region's choices (take part in learning partners, share its agenda
with them, allow anonymous quotations), learning partnerships between regions, and the
comments a coordinator marked as fit to quote

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRINCIPLES = (
    "'kind-centraal', 'geintegreerd-aanbod', 'inclusief-nabij', 'partnerschap-regie', 'samen-beter'"
)


def upgrade() -> None:
    op.create_table(
        "network_choices",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("take_part", sa.Boolean(), nullable=False),
        sa.Column("share_agenda", sa.Boolean(), nullable=False),
        sa.Column("allow_quotes", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
            name=op.f("fk_network_choices_region_id_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("region_id", name=op.f("pk_network_choices")),
    )
    op.create_table(
        "partnership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("asked_id", sa.Integer(), nullable=False),
        sa.Column("principle", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"principle IN ({PRINCIPLES})", name=op.f("ck_partnership_principle")),
        sa.CheckConstraint(
            "state IN ('asked', 'partners', 'declined', 'ended')",
            name=op.f("ck_partnership_state"),
        ),
        sa.CheckConstraint("asker_id <> asked_id", name=op.f("ck_partnership_two_regions")),
        sa.ForeignKeyConstraint(
            ["asked_id"],
            ["region.id"],
            name=op.f("fk_partnership_asked_id_region"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asker_id"],
            ["region.id"],
            name=op.f("fk_partnership_asker_id_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
    )
    op.create_index(op.f("ix_partnership_asked_id"), "partnership", ["asked_id"], unique=False)
    op.create_index(op.f("ix_partnership_asker_id"), "partnership", ["asker_id"], unique=False)
    op.create_table(
        "quotable_comment",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("principle", sa.String(length=30), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id", "principle"],
            ["principle_comment.response_id", "principle_comment.principle"],
            name=op.f("fk_quotable_comment_response_id_principle_principle_comment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "principle", name=op.f("pk_quotable_comment")),
    )


def downgrade() -> None:
    op.drop_table("quotable_comment")
    op.drop_index(op.f("ix_partnership_asker_id"), table_name="partnership")
    op.drop_index(op.f("ix_partnership_asked_id"), table_name="partnership")
    op.drop_table("partnership")
    op.drop_table("network_choices")
