"""Platform files: the round trip, and every kind of bad file refused with one clear line."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from labops.db import Database
from labops.errors import FixtureError
from labops.permissions import Actor
from labops.platform.dump import export_platform, to_toml
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_text, read_platform_file
from tests.conftest import FIXTURES, NOW
from tests.postgres import outside

TINY = FIXTURES / "tiny.toml"


def tiny_text() -> str:
    return TINY.read_text()


def db_digest(path: Path) -> str:
    """A digest of every row of every table: equal digests mean nothing was written."""

    if getattr(path, "backend", "sqlite") != "sqlite":
        return _server_digest(str(path))
    connection = sqlite3.connect(path)
    tables = [r[0] for r in connection.execute("select name from sqlite_master where type='table'")]
    digest = hashlib.sha256()
    for table in sorted(tables):
        for row in connection.execute(f'select * from "{table}" order by 1'):
            digest.update(repr(row).encode())
    connection.close()
    return digest.hexdigest()


def _server_digest(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.NullPool)
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in sorted(sa.inspect(connection).get_table_names()):
            rows = connection.exec_driver_sql(f'select * from "{table}"')
            for row in sorted(repr(tuple(row)) for row in rows):
                digest.update(row.encode())
    engine.dispose()
    return digest.hexdigest()


def normalised(data):
    """The platform with entries in id order and the defaults the database fills in."""
    dumped = data.model_dump()
    for entries in dumped.values():
        if isinstance(entries, list):
            entries.sort(key=lambda entry: repr(entry.get("id", entry)))
    for request in dumped["requests"]:
        request["created"] = request["created"] or request["submitted"]
    for site in dumped["sites"]:
        site["timezone"] = site["timezone"] or data.platform.timezone
    return dumped


def test_round_trip_is_stable(db: Database, tmp_path: Path) -> None:
    data = read_platform_file(TINY)
    load_platform(db, data, actor=None, now=NOW)
    with db.read() as session:
        first = to_toml(export_platform(session))
    # The export reads back as the same platform (up to the order of entries and the
    # creation time the database fills in) ...
    assert normalised(parse_platform_text(first)) == normalised(data)
    # ... and exporting what was loaded from an export gives the very same file.
    again = Database.open(str(tmp_path / "again.db"))
    load_platform(again, parse_platform_text(first), actor=None, now=NOW)
    with again.read() as session:
        assert to_toml(export_platform(session)) == first


def test_times_are_wall_clock_in_the_platform_zone(db: Database) -> None:
    from labops import tables as t

    load_platform(db, read_platform_file(TINY), actor=None, now=NOW)
    with db.read() as session:
        booking = session.get(t.Booking, 1)
    # 2026-11-30 09:00 in Berlin is 08:00 UTC (winter time).
    assert booking.start.isoformat() == "2026-11-30T08:00:00+00:00"
    # The file gives no creation time: the load's, not the (future) start.
    assert booking.created_at == NOW < booking.start


def test_rebase_moves_dates_by_whole_weeks(db: Database) -> None:
    import datetime as dt

    from labops import tables as t

    summary = load_platform(
        db, read_platform_file(TINY), actor=None, now=NOW, rebase_to=dt.date(2027, 4, 14)
    )
    assert summary.shifted_days % 7 == 0
    with db.read() as session:
        info = session.get(t.PlatformInfo, 1)
        booking = session.get(t.Booking, 1)
    assert info.anchor == dt.date(2027, 4, 12)  # the Monday of that week
    assert booking.start.weekday() == 0  # still a Monday
    # Summer time there: 09:00 local is 07:00 UTC, the wall-clock time is kept.
    assert booking.start.hour == 7


def test_load_refuses_to_overwrite_without_replace(cli, db_path: Path) -> None:
    assert cli("load", str(TINY)).code == 0
    before = db_digest(db_path)
    result = cli("load", str(TINY))
    assert result.code != 0
    assert "already holds platform 'Tiny Transfer Lab'" in result.err
    assert db_digest(db_path) == before
    result = cli("load", "--replace", str(TINY))
    assert result.code != 0
    assert "needs an admin" in result.err
    result = cli("--as", "dara", "load", "--replace", str(TINY))
    assert "permission denied: operator 'dara' cannot manage the platform's records" in result.err
    assert db_digest(db_path) == before
    assert cli("--as", "eve", "load", "--replace", str(TINY)).code == 0


BAD_FILES = {
    "malformed TOML": (
        lambda s: s.replace('name = "Tiny Transfer Lab"', 'name = "Tiny Transfer Lab'),
        "not valid TOML",
    ),
    "unknown site of equipment": (
        lambda s: s.replace('site = "matlab"\nkind = "sem"', 'site = "bio-lab"\nkind = "sem"'),
        "equipment 'sem-1': site 'bio-lab' does not exist",
    ),
    "duplicate id": (
        lambda s: s.replace('id = "hoods"', 'id = "sem-1"'),
        "equipment 'sem-1': defined 2 times",
    ),
    "end before start": (
        lambda s: s.replace("end = 2026-12-02T12:00:00", "end = 2026-12-02T07:00:00"),
        "equipment 'sem-1': downtime #1: ends (2026-12-02T07:00:00) before it starts",
    ),
    "zero duration": (
        lambda s: s.replace('duration = "2h"', 'duration = "0m"'),
        "request 1: task 'image': duration must be positive",
    ),
    "negative duration": (
        lambda s: s.replace('duration = "2h"', "duration = -30"),
        "request 1: task 'image': duration: a duration must not be negative",
    ),
    "unknown role": (
        lambda s: s.replace('role = "student"\nhome_site', 'role = "chemist"\nhome_site'),
        "person 'cleo': role: unknown value 'chemist'",
    ),
    "unknown kind": (
        lambda s: s.replace('kind = "sputter"\nhourly_rate', 'kind = "laser"\nhourly_rate'),
        "equipment 'sputter-1': kind 'laser' does not exist",
    ),
    "precedence cycle": (
        lambda s: s.replace(
            'staff_for = "1h"\n', 'staff_for = "1h"\nafter = [{ task = "image" }]\n'
        ),
        "request 1: precedence cycle",
    ),
    "capacity demand above any unit": (
        lambda s: s.replace(
            '{ kind = "fume-hood", amount = 2 }', '{ kind = "fume-hood", amount = 7 }'
        ),
        "request 1: task 'image': asks for 7 of a 'fume-hood' unit, but the largest has capacity 6",
    ),
    "unknown field": (
        lambda s: s.replace("capacity = 6", "capacity = 6\ncolour = 'red'"),
        "equipment 'hoods': colour: unknown field",
    ),
    "bad time zone": (
        lambda s: s.replace(
            'timezone = "Europe/Berlin"\nanchor', 'timezone = "Mars/Olympus"\nanchor'
        ),
        "platform.timezone: unknown time zone 'Mars/Olympus'",
    ),
    "booking on the wrong unit": (
        lambda s: s.replace(
            'units = ["sem-1"]\npeople = ["dara"]', 'units = ["hoods"]\npeople = ["dara"]'
        ),
        "booking 2/ref: unit 'hoods' is not the 'sem-1' asked for",
    ),
    "unknown reference in a request": (
        lambda s: s.replace(
            'requester = "ada"\ntitle = "Reference', 'requester = "zoe"\ntitle = "Reference'
        ),
        "request 2: requester 'zoe' does not exist",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_and_nothing_is_written(
    case: str, cli, db_path: Path, tmp_path: Path
) -> None:
    mutate, expected = BAD_FILES[case]
    text = tiny_text()
    bad_text = mutate(text)
    assert bad_text != text, "the mutation must change the file"
    bad = tmp_path / "bad.toml"
    bad.write_text(bad_text)
    assert cli("init").code == 0
    before = db_digest(db_path)

    result = cli("load", str(bad))

    assert result.code != 0
    assert expected in result.err, result.err
    assert str(bad) in result.err.splitlines()[0]  # every line names the file
    assert "Traceback" not in result.err
    assert db_digest(db_path) == before


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = tiny_text().replace('site = "matlab"\nkind = "sem"', 'site = "nowhere"\nkind = "sem"')
    text = text.replace(
        'requester = "ada"\ntitle = "Reference', 'requester = "zoe"\ntitle = "Reference'
    )
    with pytest.raises(FixtureError) as caught:
        parse_platform_text(text, source="x.toml")
    assert len(caught.value.problems) == 2


def test_a_failing_load_half_way_leaves_the_database_as_it_was(db: Database, db_path: Path) -> None:
    """A database error in the middle of a load rolls the whole load back."""
    load_platform(db, read_platform_file(TINY), actor=None, now=NOW)
    before = db_digest(db_path)
    data = read_platform_file(TINY)
    # A second platform with a clashing request id in the same transaction cannot be written.
    broken = data.model_copy(
        update={"requests": [*data.requests, data.requests[0].model_copy(update={"id": 2})]}
    )
    with pytest.raises(sa.exc.IntegrityError):
        load_platform(db, broken, actor=Actor.system(), now=NOW, replace=True)
    assert db_digest(db_path) == before


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Europe/Berlin", "America/New_York"])
def test_rebase_to_lands_in_the_weeks_asked_for_in_every_zone(cli, db_path, tmp_path, zone):
    # The local midnight of a day east of UTC is the day before in UTC: the re-base must
    # take the day as the platform's clocks read it.
    text = (FIXTURES / "tiny.toml").read_text().replace('"Europe/Berlin"', f'"{zone}"')
    path = tmp_path / "zoned.toml"
    path.write_text(text)
    assert cli("load", str(path), "--rebase-to", "2026-12-14").code == 0
    [(anchor,)] = outside(db_path, "SELECT anchor FROM platform")
    assert str(anchor) == "2026-12-14"  # the file's anchor is Monday 2026-11-30: two weeks on
