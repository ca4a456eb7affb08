"""The iCalendar export moves and removes events in calendar programs instead of leaving
ghosts: each booking keeps its UID, every change raises its SEQUENCE, a cancelled booking
is written as STATUS:CANCELLED; a person's file is a feed to subscribe to."""

from __future__ import annotations

import icalendar

from labops.bookings import service as bookings
from labops.bookings.ical import export_calendar
from labops.db import Database
from labops.planning import commit as committing
from tests.conftest import NOW
from tests.labops.test_notifications import (  # noqa: F401 (lab is a fixture)
    OPERATOR,
    PEOPLE,
    _one_day_later,
    lab,
)


def _events(db: Database, person: str) -> dict[str, icalendar.Event]:
    data = export_calendar(db, actor=OPERATOR, now=NOW, person=person)
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_a_move_raises_the_sequence_and_keeps_the_uid(lab: Database) -> None:  # noqa: F811
    [(uid, before)] = _events(lab, "p2").items()
    assert uid == "booking-3@labops" and before["sequence"] == 0
    committing.commit_proposal(lab, _one_day_later(lab), actor=OPERATOR, now=NOW)
    [(same, after)] = _events(lab, "p2").items()
    assert same == uid
    assert after["sequence"] == 1
    assert after.decoded("dtstart") > before.decoded("dtstart")
    bookings.change_booking(lab, actor=OPERATOR, booking_id=3, operation="confirm", now=NOW)
    assert _events(lab, "p2")[uid]["sequence"] == 2


def test_a_cancelled_booking_is_written_as_cancelled(lab: Database) -> None:  # noqa: F811
    bookings.change_booking(lab, actor=OPERATOR, booking_id=5, operation="cancel", now=NOW)
    event = _events(lab, "p4")["booking-5@labops"]
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 1
    assert str(_events(lab, "p5")["booking-6@labops"]["status"]) != "CANCELLED"


def test_a_persons_file_is_a_feed(lab: Database) -> None:  # noqa: F811
    data = export_calendar(lab, actor=OPERATOR, now=NOW, person="p1")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data
    assert b"X-PUBLISHED-TTL:PT1H" in data and b"METHOD:PUBLISH" in data


def test_feeds_writes_one_file_per_person(cli, db, tmp_path) -> None:
    from labops.platform.load import load_platform
    from labops.platform.read import parse_platform_text
    from tests.labops.test_notifications import _platform_text

    load_platform(db, parse_platform_text(_platform_text()), actor=None, now=NOW)
    folder = tmp_path / "feeds"
    result = cli("--as", "op", "calendar", "--feeds", str(folder))
    assert result.code == 0, result.err
    assert sorted(p.stem for p in folder.glob("*.ics")) == sorted([*PEOPLE, "op"])
    feed = icalendar.Calendar.from_ical((folder / "p9.ics").read_bytes())
    assert [str(e["uid"]) for e in feed.walk("VEVENT")] == ["booking-10@labops"]
    refused = cli("--as", "p1", "calendar", "--feeds", str(folder))
    assert refused.code == 4
