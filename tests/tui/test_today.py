"""Today: now and next per site, pending requests, alerts that open what they are about."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.markup import escape
from textual.pilot import Pilot
from textual.widgets import OptionList

from labops.db import Database
from tests.conftest import break_down
from tests.tui.conftest import actor, drive, settle
from tui.screens.requests import RequestsScreen
from tui.screens.schedule import ScheduleScreen
from tui.screens.today import TodayScreen
from tui.widgets.site_card import SiteCard
from tui.widgets.timeline import TimelineView

DURING = dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC)  # Mon 09:30 Berlin: R2 ref runs


def test_alert_opens_the_booking_it_is_about(tiny: Database, app_for) -> None:
    break_down(
        tiny,
        "sem-1",
        DURING,
        dt.timedelta(hours=2),
        actor=actor(tiny, "dara"),
        now=DURING,
        reason="filament",
    )

    async def scenario(pilot: Pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, TodayScreen)
        matlab = next(card for card in screen.query(SiteCard) if card.site.site_id == "matlab")
        assert "09:00-10:30 sem-1 R2 ref (tandem)" in matlab.text.split("now")[1]
        alerts = screen.query_one("#today-alerts", OptionList)
        assert "sem-1 is down (filament) during booking 1" in str(
            alerts.get_option_at_index(0).prompt
        )
        alerts.focus()
        alerts.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        schedule = pilot.app.screen
        assert isinstance(schedule, ScheduleScreen)
        bar = schedule.query_one(TimelineView).bar
        assert bar is not None and bar.booking_id == 1

        await pilot.press("1")
        await settle(pilot)
        screen.query_one("#today-pending").focus()
        await pilot.press("down", "enter")  # request 2
        await settle(pilot)
        requests = pilot.app.screen
        assert isinstance(requests, RequestsScreen)
        assert requests.query_one("#requests-table").selected_key == "2"

    drive(app_for(tiny, "dara", now=DURING), scenario)


def test_names_that_look_like_markup_stay_text(tiny: Database, app_for) -> None:
    from labops.records.edit import record_values, save_record
    from tests.conftest import NOW

    values = record_values(tiny, kind="site", record_id="matlab")
    save_record(
        tiny,
        actor=actor(tiny, "eve"),
        now=NOW,
        kind="site",
        values={**values, "name": "[b]Materials[/b] [link=x]Lab"},
        new=False,
    )

    async def scenario(pilot: Pilot) -> None:
        card = next(c for c in pilot.app.screen.query(SiteCard) if c.site.site_id == "matlab")
        # The title reads back as markup that shows the brackets literally.
        assert card.border_title == escape("[b]Materials[/b] [link=x]Lab")

    drive(app_for(tiny, "dara"), scenario)


def test_the_tui_labels_site_cards_and_the_schedule(tmp_path: Path, app_for) -> None:
    from textual.widgets import Static

    from labops.platform.load import load_platform
    from labops.platform.read import parse_platform_text
    from tests.conftest import NOW
    from tests.labops.test_time_zones import MIXED, NOTE

    db = Database.open(str(tmp_path / "mixed.db"))
    load_platform(db, parse_platform_text(MIXED), actor=None, now=NOW)

    async def scenario(pilot: Pilot) -> None:
        cards = {card.site.site_id: card for card in pilot.app.screen.query(SiteCard)}
        assert str(cards["pilot"].border_subtitle) == (
            "Europe/Berlin times; the site keeps America/New_York"
        )
        assert not cards["matlab"].border_subtitle
        await pilot.press("2")
        await settle(pilot)
        window = str(pilot.app.screen.query_one("#schedule-window", Static).render())
        assert NOTE in window

    drive(app_for(db, "dara"), scenario)
    db.dispose()
