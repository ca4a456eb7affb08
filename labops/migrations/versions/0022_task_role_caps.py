"""tasks: at most so many people of a role ("at most 2 students")

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = (
    "source researcher",
    "platform architect",
    "industry engineer",
    "innovator",
    "student",
    "investor",
    "business veteran",
    "corporate partner",
)


def upgrade() -> None:
    op.create_table(
        "task_role_cap",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                *ROLES,
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_task_role_cap_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_role_cap_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("task_id", "role", name=op.f("pk_task_role_cap")),
    )


def downgrade() -> None:
    op.drop_table("task_role_cap")
