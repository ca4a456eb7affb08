"""The database: migrations match the tables, SQLite is set up for several users."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event
from sqlmodel import SQLModel

from labops import db as db_module
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


# --- only init, load and demo create; others refuse what is not a labops database ----------

TINY = str(Path(__file__).resolve().parents[2] / "fixtures" / "tiny.toml")


def _other_application_file(path: Path) -> bytes:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    connection.execute("INSERT INTO notes (text) VALUES ('mine')")
    connection.commit()
    connection.close()
    return path.read_bytes()


def test_another_applications_sqlite_file_is_refused_and_left_alone(cli, tmp_path) -> None:
    other = tmp_path / "notes.db"
    before = _other_application_file(other)
    for args in (("list", "sites"), ("--as", "dara", "list", "requests"), ("load", TINY),
                 ("init",), ("tui",)):  # fmt: skip
        result = cli(*args, db=other)
        assert result.code == 1, (args, result.err)
        assert "not a labops database (it holds other tables: notes)" in result.err
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal, no -shm


def test_a_mistyped_path_creates_nothing(cli, tmp_path) -> None:
    typo = tmp_path / "typo" / "labops.db"
    result = cli("list", "sites", db=typo)
    assert result.code == 1 and "no labops database at" in result.err
    result = cli("init", db=typo)
    assert result.code == 1 and "no folder" in result.err
    assert not (tmp_path / "typo").exists()
    missing = tmp_path / "missing.db"
    assert cli("--as", "dara", "list", "requests", db=missing).code == 1
    assert not missing.exists()
    assert cli("init", db=missing).code == 0 and missing.exists()
    assert cli("load", TINY, db=missing).code == 0
    assert cli("list", "sites", db=missing).code == 0


# --- environment failures are one line, and the data stays intact -------------------------


@pytest.fixture
def tiny_db(cli, db_path: Path) -> Path:
    assert cli("load", TINY).code == 0
    return db_path


def _one_line(result, *phrases: str) -> None:
    assert result.code == 1, result
    assert "internal error" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    for phrase in phrases:
        assert phrase in result.err, result.err


def test_a_database_from_a_newer_labops_is_one_line(cli, tiny_db: Path) -> None:
    connection = sqlite3.connect(tiny_db)
    connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.commit()
    connection.close()
    _one_line(cli("list", "sites"), "made by a newer labops (schema revision 0099)")


def test_a_full_disk_is_one_line_and_nothing_is_written(cli, db_path, monkeypatch) -> None:
    assert cli("init").code == 0
    connection = sqlite3.connect(db_path)
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.close()
    real = db_module.make_engine

    def full_disk(url: str, **kwargs):
        engine = real(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _cap(dbapi_connection, _record) -> None:  # SQLite's own "disk is full"
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        return engine

    monkeypatch.setattr(db_module, "make_engine", full_disk)
    demo = str(Path(TINY).with_name("demo.toml"))  # rows for many more pages than the schema
    _one_line(cli("load", demo), "the disk holding", "is full: nothing was written")
    monkeypatch.setattr(db_module, "make_engine", real)
    assert "holds no platform" in cli("list", "sites").err


def test_an_unwritable_output_folder_is_one_line(cli, tiny_db: Path) -> None:
    # /sys refuses new files even to root (Linux)
    _one_line(
        cli("--as", "dara", "report", "weekly", "--format", "md", "--output", "/sys/week.md"),
        "cannot write /sys/week.md",
    )
    _one_line(cli("--as", "dara", "export", "/sys/platform.toml"), "cannot write /sys/platform")


def test_a_failed_backup_is_not_recorded_as_made(cli, tiny_db: Path) -> None:
    _one_line(cli("--as", "dara", "backup", "/sys/monday.db"), "no backup made")
    connection = sqlite3.connect(tiny_db)
    made = connection.execute(
        "SELECT count(*) FROM audit_event WHERE action = 'database.backup'"
    ).fetchone()[0]
    connection.close()
    assert made == 0


def test_read_only_where_asked(cli, tiny_db: Path) -> None:
    before = tiny_db.read_bytes()
    assert cli("--read-only", "--as", "dara", "list", "requests").code == 0
    _one_line(
        cli("--read-only", "--as", "dara", "request", "approve", "1"),
        "is open read-only: nothing was written",
    )
    assert tiny_db.read_bytes() == before


def test_a_read_only_file_system_still_reads(cli, tiny_db: Path, tmp_path: Path) -> None:
    """WAL needs its -shm file, which a read-only file system cannot hold: the database is
    opened read-only (immutable), reads work, writes are one line."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a read-only file system needs root")
    cli("list", "sites")  # the last connection closed: the WAL is folded into the file
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copyfile(tiny_db, mount / "labops.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        on_ro = mount / "labops.db"
        result = cli("--as", "dara", "list", "requests", "--json", db=on_ro)
        assert result.code == 0, result.err
        _one_line(cli("--as", "dara", "request", "approve", "1", db=on_ro), "read-only")
    finally:
        # Lazily: an engine of the in-process CLI may still hold the file open.
        subprocess.run(["umount", "-l", str(mount)], check=False)
