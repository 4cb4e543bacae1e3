"""invitations and responses carry a perspective (professional, parent, young person)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "perspective IN ('professional', 'parent', 'young')"


def upgrade() -> None:
    for table in ("invitation", "response"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "perspective",
                    sa.String(length=12),
                    server_default="professional",
                    nullable=False,
                )
            )
            batch_op.create_check_constraint(batch_op.f(f"ck_{table}_perspective"), CHECK)
    # Parents and young people invited before perspectives existed answered the professionals'
    # statements; they keep "professional", so their history says what they read.


def downgrade() -> None:
    for table in ("response", "invitation"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_perspective"), type_="check")
            batch_op.drop_column("perspective")
