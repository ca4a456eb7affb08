"""tasks in shifts: a task flag, and booking people carry which shift they cover

A task in shifts is watched throughout by one person at a time; its booking has a person
row per shift, busy over that shift, numbered from 1 in time order (0 for the people of
every other booking). The same person may cover two shifts of one long run, so the shift
number joins the primary key.

Revision ID: 0050
Revises: 0033
Create Date: 2026-12-08 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0050"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "task", sa.Column("shifts", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    with op.batch_alter_table("booking_person") as batch:
        batch.add_column(sa.Column("shift", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint("pk_booking_person", type_="primary")
        batch.create_primary_key("pk_booking_person", ["booking_id", "person_id", "shift"])


def downgrade() -> None:
    # Only a person's first shift of a booking stays: the old key holds one row per person.
    op.execute(
        sa.text(
            "DELETE FROM booking_person WHERE shift > (SELECT MIN(b.shift) FROM booking_person b"
            " WHERE b.booking_id = booking_person.booking_id"
            " AND b.person_id = booking_person.person_id)"
        )
    )
    with op.batch_alter_table("booking_person") as batch:
        batch.drop_constraint("pk_booking_person", type_="primary")
        batch.create_primary_key("pk_booking_person", ["booking_id", "person_id"])
        batch.drop_column("shift")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("shifts")
