"""What each kind of user gets: a lead's projects, an admin's record forms, the report."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from labops.db import Database
from labops.errors import PermissionDenied
from labops.records.edit import record_values
from tests.conftest import NOW
from tests.tui.conftest import drive, enter, settle, type_text
from tui.app import make_app
from tui.screens.lead import LeadScreen
from tui.screens.record_form import RecordFormScreen
from tui.screens.report import ReportScreen
from tui.screens.request_form import RequestFormScreen
from tui.screens.resources import ResourcesScreen
from tui.widgets.bar_chart import BarChart
from tui.widgets.form_field import FormField
from tui.widgets.listing_table import ListingTable


def test_nobody_and_strangers_are_refused_before_anything_opens(tiny: Database) -> None:
    for person, message in (
        (None, "who is acting? give --as PERSON or set LABOPS_USER (operators here: dara, eve)"),
        ("mallory", "unknown person 'mallory': not in this platform's people"),
    ):
        try:
            make_app(tiny, person, lambda: NOW)
        except PermissionDenied as exc:
            assert str(exc) == message
        else:
            raise AssertionError(f"{person!r} was let in")


def test_a_lead_sees_their_projects_and_drafts_a_request(tiny: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, LeadScreen)
        assert [mode for mode, _, _ in pilot.app.screen_list()] == ["projects", "schedule"]
        requests = screen.query_one("#lead-requests", ListingTable).rows_shown
        assert {row["id"]: row["stands"] for row in requests} == {
            1: "waiting for an operator's decision",
            2: "approved, booked: 1 of 1 tasks, next Mon 30 Nov 09:00",
        }
        projects = screen.query_one("#lead-projects", ListingTable).rows_shown
        assert [(p["project"], p["committed"]) for p in projects] == [("tandem", "180.00")]
        bookings = screen.query_one("#lead-bookings", ListingTable).rows_shown
        assert [(b["task"], b["cost"]) for b in bookings] == [("ref", "180.00")]

        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, RequestFormScreen)
        enter(form, "#field-title Input", "Thermal cycling plan")
        enter(form, "#field-duration Input", "1h30m")
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert pilot.app.screen is screen
        stands = {r["title"]: r["stands"] for r in screen.query_one("#lead-requests").rows_shown}
        assert stands["Thermal cycling plan"] == "draft: not submitted yet"

        # Later the lead submits the saved draft with one key.
        screen.requests_table.select_key("3")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        stands = {r["title"]: r["stands"] for r in screen.query_one("#lead-requests").rows_shown}
        assert stands["Thermal cycling plan"] == "waiting for an operator's decision"

    drive(app_for(tiny, "ada"), scenario)


def test_admin_edits_a_unit_and_a_bad_value_is_refused_beside_its_field(
    tiny: Database, app_for
) -> None:
    async def scenario(pilot: Pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ResourcesScreen)
        screen.query_one("TabbedContent").active = "equipment"
        await settle(pilot)
        table = screen.table()
        table.select_key("sem-1")
        await pilot.press("e")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, RecordFormScreen)
        assert form.query_one("#field-id Input", Input).disabled  # ids do not change
        setup = form.query_one("#field-setup Input", Input)
        setup.focus()
        setup.value = ""
        await type_text(pilot, "ten")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert "is not like" in form.query_one("#field-setup", FormField).error
        assert record_values(tiny, kind="equipment", record_id="sem-1")["setup"] == "15m"

        enter(form, "#field-setup Input", "20m")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert "setup: 20m" in screen.query_one("#equipment-detail").text

    drive(app_for(tiny, "eve"), scenario)
    assert record_values(tiny, kind="equipment", record_id="sem-1")["setup"] == "20m"


def test_operators_see_resources_but_only_record_downtime(tiny: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("TabbedContent").active = "equipment"
        await settle(pilot)
        actions = {b.binding.action for b in screen.active_bindings.values()}
        assert "downtime" in actions
        assert not {"new", "edit"} & actions

    drive(app_for(tiny, "dara"), scenario)


def test_report_shows_charts_and_exports(tiny: Database, app_for, tmp_path: Path) -> None:
    out = tmp_path / "week.md"

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("6")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReportScreen)
        assert screen.report is not None and screen.report.week.label == "2026-W47"
        chart = screen.query_one("#report-sites", BarChart).text
        assert "matlab" in chart and "pilot" in chart
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert screen.report.week.label == "2026-W48"
        await pilot.press("x")
        await settle(pilot)
        field = pilot.app.screen.query_one("#field-file Input", Input)
        enter(pilot.app.screen, "#field-file Input", "week.txt")  # no format for that ending
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "cannot tell the format" in pilot.app.screen.query_one("#field-file").error
        field.value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(app_for(tiny, "dara"), scenario)
    assert out.read_text().startswith("# ")
    assert "2026-W48" in out.read_text()
