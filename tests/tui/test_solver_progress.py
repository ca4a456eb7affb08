"""The solver runs in a worker: live progress while the UI stays usable, and a stop key that
keeps the best plan found so far. The demo with every request approved keeps CP-SAT busy for
its whole time limit, so there is time to stop it."""

from __future__ import annotations

import time

from textual.pilot import Pilot
from textual.widgets import Input

from labops.db import Database
from labops.records.listings import list_records
from labops.requests.service import approve_request
from tests.conftest import NOW
from tests.tui.conftest import actor, drive, settle, wait_until
from tui.messages import PlanProgress
from tui.screens.plan import PlanScreen
from tui.widgets.progress_panel import ProgressPanel

OPERATOR = "jonas-becker"


def test_stop_keeps_the_best_plan_and_writes_nothing(demo: Database, app_for) -> None:
    operator = actor(demo, OPERATOR)
    for row in list_records(demo, "requests", actor=operator, status="submitted").rows:
        approve_request(demo, actor=operator, request_id=row["id"], now=NOW)
    before = len(list_records(demo, "bookings", actor=operator).rows)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PlanScreen)
        panel = screen.query_one(ProgressPanel)
        screen.query_one("#plan-workers", Input).value = "1"  # leave a core to the UI
        began = time.monotonic()
        await pilot.press("g")
        # Levels report as the solver reaches them (one already at its best is skipped, so
        # which comes first depends on the first plan), each with its bound.
        await wait_until(pilot, lambda: bool(panel.levels))
        assert screen.running and "bound" in panel.text
        await pilot.press("3")  # the UI answers while the solver works
        await pilot.press("4")
        assert pilot.app.screen is screen
        await pilot.press("s")
        await settle(pilot)
        assert time.monotonic() - began < 60
        assert not screen.running and screen.proposal is not None
        assert panel.state == "done (stopped)"
        assert screen.query_one("#plan-changes").rows_shown
        await pilot.press("d")
        await settle(pilot)
        assert screen.proposal is None

    messages = drive(app_for(demo, OPERATOR, time_limit=60), scenario)
    assert any(isinstance(m, PlanProgress) for m in messages)
    assert len(list_records(demo, "bookings", actor=operator).rows) == before
