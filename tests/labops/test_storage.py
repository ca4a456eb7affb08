"""The database: migrations match the tables, SQLite is set up for several users."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from labops.db import Database, resolve_url
from labops.migrate import current_revision, head_revision


def test_migrations_build_exactly_the_tables(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db: Database) -> None:
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_indexes_serve_time_range_queries(db: Database) -> None:
    with db.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT booking_id FROM booking_unit "
            "WHERE equipment_id = 'sem-1' AND busy_start < '2026-12-02' AND busy_end > '2026-12-01'"
        ).all()
        assert "ix_booking_unit_time" in str(plan)
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT booking_id FROM booking_person "
            "WHERE person_id = 'ada' AND busy_start < '2026-12-02'"
        ).all()
        assert "ix_booking_person_time" in str(plan)


def test_url_resolution(tmp_path, monkeypatch) -> None:
    assert resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_url("postgresql://u@h/labops") == "postgresql://u@h/labops"
    monkeypatch.setenv("LABOPS_DB", str(tmp_path / "env.db"))
    assert resolve_url(None).endswith("env.db")


def test_reopening_an_upgraded_database_is_a_no_op(db_path) -> None:
    Database.open(str(db_path)).dispose()
    database = Database.open(str(db_path))
    assert current_revision(database.engine) == head_revision()
    database.dispose()


def test_the_head_read_from_the_migration_files_is_alembics():
    # The usual open skips importing Alembic by reading the head from the files itself.
    from alembic.script import ScriptDirectory

    from labops.migrate import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
