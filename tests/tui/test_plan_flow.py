"""An operator's week on the tiny platform, driven through the UI: approve, plan, accept,
see it on the schedule; then a breakdown, and its repair.

Tiny platform at Wed 2026-11-25 10:00 Berlin: request 1 (submitted) coats 6 h on the pilot
line's sputter coater, then images 2 h on sem-1; request 2 is booked Mon 30 Nov 09:00.
"""

from __future__ import annotations

import datetime as dt

from textual.pilot import Pilot

from labops.db import Database
from labops.records.listings import list_records
from tests.tui.conftest import actor, drive, enter, settle
from tui.screens.plan import PlanScreen
from tui.screens.requests import RequestsScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.detail_view import DetailView
from tui.widgets.listing_table import ListingTable
from tui.widgets.progress_panel import ProgressPanel
from tui.widgets.timeline import TimelineView


def live_bookings(db: Database) -> dict[tuple[int, str], dict]:
    rows = list_records(db, "bookings", actor=actor(db, "dara")).rows
    return {(row["request"], row["task"]): row for row in rows}


def request_status(db: Database, request_id: int) -> str:
    rows = list_records(db, "requests", actor=actor(db, "dara")).rows
    return next(row["status"] for row in rows if row["id"] == request_id)


def test_approve_plan_accept_and_see_it_scheduled(tiny: Database, app_for) -> None:
    app = app_for(tiny, "dara", time_limit=5)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RequestsScreen)
        table = screen.query_one("#requests-table", ListingTable)
        assert [row["id"] for row in table.rows_shown] == [1, 2]
        assert table.selected_key == "1"
        await pilot.press("a")
        await settle(pilot)
        assert request_status(tiny, 1) == "approved"
        assert table.selected_row["status"] == "approved"

        await pilot.press("4")
        await settle(pilot)
        plan = pilot.app.screen
        assert isinstance(plan, PlanScreen)
        await pilot.press("g")
        await settle(pilot)
        assert "done" in plan.query_one(ProgressPanel).text
        changes = plan.query_one("#plan-changes", ListingTable).rows_shown
        assert {(c["request"], c["task"], c["change"]) for c in changes} == {
            (1, "coat", "new"),
            (1, "image", "new"),
        }
        assert plan.query_one("#plan-left", ListingTable).rows_shown == []
        assert set(live_bookings(tiny)) == {(2, "ref")}  # nothing written yet

        await pilot.press("a")  # asks first: no writes nothing
        await settle(pilot)
        assert "Write this plan? 2 booking changes" in str(
            pilot.app.screen.query_one(".question").render()
        )
        await pilot.press("n")
        await settle(pilot)
        assert set(live_bookings(tiny)) == {(2, "ref")}
        await pilot.press("a", "y")
        await settle(pilot)
        assert set(live_bookings(tiny)) == {(1, "coat"), (1, "image"), (2, "ref")}
        assert request_status(tiny, 1) == "scheduled"

        await pilot.press("2", "greater_than_sign")
        await settle(pilot)
        schedule = pilot.app.screen
        assert isinstance(schedule, ScheduleScreen)
        timeline = schedule.query_one(TimelineView)
        sem = next(line for line in timeline.lines if line.startswith("sem-1"))
        assert "R2" in sem and "R1" in sem  # a week is narrow: labels are cut short

        # Down to the sputter coater, onto its booking, and zoom into that day.
        await pilot.press("down", "down", "right", "z")
        await settle(pilot)
        assert timeline.lane.id == "sputter-1"
        sputter = next(line for line in timeline.lines if line.startswith("sputter-1"))
        assert "R1 coat" in sputter
        shown = schedule.query_one(DetailView).text
        assert "task: coat Sputter ITO top contact" in shown
        assert "when: 2026-12-01 07:00 - 2026-12-01 13:00" in shown
        assert "request status: scheduled" in shown

    messages = drive(app, scenario)
    assert any(type(m).__name__ == "PlanBuilt" for m in messages)


def test_downtime_then_repair_moves_only_what_it_hits(tiny: Database, app_for) -> None:
    from labops.planning.plans import commit, propose
    from labops.requests.service import approve_request
    from tests.conftest import NOW

    dara = actor(tiny, "dara")
    approve_request(tiny, actor=dara, request_id=1, now=NOW)
    commit(tiny, actor=dara, now=NOW, proposal=propose(tiny, actor=dara, now=NOW, time_limit=5))
    before = live_bookings(tiny)
    app = app_for(tiny, "dara", time_limit=5)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        plan = pilot.app.screen
        await pilot.press("w")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#field-unit Select").value = "sputter-1"
        enter(form, "#field-start Input", "2026-12-01 05:00")
        enter(form, "#field-end Input", "2026-12-01 20:00")
        enter(form, "#field-reason Input", "target cracked")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is plan
        hit = plan.query_one("#plan-changes", ListingTable).rows_shown
        assert [(row["request"], row["task"]) for row in hit] == [(1, "coat")]
        assert "press r to repair" in str(plan.query_one("#plan-summary").render())

        await pilot.press("r")
        await settle(pilot)
        changes = plan.query_one("#plan-changes", ListingTable).rows_shown
        assert {(c["request"], c["task"]) for c in changes} >= {(1, "coat")}
        assert (2, "ref") not in {(c["request"], c["task"]) for c in changes}
        await pilot.press("a", "y")
        await settle(pilot)

    drive(app, scenario)
    after = live_bookings(tiny)
    assert after[1, "coat"]["id"] == before[1, "coat"]["id"]  # the same booking, moved
    assert after[1, "coat"]["start"] >= "2026-12-01 20:00"
    assert after[2, "ref"]["start"] == before[2, "ref"]["start"]
    assert dt.date.fromisoformat(after[1, "coat"]["start"][:10]) >= dt.date(2026, 12, 1)
