"""ambitions and result agreements: the score a region aims for per principle by a round, what
its partners agreed to achieve and how that stands each round; actions may serve an agreement

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRINCIPLES = (
    "'kind-centraal', 'geintegreerd-aanbod', 'inclusief-nabij', 'partnerschap-regie', 'samen-beter'"
)
SECTORS = (
    "'po', 'vo', 'so', 'mbo', 'swv', 'kinderopvang', 'jeugdhulp', 'jgz', 'ggz', "
    "'gehandicaptenzorg', 'gemeente', 'sociaal-werk', 'ouders', 'overig'"
)
STATUSES = "'not_started', 'on_track', 'behind', 'achieved', 'stopped'"


def upgrade() -> None:
    op.create_table(
        "result_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lead_sector", sa.String(length=30), nullable=False),
        sa.Column("lead_name", sa.String(length=160), nullable=False),
        sa.Column("indicator", sa.String(length=300), nullable=False),
        sa.Column("verification", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"lead_sector = '' OR lead_sector IN ({SECTORS})",
            name=op.f("ck_result_agreement_lead_sector"),
        ),
        sa.CheckConstraint("length(title) >= 1", name=op.f("ck_result_agreement_title")),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["region.id"],
            name=op.f("fk_result_agreement_region_id_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_agreement")),
        sa.UniqueConstraint("id", "region_id", name=op.f("uq_result_agreement_id_region_id")),
    )
    op.create_index(
        op.f("ix_result_agreement_region_id"), "result_agreement", ["region_id"], unique=False
    )

    op.create_table(
        "agreement_progress",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_agreement_progress_status")),
        sa.CheckConstraint("length(note) <= 500", name=op.f("ck_agreement_progress_note")),
        sa.ForeignKeyConstraint(
            ["agreement_id", "region_id"],
            ["result_agreement.id", "result_agreement.region_id"],
            name=op.f("fk_agreement_progress_agreement_id_region_id_result_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id", "region_id"],
            ["round_region.round_id", "round_region.region_id"],
            name=op.f("fk_agreement_progress_round_id_region_id_round_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", "round_id", name=op.f("pk_agreement_progress")),
    )
    op.create_index(
        op.f("ix_agreement_progress_region_id"), "agreement_progress", ["region_id"], unique=False
    )
    op.create_index(
        op.f("ix_agreement_progress_round_id"), "agreement_progress", ["round_id"], unique=False
    )

    op.create_table(
        "ambition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("principle", sa.String(length=30), nullable=False),
        sa.Column("target_tenths", sa.Integer(), nullable=False),
        sa.Column("why", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"principle IN ({PRINCIPLES})", name=op.f("ck_ambition_principle")),
        sa.CheckConstraint("length(why) <= 500", name=op.f("ck_ambition_why")),
        sa.CheckConstraint("target_tenths BETWEEN 10 AND 50", name=op.f("ck_ambition_target")),
        sa.ForeignKeyConstraint(
            ["round_id", "region_id"],
            ["round_region.round_id", "round_region.region_id"],
            name=op.f("fk_ambition_round_id_region_id_round_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ambition")),
        sa.UniqueConstraint(
            "region_id",
            "principle",
            "round_id",
            name=op.f("uq_ambition_region_id_principle_round_id"),
        ),
    )
    op.create_index(op.f("ix_ambition_region_id"), "ambition", ["region_id"], unique=False)
    op.create_index(op.f("ix_ambition_round_id"), "ambition", ["round_id"], unique=False)

    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreement_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_action_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_action_agreement_id_result_agreement"),
            "result_agreement",
            ["agreement_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_action_agreement_id_result_agreement"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_action_agreement_id"))
        batch_op.drop_column("agreement_id")
    op.drop_index(op.f("ix_ambition_round_id"), table_name="ambition")
    op.drop_index(op.f("ix_ambition_region_id"), table_name="ambition")
    op.drop_table("ambition")
    op.drop_index(op.f("ix_agreement_progress_round_id"), table_name="agreement_progress")
    op.drop_index(op.f("ix_agreement_progress_region_id"), table_name="agreement_progress")
    op.drop_table("agreement_progress")
    op.drop_index(op.f("ix_result_agreement_region_id"), table_name="result_agreement")
    op.drop_table("result_agreement")
