"""`free` lists time that can still be booked: a past --from starts at now, and says so."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES

# The clock stands at Wed 25 Nov 2026 10:00 Berlin.


def test_a_past_from_lists_from_now_and_says_so(cli) -> None:
    assert cli("load", str(FIXTURES / "tiny.toml")).code == 0
    args = ("--as", "ada", "free", "--kind", "sem", "--json")
    result = cli(*args, "--from", "2026-11-23", "--to", "2026-11-26")
    assert result.code == 0, result.err
    assert result.err.strip() == "--from 2026-11-23 is past: free time from now on"
    starts = [row["start"] for row in json.loads(result.out)]
    assert starts and min(starts) >= "2026-11-25 10:00"

    refused = cli(*args, "--from", "2026-11-23", "--to", "2026-11-24")
    assert refused.code == 1
    assert refused.err.strip() == (
        "--to 2026-11-24 is past: free time can only be booked from now on"
    )
