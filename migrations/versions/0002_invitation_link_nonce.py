"""invitation links derived from a nonce, so every mail can carry the same link

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_nonce", sa.String(length=32), nullable=True))
    # Existing invitations get a random nonce: their current links keep working through the
    # stored hash, and a resend gives them a link that matches the nonce again.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("UPDATE invitation SET link_nonce = lower(hex(randomblob(16)))")
    else:
        op.execute("UPDATE invitation SET link_nonce = md5(random()::text || id::text)")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.alter_column("link_nonce", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_invitation_link_nonce"), ["link_nonce"])


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_invitation_link_nonce"), type_="unique")
        batch_op.drop_column("link_nonce")
