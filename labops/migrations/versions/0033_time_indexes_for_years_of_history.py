"""indexes for windows of time on years of history: booking units and people by busy start,
tasks by duration

The schedule, the dashboard and the weekly report ask which units and people are busy in a
window (a day, a week), over every unit or person at once. The indexes that lead with the
unit or the person serve a question about one of them; without an index that leads with
the time, such a window read every booking unit of the platform's history.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 23:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_booking_unit_start": ("booking_unit", ["busy_start"]),
    "ix_booking_person_start": ("booking_person", ["busy_start"]),
    # The longest task bounds every window's reads (labops.bookings.window): its maximum
    # is then looked up, not found by reading every task.
    "ix_task_duration": ("task", ["duration"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
