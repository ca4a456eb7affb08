"""The schedule: moving in time, the person view, and lock / cancel on a selected booking."""

from __future__ import annotations

from textual.pilot import Pilot

from labops import tables as t
from labops.db import Database
from labops.records.listings import list_records
from labops.vocabulary import RequestStatus
from tests.tui.conftest import actor, drive, settle
from tui.screens.confirm import ConfirmScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.detail_view import DetailView
from tui.widgets.timeline import TimelineView


def booking_status(db: Database, booking_id: int) -> str:
    rows = list_records(db, "bookings", actor=actor(db, "dara"), status=None).rows
    cancelled = list_records(db, "bookings", actor=actor(db, "dara"), status="cancelled").rows
    return next(row["status"] for row in [*rows, *cancelled] if row["id"] == booking_id)


async def open_ref_booking(pilot: Pilot) -> ScheduleScreen:
    """Request 2's booking: sem-1, Mon 30 Nov 09:00, the week after the clock's."""
    await pilot.press("2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ScheduleScreen)
    await pilot.press("greater_than_sign", "down", "right")
    await settle(pilot)
    bar = screen.query_one(TimelineView).bar
    assert bar is not None and bar.label == "R2 ref"
    return screen


def test_lock_then_cancel_a_booking(tiny: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_ref_booking(pilot)
        detail = screen.query_one(DetailView).text
        assert "Booking 1" in detail and "team: Dara Singh (platform architect)" in detail
        await pilot.press("l")
        await settle(pilot)
        assert booking_status(tiny, 1) == "locked"
        assert "status: locked" in screen.query_one(DetailView).text

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # changed my mind: nothing happens
        await settle(pilot)
        assert booking_status(tiny, 1) == "locked"
        await pilot.press("x", "y")
        await settle(pilot)
        assert booking_status(tiny, 1) == "cancelled"
        sem = next(line for line in screen.query_one(TimelineView).lines if line.startswith("sem"))
        assert "R2" not in sem

    drive(app_for(tiny, "dara"), scenario)


def test_cancelling_the_last_booking_of_a_scheduled_request_says_it_is_approved_again(
    tiny: Database, app_for
) -> None:
    with tiny.write() as session:  # request 2 as a plan commit leaves it: scheduled
        request = session.get_one(t.Request, 2)
        request.status = RequestStatus.SCHEDULED
        session.add(request)

    async def scenario(pilot: Pilot) -> None:
        await open_ref_booking(pilot)
        await pilot.press("x", "y")
        await settle(pilot)
        said = [n.message for n in pilot.app._notifications]
        assert any(
            "booking 1 cancelled" in m and "request 2 is approved again: 'ref' has no booking" in m
            for m in said
        ), said

    drive(app_for(tiny, "dara"), scenario)
    with tiny.read() as session:
        assert session.get_one(t.Request, 2).status == RequestStatus.APPROVED


def test_person_view_and_day_zoom(tiny: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_ref_booking(pilot)
        await pilot.press("z")
        await settle(pilot)
        window = str(screen.query_one("#schedule-window").render())
        assert "Mon 30 Nov 2026" in window
        await pilot.press("v")
        await settle(pilot)
        timeline = screen.query_one(TimelineView)
        assert timeline.data is not None and timeline.data.view == "person"
        dara = next(line for line in timeline.lines if line.startswith("Dara Singh"))
        assert "R2 ref" in dara

    drive(app_for(tiny, "dara"), scenario)


def test_a_member_sees_other_projects_as_busy_and_cannot_act(tiny: Database, app_for) -> None:
    """Ben works on tandem but neither leads it nor is on this booking: busy time only."""

    async def scenario(pilot: Pilot) -> None:
        assert sorted(pilot.app.screen_list()) == sorted(
            [("today", "Today", "1"), ("schedule", "Schedule", "2")]
        )
        await pilot.press("2", "greater_than_sign", "down", "right")
        await settle(pilot)
        screen = pilot.app.screen
        bar = screen.query_one(TimelineView).bar
        assert bar is not None and bar.label == "busy" and bar.booking_id is None
        await pilot.press("l")  # not theirs to lock: the key does nothing
        await settle(pilot)
        footer_keys = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert "booking('lock')" not in footer_keys

    drive(app_for(tiny, "ben"), scenario)
    assert booking_status(tiny, 1) == "confirmed"


def test_check_in_and_out_of_the_selected_booking(tiny: Database, app_for) -> None:
    """On Mon 30 Nov at 09:10 (Berlin) Dara checks the ref booking in, at 10:00 out: 50
    minutes used, the booking done."""
    import datetime as dt

    from labops import tables as t

    async def check(pilot: Pilot, key: str) -> None:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("down", "right")
        await settle(pilot)
        assert pilot.app.screen.query_one(TimelineView).bar.label == "R2 ref"
        await pilot.press(key)
        await settle(pilot)

    async def check_in(pilot: Pilot) -> None:
        await check(pilot, "i")

    async def check_out(pilot: Pilot) -> None:
        await check(pilot, "o")

    drive(app_for(tiny, "dara", now=dt.datetime(2026, 11, 30, 8, 10, tzinfo=dt.UTC)), check_in)
    drive(app_for(tiny, "dara", now=dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)), check_out)
    with tiny.read() as session:
        use = session.get(t.Usage, 1)
    assert (use.start.hour, use.start.minute, use.minutes) == (8, 10, 50)
    assert booking_status(tiny, 1) == "done"
