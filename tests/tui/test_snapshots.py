"""How the main screens look, at a fixed clock and terminal size (pytest-textual-snapshot).

After an intended change of looks: pytest tests/tui/test_snapshots.py --snapshot-update,
then check the SVGs in __snapshots__ by eye.
"""

from __future__ import annotations

from textual.pilot import Pilot

from labops.db import Database
from tests.tui.conftest import settle

WIDE = (120, 40)
SMALL = (80, 24)


def keys(*pressed: str):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_today_on_the_demo(demo: Database, app_for, snap_compare) -> None:
    assert snap_compare(app_for(demo, "jonas-becker"), terminal_size=WIDE, run_before=keys())


def test_schedule_week_on_the_demo(demo: Database, app_for, snap_compare) -> None:
    app = app_for(demo, "jonas-becker")
    assert snap_compare(app, terminal_size=WIDE, run_before=keys("2", "down", "right"))


def test_requests_in_a_small_terminal(tiny: Database, app_for, snap_compare) -> None:
    assert snap_compare(app_for(tiny, "dara"), terminal_size=SMALL, run_before=keys("3"))


def test_plan_idle_in_a_small_terminal(tiny: Database, app_for, snap_compare) -> None:
    assert snap_compare(app_for(tiny, "dara"), terminal_size=SMALL, run_before=keys("4"))


def test_lead_view_in_a_small_terminal(tiny: Database, app_for, snap_compare) -> None:
    assert snap_compare(app_for(tiny, "ada"), terminal_size=SMALL, run_before=keys())
