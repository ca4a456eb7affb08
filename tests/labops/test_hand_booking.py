"""Booking a task by hand: the checks before the write, and a lock that later plans keep."""

from __future__ import annotations

import datetime as dt

import pytest

from labops import tables as t
from labops.bookings import service as bookings
from labops.db import Database
from labops.errors import Conflict, InputError
from labops.planning.build import build_snapshot
from labops.planning.snapshot import task_key as solver_key
from labops.vocabulary import BookingStatus
from tests.conftest import NOW, break_down
from tests.labops.test_multiuser import OPERATOR, busy_platform  # noqa: F401 (fixture)

MONDAY_11 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)  # 11:00 Berlin


def _book(db: Database, units: list[str], start=MONDAY_11, lock: bool = False) -> int:
    return bookings.book_task(
        db,
        actor=OPERATOR,
        request_id=3,
        task_key="prep",
        start=start,
        units=units,
        people=["dara"],
        now=NOW,
        lock=lock,
    )


def test_a_booking_without_its_units_names_what_to_give(db: Database, busy_platform) -> None:  # noqa: F811
    with pytest.raises(InputError, match=r"needs 1 unit\(s\) in --units.*0 given.*hoods"):
        _book(db, units=[])


def test_a_booking_during_downtime_is_refused_in_local_times(db: Database, busy_platform) -> None:  # noqa: F811
    break_down(db, "hoods", MONDAY_11, dt.timedelta(hours=4), actor=OPERATOR)
    with pytest.raises(Conflict) as refused:
        _book(db, units=["hoods"])
    message = str(refused.value)
    assert "equipment_downtime" in message
    assert "from Mon 30 Nov 11:00 to Mon 30 Nov 13:00" in message  # the booking
    assert "[" not in message  # no slot numbers


@pytest.mark.parametrize("lock", [False, True])
def test_a_hand_booking_is_frozen_for_later_plans_only_when_locked(
    db: Database,
    busy_platform,  # noqa: F811
    lock: bool,
) -> None:
    booking_id = _book(db, units=["hoods"], lock=lock)
    with db.read() as session:
        booking = session.get(t.Booking, booking_id)
        assert booking.status == (BookingStatus.LOCKED if lock else BookingStatus.CONFIRMED)
        snapshot = build_snapshot(session, now=NOW)
    assert (solver_key(3, "prep") in snapshot.problem.locked) is lock
