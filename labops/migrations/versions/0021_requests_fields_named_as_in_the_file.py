"""requests' and their tasks' columns take the platform file's names (project, requester,
created, submitted; duration, staff_for; an equipment need's unit, kind and site; a staff
need's level; an order's lag)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

from labops.migrations.renames import rename_columns

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: (old -> new, indexed old columns, old foreign key column -> the table it refers to)
RENAMES: dict[str, tuple[dict[str, str], tuple[str, ...], dict[str, str]]] = {
    "request": (
        {
            "project_id": "project",
            "requester_id": "requester",
            "created_at": "created",
            "submitted_at": "submitted",
        },
        ("project_id", "requester_id"),
        {"project_id": "project", "requester_id": "person"},
    ),
    "task": ({"duration_minutes": "duration", "staff_minutes": "staff_for"}, (), {}),
    "task_equipment": (
        {"equipment_id": "unit", "kind_id": "kind", "site_id": "site"},
        ("equipment_id", "kind_id"),
        {"equipment_id": "equipment", "kind_id": "kind", "site_id": "site"},
    ),
    "task_staff": ({"min_level": "level"}, (), {}),
    "task_precedence": ({"lag_minutes": "lag"}, (), {}),
}


def upgrade() -> None:
    for table, (names, indexed, refers) in RENAMES.items():
        rename_columns(table, names, indexed=indexed, foreign_keys=refers)


def downgrade() -> None:
    for table, (names, indexed, refers) in RENAMES.items():
        rename_columns(
            table,
            {new: old for old, new in names.items()},
            indexed=tuple(names[old] for old in indexed),
            foreign_keys={names[old]: target for old, target in refers.items()},
        )
