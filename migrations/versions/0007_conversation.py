"""the regional conversation: the meeting (when, which sectors at the table) and the position
the partners agreed on per principle

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRINCIPLES = (
    "principle IN ('kind-centraal', 'geintegreerd-aanbod', 'inclusief-nabij', "
    "'partnerschap-regie', 'samen-beter')"
)


def _round_region(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["round_id", "region_id"],
        ["round_region.round_id", "round_region.region_id"],
        name=op.f(f"fk_{table}_round_id_region_id_round_region"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("sectors", sa.String(length=400), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _round_region("meeting"),
        sa.PrimaryKeyConstraint("round_id", "region_id", name=op.f("pk_meeting")),
    )
    op.create_table(
        "agreed_position",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("principle", sa.String(length=30), nullable=False),
        sa.Column("score_tenths", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.String(length=1000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(PRINCIPLES, name=op.f("ck_agreed_position_principle")),
        sa.CheckConstraint("score_tenths BETWEEN 10 AND 50", name=op.f("ck_agreed_position_score")),
        sa.CheckConstraint(
            "length(rationale) <= 1000", name=op.f("ck_agreed_position_rationale")
        ),
        _round_region("agreed_position"),
        sa.PrimaryKeyConstraint(
            "round_id", "region_id", "principle", name=op.f("pk_agreed_position")
        ),
    )
    op.create_index(
        op.f("ix_agreed_position_region_id"), "agreed_position", ["region_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_agreed_position_region_id"), table_name="agreed_position")
    op.drop_table("agreed_position")
    op.drop_table("meeting")
