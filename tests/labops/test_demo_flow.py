"""`labops demo` end to end on the demo platform: load, approve, plan, commit, sum up."""

from __future__ import annotations

import json
from pathlib import Path

from tests.labops.test_lifecycle import assert_database_plan_is_valid


def test_demo_plans_and_commits_a_valid_plan(cli, db_path: Path) -> None:
    result = cli("demo", "--time-limit", "8")
    assert result.code == 0, result.err
    assert "Rhine-Meuse Transfer Center loaded" in result.out
    assert "validated and committed" in result.out
    assert "Bookings per site from now on" in result.out
    assert "--as aylin-demir tui" in result.out

    requests = json.loads(cli("--as", "aylin-demir", "list", "requests", "--json").out)
    statuses = {r["status"] for r in requests}
    assert "submitted" not in statuses  # the demo's operator approved them all
    scheduled = [r for r in requests if r["status"] == "scheduled"]
    assert len(scheduled) >= 30

    assert_database_plan_is_valid(db_path)

    # Running it again starts afresh from the demo file (an earlier demo is replaced).
    again = cli("demo", "--time-limit", "3")
    assert again.code == 0, again.err
