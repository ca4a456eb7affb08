"""Migrations that rename columns keep every row's values, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import select

from labops import tables as t
from labops.db import Database
from labops.migrate import alembic_config, current_revision, head_revision
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_text
from tests.conftest import FIXTURES, NOW
from tests.postgres import outside


def _requests(db: Database) -> dict[str, list[tuple]]:
    """A database's requests and their tasks, needs and order, read through the models."""
    with db.read() as s:
        return {
            "request": [
                (r.id, r.project, r.requester, r.status.value, r.created, r.submitted)
                for r in s.exec(select(t.Request).order_by(t.Request.id))
            ],
            "task": [
                (x.id, x.key, x.duration, x.staff_for)
                for x in s.exec(select(t.Task).order_by(t.Task.id))
            ],
            "task_equipment": [
                (n.task_id, n.unit, n.kind, n.site, n.amount)
                for n in s.exec(select(t.TaskEquipment).order_by(t.TaskEquipment.id))
            ],
            "task_staff": [
                (n.task_id, n.count, n.role and n.role.value, n.skill, n.level)
                for n in s.exec(select(t.TaskStaff).order_by(t.TaskStaff.id))
            ],
            "task_precedence": [
                (p.before_id, p.after_id, p.lag) for p in s.exec(select(t.TaskPrecedence))
            ],
        }


# The same rows as an older labops (revision 0020) reads them, under the old column names.
OLD_COLUMNS = {
    "request": "id, project_id, requester_id, status, created_at, submitted_at",
    "task": "id, key, duration_minutes, staff_minutes",
    "task_equipment": "task_id, equipment_id, kind_id, site_id, amount",
    "task_staff": "task_id, count, role, skill, min_level",
    "task_precedence": "before_id, after_id, lag_minutes",
}
ORDER = {"request": "id", "task": "id", "task_equipment": "id", "task_staff": "id"}


def _as_read(table: str, row: tuple) -> tuple:
    """A request row read past the models (instants naive UTC, as text on SQLite) as the
    models give it."""
    if table != "request":
        return row
    return (*row[:4], *(_instant(value) for value in row[4:]))


def _instant(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=dt.UTC)


def test_requests_keep_their_values_across_migration_0021(db_path) -> None:
    from alembic import command

    db = Database.open(str(db_path))
    tiny = parse_platform_text((FIXTURES / "tiny.toml").read_text())
    load_platform(db, tiny, actor=None, now=NOW)
    held = _requests(db)
    # tiny.toml's requests, so that every renamed column holds something to keep.
    submitted = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)  # 10:00 in Berlin
    assert held["request"][0] == (1, "tandem", "ada", "submitted", submitted, submitted)
    assert [(key, minutes, staff_for) for _, key, minutes, staff_for in held["task"]] == [
        ("coat", 360, 60),
        ("image", 120, None),
        ("ref", 90, None),
    ]
    coat, image, ref = (row[0] for row in held["task"])
    assert held["task_equipment"] == [
        (coat, None, "sputter", "pilot", 1),
        (image, "sem-1", None, None, 1),
        (image, None, "fume-hood", None, 2),
        (ref, "sem-1", None, None, 1),
    ]
    assert (coat, 1, "industry engineer", "coating", 2) in held["task_staff"]
    assert held["task_precedence"] == [(coat, image, 720)]
    db.dispose()

    # Back to the database an older labops made: the same values under the old names.
    config = alembic_config(db.engine)
    command.downgrade(config, "0020")
    assert current_revision(db.engine) == "0020"
    for table, names in OLD_COLUMNS.items():
        order = f" ORDER BY {ORDER[table]}" if table in ORDER else ""
        old = outside(db_path, f"SELECT {names} FROM {table}{order}")
        assert [_as_read(table, tuple(row)) for row in old] == held[table], table

    # And forward again: the rows, their indexes and foreign keys under the file's names.
    command.upgrade(config, "head")
    assert current_revision(db.engine) == head_revision()
    db = Database.open(str(db_path))
    try:
        assert _requests(db) == held
        schema = sa.inspect(db.engine)
        assert {ix["name"] for ix in schema.get_indexes("task_equipment")} == {
            "ix_task_equipment_task_id",
            "ix_task_equipment_unit",
            "ix_task_equipment_kind",
        }
        assert {ix["name"] for ix in schema.get_indexes("request")} == {
            "ix_request_project",
            "ix_request_requester",
            "ix_request_status",
        }
        if db.engine.dialect.name == "postgresql":  # SQLite does not look foreign keys up by name
            assert {fk["name"] for fk in schema.get_foreign_keys("request")} == {
                "fk_request_project_project",
                "fk_request_requester_person",
                "fk_request_decided_by_person",
            }
            assert {fk["name"] for fk in schema.get_foreign_keys("task_equipment")} == {
                "fk_task_equipment_task_id_task",
                "fk_task_equipment_unit_equipment",
                "fk_task_equipment_kind_kind",
                "fk_task_equipment_site_site",
            }
    finally:
        db.dispose()
