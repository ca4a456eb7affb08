"""fund_pool.enforce_budget: whether plans keep a pool's projects within its budget

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-08 02:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fund_pool") as batch:
        batch.add_column(
            sa.Column("enforce_budget", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("fund_pool") as batch:
        batch.drop_column("enforce_budget")
