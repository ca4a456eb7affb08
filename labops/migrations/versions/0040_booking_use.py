"""booking_use: what really ran of a booking (check-in, check-out, no-show); platform.usage

Revision ID: 0040
Revises: 0033
Create Date: 2026-12-08 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from labops.columns import UTCDateTime

revision: str = "0040"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_use",
        sa.Column("no_show", sa.Boolean(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=True),
        sa.Column("end", UTCDateTime(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.CheckConstraint(
            '"end" IS NULL OR start IS NULL OR start < "end"', name=op.f("ck_booking_use_ordered")
        ),
        sa.CheckConstraint(
            "NOT no_show OR start IS NULL", name=op.f("ck_booking_use_no_show_unused")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_use_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_booking_use")),
    )
    op.add_column("platform", sa.Column("usage", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("platform") as batch:
        batch.drop_column("usage")
    op.drop_table("booking_use")
