"""plan runs with the requests each left out, and the platform's planning settings

Revision ID: 0010
Revises: 0003
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import labops.tables

revision: str = "0010"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planning", sa.JSON(), server_default="{}", nullable=False))
    op.create_table(
        "plan_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", labops.tables.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("repair", sa.Boolean(), nullable=False),
        sa.Column("start", labops.tables.UTCDateTime(), nullable=False),
        sa.Column("end", labops.tables.UTCDateTime(), nullable=False),
        sa.Column("frozen_until", labops.tables.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("restaffed", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_run")),
    )
    with op.batch_alter_table("plan_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_run_at"), ["at"], unique=False)
    op.create_table(
        "left_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_run_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("task_key", sa.String(), nullable=True),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_run_id"],
            ["plan_run.id"],
            name=op.f("fk_left_out_plan_run_id_plan_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["request.id"],
            name=op.f("fk_left_out_request_id_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_left_out")),
    )
    with op.batch_alter_table("left_out", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_left_out_plan_run_id"), ["plan_run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_left_out_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("left_out", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_left_out_request_id"))
        batch_op.drop_index(batch_op.f("ix_left_out_plan_run_id"))
    op.drop_table("left_out")
    with op.batch_alter_table("plan_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_run_at"))
    op.drop_table("plan_run")
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.drop_column("planning")
