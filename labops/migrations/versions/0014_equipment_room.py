"""equipment: the room a unit stands in

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("equipment", sa.Column("room", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("equipment") as batch:
        batch.drop_column("room")
