"""a request's own dates: its earliest start and its due date (soft, or hard)

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-08 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from labops.columns import UTCDateTime

revision: str = "0051"
down_revision: str | None = "0050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("request") as batch:
        batch.add_column(sa.Column("earliest", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("due", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("due_hard", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("request") as batch:
        batch.drop_column("due_hard")
        batch.drop_column("due")
        batch.drop_column("earliest")
