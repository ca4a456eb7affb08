"""After `load --replace`, a booking or downtime id the audit trail names is never given to
another record: the old platform's history stays about the old records."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES

TINY = str(FIXTURES / "tiny.toml")


def _ids(cli, what: str) -> list[int]:
    result = cli("--as", "eve", "list", what, "--json")
    assert result.code == 0, result.err
    return [row["id"] for row in json.loads(result.out)]


def test_replace_numbers_bookings_and_downtime_after_every_id_used(cli) -> None:
    assert cli("load", TINY).code == 0
    [booking] = _ids(cli, "bookings")
    # A cancellation the audit trail records under the old booking's id.
    assert cli("--as", "dara", "booking", "cancel", str(booking)).code == 0
    added = cli(
        "--as", "dara", "downtime", "add", "sem-1",
        "--start", "2026-12-03 08:00", "--end", "2026-12-03 10:00",
    )  # fmt: skip
    assert added.code == 0, added.err
    old_downtime = int(added.out.split()[1])

    assert cli("--as", "eve", "load", "--replace", TINY).code == 0
    [new_booking] = _ids(cli, "bookings")
    assert new_booking > booking
    history = json.loads(
        cli("--as", "eve", "audit", "--record", f"booking:{new_booking}", "--json").out
    )
    assert history == []  # nothing of the old booking's
    again = cli(
        "--as", "dara", "downtime", "add", "sem-1",
        "--start", "2026-12-04 08:00", "--end", "2026-12-04 10:00",
    )  # fmt: skip
    assert int(again.out.split()[1]) > old_downtime
