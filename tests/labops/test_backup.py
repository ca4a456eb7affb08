"""`labops backup` and `labops restore`: a consistent copy, and back to it whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

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
