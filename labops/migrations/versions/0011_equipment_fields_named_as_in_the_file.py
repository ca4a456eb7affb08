"""equipment's columns take the platform file's names (site, kind, hourly_rate, setup,
cleanup, certified_operator, unattended)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

from labops.migrations.renames import rename_columns

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMES = {
    "site_id": "site",
    "kind_id": "kind",
    "hourly_rate_cents": "hourly_rate",
    "setup_minutes": "setup",
    "cleanup_minutes": "cleanup",
    "needs_certified": "certified_operator",
    "unattended_ok": "unattended",
}
REFERS = {"site_id": "site", "kind_id": "kind"}


def upgrade() -> None:
    rename_columns("equipment", RENAMES, indexed=tuple(REFERS), foreign_keys=REFERS)


def downgrade() -> None:
    rename_columns(
        "equipment",
        {new: old for old, new in RENAMES.items()},
        indexed=("site", "kind"),
        foreign_keys={RENAMES[old]: target for old, target in REFERS.items()},
    )
