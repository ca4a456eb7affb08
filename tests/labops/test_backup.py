"""`labops backup` and `labops restore`: a consistent copy, and back to it whole."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from labops.migrate import head_revision
from tests.conftest import FIXTURES
from tests.labops.test_fixture_io import db_digest

TINY = str(FIXTURES / "tiny.toml")
DEMO = str(FIXTURES / "demo.toml")


@pytest.fixture
def loaded(cli):
    assert cli("load", TINY).code == 0
    return cli


def status_of(cli, request_id: int) -> str:
    rows = json.loads(cli("--as", "dara", "list", "requests", "--json").out)
    return next(row["status"] for row in rows if row["id"] == request_id)


def test_restore_brings_back_the_backup_and_records_who_did_it(loaded, tmp_path: Path) -> None:
    backup = tmp_path / "monday.db"
    assert loaded("--as", "dara", "backup", str(backup)).code == 0
    assert status_of(loaded, 1) == "submitted"
    assert loaded("--as", "dara", "request", "approve", "1").code == 0
    assert status_of(loaded, 1) == "approved"

    result = loaded("--as", "eve", "restore", str(backup), "--yes")
    assert result.code == 0, result.err
    assert status_of(loaded, 1) == "submitted"  # the approval is gone with the rest
    audit = json.loads(loaded("--as", "eve", "audit", "--json").out)
    assert any(e["action"] == "database.restore" and e["actor"] == "eve" for e in audit)


def test_a_backup_does_not_write_over_an_earlier_one_unasked(loaded, tmp_path: Path) -> None:
    backup = tmp_path / "monday.db"
    assert loaded("--as", "dara", "backup", str(backup)).code == 0
    before = backup.read_bytes()
    assert loaded("--as", "dara", "request", "approve", "1").code == 0
    again = loaded("--as", "dara", "backup", str(backup))
    assert again.code != 0 and "exists: give --replace to write over it" in again.err
    assert backup.read_bytes() == before
    assert loaded("--as", "dara", "backup", str(backup), "--replace").code == 0
    assert backup.read_bytes() != before


def test_only_admins_restore(loaded, tmp_path: Path) -> None:
    backup = tmp_path / "b.db"
    assert loaded("--as", "dara", "backup", str(backup)).code == 0
    result = loaded("--as", "dara", "restore", str(backup), "--yes")
    assert result.code == 4 and "permission denied" in result.err


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a database at all" * 100, "not an SQLite database"), (b"", "not a labops database")],
)
def test_restore_refuses_what_is_not_a_labops_backup(loaded, tmp_path, content, message) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    result = loaded("--as", "eve", "restore", str(bad), "--yes")
    assert result.code != 0 and message in result.err
    assert status_of(loaded, 1) == "submitted"  # nothing changed


def test_a_backup_of_another_platform_needs_saying_so(loaded, cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert cli("load", DEMO, db=other).code == 0
    result = loaded("--as", "eve", "restore", str(other), "--yes")
    assert result.code != 0 and "--other-platform" in result.err
    assert status_of(loaded, 1) == "submitted"
    assert loaded("--as", "eve", "restore", str(other), "--yes", "--other-platform").code == 0


def test_the_audit_trail_gives_changes_as_data_to_scripts(loaded) -> None:
    assert loaded("--as", "dara", "request", "approve", "1").code == 0
    events = json.loads(loaded("--as", "dara", "audit", "--json").out)
    approval = next(e for e in events if e["action"] == "request.approve")
    assert approval["changes"] == {"status": ["submitted", "approved"]}
    table = loaded("--as", "dara", "audit").out
    assert '"submitted"' in table  # and as JSON text in the table


# --- the audit trail survives a restore, and only whole backups are restored --------------


def _sql(path: Path, *statements: str) -> list:
    connection = sqlite3.connect(path)
    try:
        rows = []
        for statement in statements:
            rows = connection.execute(statement).fetchall()
        connection.commit()
        return rows
    finally:
        connection.close()


def _audit(path: Path) -> list[tuple]:
    return _sql(path, "SELECT id, actor, action, record_id, changes FROM audit_event ORDER BY id")


def test_a_restore_keeps_the_audit_trail_and_records_what_it_undid(
    loaded, db_path: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "monday.db"
    assert loaded("--as", "dara", "backup", str(backup)).code == 0
    assert loaded("--as", "dara", "request", "approve", "1").code == 0
    assert loaded("--as", "dara", "booking", "lock", "1").code == 0
    before = _audit(db_path)
    result = loaded("--as", "eve", "restore", str(backup), "--yes")
    assert result.code == 0, result.err
    assert "the 3 events recorded since the backup are undone" in result.out  # backup too
    after = _audit(db_path)
    assert after[: len(before)] == before  # every event kept, with its id
    (restore_event,) = after[len(before) :]
    assert restore_event[0] == before[-1][0] + 1 and restore_event[2] == "database.restore"
    assert json.loads(restore_event[4])["events_undone"] == 3
    assert status_of(loaded, 1) == "submitted"


def test_a_tampered_backup_cannot_rewrite_the_audit_trail_or_drop_its_guard(
    loaded, db_path: Path, tmp_path: Path
) -> None:
    assert loaded("--as", "dara", "request", "approve", "1").code == 0
    backup = tmp_path / "forged.db"
    assert loaded("--as", "dara", "backup", str(backup)).code == 0
    _sql(
        backup,
        "DROP TRIGGER audit_event_no_update",
        "DROP TRIGGER audit_event_no_delete",
        "UPDATE audit_event SET actor = 'eve' WHERE action = 'request.approve'",
    )
    before = _audit(db_path)
    result = loaded("--as", "eve", "restore", str(backup), "--yes")
    assert result.code == 0, result.err
    assert "1 audit events in the backup differ" in result.out
    assert _audit(db_path)[: len(before)] == before  # dara approved it, and still did
    with pytest.raises(sqlite3.DatabaseError, match="cannot be changed or deleted"):
        _sql(db_path, "DELETE FROM audit_event")
    with pytest.raises(sqlite3.DatabaseError, match="cannot be changed or deleted"):
        _sql(db_path, "UPDATE audit_event SET actor = 'x'")


def test_a_file_that_only_looks_like_a_backup_is_refused_before_anything_changes(
    loaded, db_path: Path, tmp_path: Path
) -> None:
    skeleton = tmp_path / "skeleton.db"
    _sql(
        skeleton,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        f"INSERT INTO alembic_version VALUES ('{head_revision()}')",
        "CREATE TABLE platform (id INTEGER PRIMARY KEY, name VARCHAR)",
        "INSERT INTO platform (id, name) VALUES (1, 'Tiny Transfer Lab')",
        "CREATE TABLE audit_event (id INTEGER PRIMARY KEY)",
    )
    before = db_digest(db_path)
    result = loaded("--as", "eve", "restore", str(skeleton), "--yes")
    assert result.code == 1 and "not a whole labops database" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert db_digest(db_path) == before
    assert status_of(loaded, 1) == "submitted"  # and every command still works
    backup = tmp_path / "good.db"
    assert loaded("--as", "dara", "backup", str(backup)).code == 0
    assert loaded("--as", "eve", "restore", str(backup), "--yes").code == 0


def test_a_backup_with_rows_breaking_the_rules_is_refused_whole(
    loaded, db_path: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "bad-rows.db"
    assert loaded("--as", "dara", "backup", str(backup)).code == 0
    _sql(backup, "PRAGMA ignore_check_constraints = ON", "UPDATE project SET priority = 9")
    before = db_digest(db_path)
    result = loaded("--as", "eve", "restore", str(backup), "--yes")
    assert result.code == 1 and "breaks a rule" in result.err
    assert db_digest(db_path) == before


def test_a_backup_from_an_older_schema_is_brought_up_to_date(
    loaded, db_path: Path, tmp_path: Path
) -> None:
    from alembic import command

    from labops.db import make_engine
    from labops.migrate import alembic_config

    backup = tmp_path / "older.db"
    assert loaded("--as", "dara", "backup", str(backup)).code == 0
    engine = make_engine(f"sqlite:///{backup}")
    command.downgrade(alembic_config(engine), "0003")  # as labops made it before 0004
    engine.dispose()
    assert _sql(backup, "SELECT version_num FROM alembic_version") == [("0003",)]
    result = loaded("--as", "eve", "restore", str(backup), "--yes")
    assert result.code == 0, result.err
    assert _sql(db_path, "SELECT self_approval FROM platform") == [(0,)]
    assert _sql(db_path, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
