"""every region's shown groups kept with a released round's all-regions groups, under the rules

`round_pooled` kept a released round's all-regions groups for the overview's trend. A worker
that knew nothing yet (after a restart) built the round's figures from the regions' kept sums:
at 400 regions, reading 1.6 MB of sums and applying rules 5 and 5b to each region, about 0.1 s
a round, and the overview needs two rounds. The row now also keeps every region's shown groups
(`regions`), and both are read back only under the fingerprint of the rules' code that made
them (`rules`, selfscan.core.scoring.SHOWN_RULES): rows kept before this have an empty one, so
the worker makes them again and no page reads them meanwhile.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("round_pooled", schema=None) as batch_op:
        batch_op.add_column(sa.Column("regions", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("rules", sa.String(length=32), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("round_pooled", schema=None) as batch_op:
        batch_op.drop_column("rules")
        batch_op.drop_column("regions")
