"""equipment's columns take the platform file's names (site, kind, hourly_rate, setup,
cleanup, certified_operator, unattended)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

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


def upgrade() -> None:
    _rename(RENAMES, rate="hourly_rate")


def downgrade() -> None:
    _rename({new: old for old, new in RENAMES.items()}, rate="hourly_rate_cents")


def _rename(names: dict[str, str], *, rate: str) -> None:
    site, kind = names.get("site_id", "site_id"), names.get("kind_id", "kind_id")
    old_site = "site_id" if "site_id" in names else "site"
    old_kind = "kind_id" if "kind_id" in names else "kind"
    # SQLite recreates the table: renames first, then the constraints on the new names.
    # PostgreSQL alters it in place (a copy could not drop a table others refer to).
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("equipment", recreate=recreate) as batch:
        batch.drop_index(batch.f(f"ix_equipment_{old_site}"))
        batch.drop_index(batch.f(f"ix_equipment_{old_kind}"))
        batch.drop_constraint(batch.f(f"fk_equipment_{old_site}_site"), type_="foreignkey")
        batch.drop_constraint(batch.f(f"fk_equipment_{old_kind}_kind"), type_="foreignkey")
        batch.drop_constraint(batch.f("ck_equipment_rate_not_negative"), type_="check")
        for old, new in names.items():
            batch.alter_column(old, new_column_name=new)
    with op.batch_alter_table("equipment", recreate=recreate) as batch:
        batch.create_foreign_key(
            batch.f(f"fk_equipment_{site}_site"), "site", [site], ["id"],
            ondelete="RESTRICT", onupdate="CASCADE",
        )  # fmt: skip
        batch.create_foreign_key(
            batch.f(f"fk_equipment_{kind}_kind"), "kind", [kind], ["id"],
            ondelete="RESTRICT", onupdate="CASCADE",
        )  # fmt: skip
        batch.create_check_constraint(
            batch.f("ck_equipment_rate_not_negative"), sa.text(f"{rate} >= 0")
        )
    op.create_index(op.f(f"ix_equipment_{site}"), "equipment", [site])
    op.create_index(op.f(f"ix_equipment_{kind}"), "equipment", [kind])
