"""projects' and fund pools' columns take the platform file's names (lead, fund_pool,
budget)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

from labops.migrations.renames import rename_columns

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROJECT = {"lead_id": "lead", "fund_pool_id": "fund_pool", "budget_cents": "budget"}
REFERS = {"lead_id": "person", "fund_pool_id": "fund_pool"}


def upgrade() -> None:
    rename_columns("project", PROJECT, indexed=("lead_id", "fund_pool_id"), foreign_keys=REFERS)
    rename_columns("fund_pool", {"budget_cents": "budget"})


def downgrade() -> None:
    back = {new: old for old, new in PROJECT.items()}
    rename_columns(
        "project",
        back,
        indexed=("lead", "fund_pool"),
        foreign_keys={PROJECT[old]: target for old, target in REFERS.items()},
    )
    rename_columns("fund_pool", {"budget": "budget_cents"})
