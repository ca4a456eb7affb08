"""Renaming columns in a migration, the same way on SQLite and PostgreSQL.

``ALTER TABLE ... RENAME COLUMN`` (SQLite 3.25+, PostgreSQL) renames a column in place and
rewrites the foreign keys, checks and indexes that use it, so no table is copied and no
other table's foreign key is disturbed. What it cannot do is rename the constraints and
indexes themselves; these follow the naming convention (``labops.columns``) again: indexes
are re-created, and on PostgreSQL foreign keys are renamed (SQLite keeps a foreign key's
name inside its table's SQL, where nothing looks it up).
"""

from __future__ import annotations

from alembic import op


def rename_columns(
    table: str,
    names: dict[str, str],
    *,
    indexed: tuple[str, ...] = (),
    foreign_keys: dict[str, str] | None = None,
) -> None:
    """Rename ``table``'s columns (old -> new); ``indexed`` old columns have a one-column
    index; ``foreign_keys`` maps an old column to the table it refers to."""
    for old in indexed:
        op.drop_index(f"ix_{table}_{old}", table_name=table)
    for old, new in names.items():
        op.execute(f'ALTER TABLE "{table}" RENAME COLUMN "{old}" TO "{new}"')
    for old in indexed:
        op.create_index(f"ix_{table}_{names[old]}", table, [names[old]])
    if op.get_bind().dialect.name == "postgresql":
        for old, target in (foreign_keys or {}).items():
            op.execute(
                f'ALTER TABLE "{table}" RENAME CONSTRAINT "fk_{table}_{old}_{target}" '
                f'TO "fk_{table}_{names[old]}_{target}"'
            )
