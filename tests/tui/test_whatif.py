"""What if from the report screen: the form, the comparison, and nothing written."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from labops.db import Database
from tests.labops.test_fixture_io import db_digest
from tests.tui.conftest import drive, enter, settle
from tui.screens.record_form import RecordFormScreen
from tui.screens.report import ReportScreen
from tui.screens.whatif import WhatIfScreen
from tui.widgets.listing_table import ListingTable


def field_error(form: RecordFormScreen, name: str) -> str:
    return str(form.query_one(f"#field-{name} .field-error", Static).render())


def test_one_more_sem_from_the_report(demo: Database, app_for, tmp_path: Path) -> None:
    before = db_digest(tmp_path / "platform.db")
    app = app_for(demo, "aylin-demir", time_limit=3)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReportScreen)
        await pilot.press("w")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, RecordFormScreen)
        await pilot.press("ctrl+s")  # nothing asked: the form says what it takes
        await settle(pilot)
        assert pilot.app.screen is form
        assert "one more unit of a kind" in field_error(form, "kind")
        enter(form, "#field-start Input", "2026-12-14 00:00")  # a time but no unit
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "which unit is out of use?" in field_error(form, "unit")
        enter(form, "#field-start Input", "")
        form.query_one("#field-kind Select").value = "sem"
        await pilot.press("ctrl+s")
        await settle(pilot)
        result = pilot.app.screen
        assert isinstance(result, WhatIfScreen)
        rows = {row["figure"]: row for row in result.query_one(ListingTable).rows_shown}
        assert "requests placed" in rows and "what-if-sem-1 booked" in rows
        assert rows["what-if-sem-1 booked"]["today"] == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReportScreen)

    drive(app, scenario)
    assert db_digest(tmp_path / "platform.db") == before
