"""a person's home site column takes the platform file's name (home_site)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

from labops.migrations.renames import rename_columns

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    rename_columns(
        "person",
        {"home_site_id": "home_site"},
        indexed=("home_site_id",),
        foreign_keys={"home_site_id": "site"},
    )


def downgrade() -> None:
    rename_columns(
        "person",
        {"home_site": "home_site_id"},
        indexed=("home_site",),
        foreign_keys={"home_site": "site"},
    )
