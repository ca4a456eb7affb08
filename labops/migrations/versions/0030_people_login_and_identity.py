"""people.login, platform.identity and audit_event.impersonated_by: who acts comes from the
login on a platform that says so (the default on a server database)

A person's login is their OS user name or database role, unique among the people. The
platform's identity is "login", "open" or NULL (the backend's default: "login" on
PostgreSQL, "open" on SQLite). An audit event names the admin who impersonated its actor
(--as on a login platform). Adding nullable columns is the same on SQLite and PostgreSQL
and copies no table.

Revision ID: 0030
Revises: 0020
Create Date: 2026-12-07 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("person", sa.Column("login", sa.String(), nullable=True))
    # A unique index, not a constraint: SQLite adds it without copying the table.
    op.create_index("ix_person_login", "person", ["login"], unique=True)
    op.add_column("platform", sa.Column("identity", sa.String(), nullable=True))
    op.add_column("audit_event", sa.Column("impersonated_by", sa.String(), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_person_login", table_name="person")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("impersonated_by")
    with op.batch_alter_table("platform") as batch:
        batch.drop_column("identity")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("login")
