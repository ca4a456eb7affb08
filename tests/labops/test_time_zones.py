"""A site keeping another time zone than the platform's: every time shown or read is
labelled with the zone it is in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labops.localtime import same_clock
from tests.conftest import FIXTURES

MIXED = (
    (FIXTURES / "tiny.toml")
    .read_text()
    .replace(
        'name = "Coating Pilot Line"\ntimezone = "Europe/Berlin"',
        'name = "Coating Pilot Line"\ntimezone = "America/New_York"',
    )
)
NOTE = "times in Europe/Berlin, the platform's time (pilot keeps America/New_York)"


@pytest.fixture
def mixed(cli, tmp_path: Path):
    assert "America/New_York" in MIXED
    path = tmp_path / "mixed.toml"
    path.write_text(MIXED)
    assert cli("load", str(path)).code == 0
    return cli


def test_zones_with_the_same_clocks_need_no_label() -> None:
    assert same_clock("Europe/Amsterdam", "Europe/Berlin")  # the demo's sites
    assert not same_clock("America/New_York", "Europe/Berlin")
    assert not same_clock("Europe/London", "Europe/Berlin")


def test_site_hours_are_labelled_with_their_zone(mixed) -> None:
    rows = {row["id"]: row for row in json.loads(mixed("list", "sites", "--json").out)}
    assert rows["pilot"]["hours"] == "mon-fri 06:00-22:00 (America/New_York time)"
    assert "(" not in rows["matlab"]["hours"]


def test_times_shown_in_the_platforms_zone_say_so(mixed) -> None:
    free = mixed("free", "--kind", "sputter", "--from", "2026-12-01", "--to", "2026-12-01")
    assert free.code == 0 and NOTE in " ".join(free.out.split())
    bookings = mixed("--as", "dara", "list", "bookings")
    assert NOTE in " ".join(bookings.out.split())
    detail = json.loads(mixed("show", "equipment", "sputter-1", "--json").out)
    assert detail["fields"]["times"] == NOTE
    detail = json.loads(mixed("show", "equipment", "sem-1", "--json").out)
    assert detail["fields"]["times"] is None  # matlab keeps the platform's time


def test_times_typed_are_said_to_be_read_in_the_platforms_zone(mixed) -> None:
    result = mixed("--as", "dara", "downtime", "add", "sputter-1",
                   "--start", "2026-12-01 08:00", "--end", "2026-12-01 10:00")  # fmt: skip
    assert result.code == 0, result.err
    assert "Times in Europe/Berlin, the platform's time" in result.out
    assert "--start" in mixed("downtime", "add", "--help", db=None).out
    assert "the platform's time zone" in " ".join(
        mixed("booking", "add", "--help", db=None).out.split()
    )
