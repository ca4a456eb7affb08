"""charges: units' rates per tier, a project's tier and cost centre, closed months' lines,
platform.charges

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-08 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from labops.columns import UTCDateTime

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_rate",
        sa.Column("equipment_id", sa.String(), nullable=False),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("hourly_rate", sa.Integer(), nullable=False),
        sa.CheckConstraint("hourly_rate >= 0", name=op.f("ck_unit_rate_rate_not_negative")),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["equipment.id"],
            name=op.f("fk_unit_rate_equipment_id_equipment"),
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("equipment_id", "tier", name=op.f("pk_unit_rate")),
    )
    op.create_table(
        "charge_month",
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_charge_month")),
    )
    op.create_table(
        "charge_line",
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("pool", sa.String(), nullable=False),
        sa.Column("project", sa.String(), nullable=False),
        sa.Column("cost_centre", sa.String(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("basis", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["month"],
            ["charge_month.month"],
            name=op.f("fk_charge_line_month_charge_month"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("month", "position", name=op.f("pk_charge_line")),
    )
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("tier", sa.String(), nullable=True))
        batch.add_column(sa.Column("cost_centre", sa.String(), nullable=False, server_default=""))
    op.add_column("platform", sa.Column("charges", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("platform") as batch:
        batch.drop_column("charges")
    with op.batch_alter_table("project") as batch:
        batch.drop_column("cost_centre")
        batch.drop_column("tier")
    op.drop_table("charge_line")
    op.drop_table("charge_month")
    op.drop_table("unit_rate")
