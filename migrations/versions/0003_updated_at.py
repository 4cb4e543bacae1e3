"""regions, organisations and rounds note when they last changed; the latest
submission, of a round and of all, in one index lookup

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("region", "organisation", "round")
INDEXES = (("round_id", "status", "submitted_at"), ("status", "submitted_at"))


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        op.execute(f"UPDATE {table} SET updated_at = created_at")  # noqa: S608 (fixed names)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "updated_at", existing_type=sa.DateTime(timezone=True), nullable=False
            )
    for columns in INDEXES:
        op.create_index(f"ix_response_{'_'.join(columns)}", "response", list(columns))


def downgrade() -> None:
    for columns in INDEXES:
        op.drop_index(f"ix_response_{'_'.join(columns)}", table_name="response")
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("updated_at")
