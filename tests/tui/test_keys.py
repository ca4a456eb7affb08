"""Keyboard first: the command palette reaches screens and actions, keys can be remapped."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot

from labops.db import Database
from tests.tui.conftest import drive, settle, type_text
from tui.commands import LabopsCommands
from tui.screens.plan import PlanScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.top_bar import TopBar


def test_palette_opens_screens_and_runs_actions(tiny: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CommandPalette)
        await type_text(pilot, "plan")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlanScreen)

        # Every screen's actions are commands too: from Plan, Schedule's zoom goes there
        # and zooms.
        names = [name for name, _, _ in LabopsCommands(pilot.app.screen)._commands()]
        assert {"Plan: Plan", "Schedule: Zoom", "Requests: Approve", "Go to Report"} <= set(names)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "zoom")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        schedule = pilot.app.screen
        assert isinstance(schedule, ScheduleScreen) and schedule.zoom == "day"

    drive(app_for(tiny, "dara"), scenario)


def test_keymap_file_remaps_keys_and_the_top_bar_shows_them(
    tiny: Database, app_for, tmp_path: Path
) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keys]\n"app.schedule" = "f2"\n"schedule.zoom" = "Z"\n"app.plan" = 4\n')

    async def scenario(pilot: Pilot) -> None:
        await settle(pilot)
        notes = [n.message for n in pilot.app._notifications]
        assert any("app.plan: a key is text" in note for note in notes)
        await pilot.press("f2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ScheduleScreen)
        assert " f2 Schedule " in screen.query_one(TopBar).bar_text().plain
        await pilot.press("z")  # no longer bound
        await settle(pilot)
        assert screen.zoom == "week"
        await pilot.press("Z")
        await settle(pilot)
        assert screen.zoom == "day"

    drive(app_for(tiny, "dara", keymap=keymap), scenario)
