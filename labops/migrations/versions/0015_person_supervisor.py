"""people: a student's named supervisor

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # On SQLite a batch copy (the migration runs with foreign keys off, see env.py), the
    # only way to add a named foreign key that reads back as the model declares it.
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("supervisor", sa.String(), nullable=True))
        batch.create_foreign_key(
            "fk_person_supervisor_person",
            "person",
            ["supervisor"],
            ["id"],
            ondelete="RESTRICT",
            onupdate="CASCADE",
        )
        batch.create_index("ix_person_supervisor", ["supervisor"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_index("ix_person_supervisor")
        batch.drop_constraint("fk_person_supervisor_person", type_="foreignkey")
        batch.drop_column("supervisor")
