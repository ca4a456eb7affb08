"""booking.sequence: raised on every change, the SEQUENCE of the booking's iCalendar event

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "booking", sa.Column("sequence", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    with op.batch_alter_table("booking") as batch:
        batch.drop_column("sequence")
