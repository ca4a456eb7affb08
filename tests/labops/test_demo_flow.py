"""`labops demo` end to end on the demo platform: load, approve, plan, commit, sum up."""

from __future__ import annotations

import json
from pathlib import Path

from tests.labops.test_fixture_io import db_digest
from tests.labops.test_lifecycle import assert_database_plan_is_valid
from tests.postgres import outside


def test_demo_plans_and_commits_a_valid_plan(cli, db_path: Path) -> None:
    result = cli("demo", "--time-limit", "8")
    assert result.code == 0, result.err
    assert "Rhine-Meuse Transfer Center loaded" in result.out
    assert "validated and committed" in result.out
    assert "Bookings per site from now on" in result.out
    assert "--as aylin-demir tui" in result.out
    assert "the demo approved" in result.out

    requests = json.loads(cli("--as", "aylin-demir", "list", "requests", "--all", "--json").out)
    statuses = {r["status"] for r in requests}
    assert "submitted" not in statuses  # the demo's operator approved them all
    scheduled = [r for r in requests if r["status"] == "scheduled"]
    assert len(scheduled) >= 30

    assert_database_plan_is_valid(db_path)

    # Running it again starts afresh from the demo file (an earlier demo is replaced).
    again = cli("demo", "--time-limit", "3")
    assert again.code == 0, again.err


def _audit(db_path: Path) -> list[tuple[str, str]]:
    return outside(db_path, "SELECT actor, action FROM audit_event ORDER BY id")


def test_a_changed_demo_is_replaced_only_by_an_admin_named_in_the_audit(cli, db_path: Path) -> None:
    assert cli("demo", "--time-limit", "1").code == 0
    events = _audit(db_path)
    assert events[0] == ("system", "platform.load")  # nobody was named
    # The demo's own steps are the demo's, not one of its people's.
    assert {actor for actor, action in events[1:]} == {"demo"}
    assert {action for _, action in events[1:]} >= {"request.approve", "plan.commit"}

    # Untouched, anyone may start it afresh; the audit names who asked.
    assert cli("--as", "gerrit-bakker", "demo", "--time-limit", "1").code == 0
    loads = [actor for actor, action in _audit(db_path) if action == "platform.load"]
    assert loads[-1] == "gerrit-bakker"

    # An operator changes it: now only an admin may wipe it.
    bookings = json.loads(cli("--as", "aylin-demir", "list", "bookings", "--all", "--json").out)
    assert cli("--as", "aylin-demir", "booking", "cancel", str(bookings[-1]["id"])).code == 0
    before = db_digest(db_path)
    viewer = cli("--as", "gerrit-bakker", "demo", "--time-limit", "1")
    assert viewer.code == 4
    assert "permission denied: viewer 'gerrit-bakker' cannot manage" in viewer.err
    nobody = cli("demo", "--time-limit", "1")
    assert nobody.code == 4 and "needs an admin" in nobody.err
    assert db_digest(db_path) == before
    assert cli("--as", "katrin-vogel", "demo", "--time-limit", "1").code == 0
    loads = [actor for actor, action in _audit(db_path) if action == "platform.load"]
    assert loads[-1] == "katrin-vogel"
