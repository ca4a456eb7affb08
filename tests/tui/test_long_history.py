"""The TUI on a long history: the requests screen and the today screen read a page of
requests from the database, say how many match, and find the others there."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from labops.dashboard import overview
from labops.db import Database
from tests.labops.test_long_history import FIRST_ID, HISTORY, add_history
from tests.tui.conftest import drive, enter, settle
from tui.screens import requests as requests_screen
from tui.screens.requests import RequestsScreen
from tui.widgets.listing_table import ListingTable


@pytest.fixture
def history(tiny: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    add_history(tiny, status="submitted")  # HISTORY more open requests
    monkeypatch.setattr(requests_screen, "PAGE_ROWS", 5)
    monkeypatch.setattr(overview, "PENDING_SHOWN", 4)
    return tiny


def test_the_requests_screen_reads_a_page_and_more_on_demand(history: Database, app_for) -> None:
    total = HISTORY + 2  # tiny's submitted and approved ones are open too

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RequestsScreen)
        table = screen.query_one("#requests-table", ListingTable)
        assert [row["id"] for row in table.rows_shown] == [
            1,
            2,
            FIRST_ID,
            FIRST_ID + 1,
            FIRST_ID + 2,
        ]
        shown = str(screen.query_one("#requests-shown", Static).render())
        assert f"showing 1-5 of {total} requests" in shown
        await pilot.press("m")
        await settle(pilot)
        assert len(table.rows_shown) == 10
        # Finding is the database's: a request far down the list is found by its title.
        enter(screen, "#requests-find", f"history {HISTORY - 1}")
        await settle(pilot)
        assert [row["id"] for row in table.rows_shown] == [FIRST_ID + HISTORY - 1]
        assert not screen.query_one("#requests-shown", Static).display
        # Opening a request that is not listed finds it.
        enter(screen, "#requests-find", "")
        await settle(pilot)
        screen.show_request(FIRST_ID + 20)
        await settle(pilot)
        assert table.selected_key == str(FIRST_ID + 20)
        assert screen.query_one("#requests-find", Input).value == str(FIRST_ID + 20)

    drive(app_for(history, "dara"), scenario)


def test_today_counts_every_pending_request_and_lists_a_few(history: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        pending = screen.query_one("#today-pending", ListingTable)
        assert len(pending.rows_shown) == 4
        summary = str(screen.query_one("#today-summary", Static).render())
        assert f"{HISTORY + 2} requests pending" in summary
        box = screen.query_one("#today-pending-box")
        assert box.border_title == f"Showing 1-4 of {HISTORY + 2} pending requests"

    drive(app_for(history, "dara"), scenario)
