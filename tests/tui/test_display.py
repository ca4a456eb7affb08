"""What the screens show fits the terminal and tells the truth: figures that agree with their
bars, tables that use the width they have instead of cutting texts and titles short."""

from __future__ import annotations

import datetime as dt
import re

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from labops.db import Database
from labops.requests.service import approve_request
from tests.conftest import NOW, break_down
from tests.tui.conftest import actor, drive, settle
from tui.screens.plan import PlanScreen
from tui.screens.report import ReportScreen
from tui.screens.today import TodayScreen
from tui.widgets.bar_chart import BarChart
from tui.widgets.listing_table import ListingTable

BIG = (200, 50)
WIDE = (120, 40)


def shown(widget: Widget) -> list[str]:
    """The lines the widget draws, as on the terminal."""
    width, height = widget.outer_size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def words(text: str) -> str:
    return " ".join(text.split())


def column_lines(table: ListingTable, key: str) -> list[str]:
    """What the table draws in one column, line by line (without the header)."""
    start = 0
    for column_key, column in table.columns.items():
        width = column.get_render_width(table)
        if column_key.value == key:
            return [line[start : start + width].strip() for line in shown(table)[1:]]
        start += width
    raise KeyError(key)


def column_text(table: ListingTable, key: str) -> str:
    """What the table draws in one column, its lines run together."""
    return words(" ".join(column_lines(table, key)))


def fits(table: ListingTable) -> bool:
    widths = sum(column.get_render_width(table) for column in table.columns.values())
    scrollbar = table.styles.scrollbar_size_vertical if table.show_vertical_scrollbar else 0
    return widths <= table.size.width - scrollbar


def test_demand_chart_figures_agree_with_their_bars(demo: Database, app_for) -> None:
    for size in (BIG, WIDE):

        async def scenario(pilot: Pilot) -> None:
            await pilot.press("6")
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, ReportScreen) and screen.report is not None
            chart = screen.query_one("#report-kinds", BarChart)
            kinds = {kind.kind: kind for kind in screen.report.demand.kinds}
            # the demo's fume hoods served 1.5 of 3.83 h that week: not "2 of 4 h"
            assert kinds["fume-hood"].served_hours == 1.5
            row = next(row for row in chart.rows if row.label == "fume-hood")
            assert row.text == "1.50 of 3.83 h"
            for row in chart.rows:
                served, demand = (float(n) for n in re.findall(r"[\d.]+", row.text)[:2])
                if row.share is not None:
                    assert abs(served / demand - row.share) < 0.01, row
            # every figure is drawn whole next to its bar, "bottleneck" included
            lines = shown(chart)
            for row in chart.rows:
                assert any(line.endswith(row.text) for line in lines), (row.text, lines)

        drive(app_for(demo, "jonas-becker"), scenario, size=size)


def test_left_out_reasons_use_the_width_there_is(tiny: Database, app_for) -> None:
    dara = actor(tiny, "dara")
    approve_request(tiny, actor=dara, request_id=1, now=NOW)
    break_down(tiny, "sputter-1", NOW, dt.timedelta(weeks=10), actor=dara)
    for size in (BIG, WIDE):

        async def scenario(pilot: Pilot) -> None:
            await pilot.press("4")
            await settle(pilot)
            plan = pilot.app.screen
            assert isinstance(plan, PlanScreen)
            await pilot.press("g")
            await settle(pilot)
            left = plan.query_one("#plan-left", ListingTable)
            reasons = [row["reasons"] for row in left.rows_shown]
            assert len(reasons) == 2 and all(len(reason) > 80 for reason in reasons)
            assert fits(left)
            why = column_text(left, "reasons")
            for reason in reasons:
                assert words(reason) in why, (reason, shown(left))
                if pilot.app.size.width >= 200:  # room for each reason on one line
                    assert any(line.endswith(reason) for line in shown(left))

        drive(app_for(tiny, "dara", time_limit=5), scenario, size=size)


def test_pending_requests_show_every_column_in_a_big_terminal(demo: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, TodayScreen)
        table = screen.query_one("#today-pending", ListingTable)
        header = shown(table)[0].split()
        assert header == [str(c.label) for c in table.columns.values()]
        assert header[-1] == "Submitted"
        assert fits(table)
        # 43 rows do not fit the height: a long title stays on one line, cut with "…"
        assert [table.rows[key].height for key in table.rows] == [1] * len(table.rows_shown)
        titles, submitted = column_lines(table, "title"), column_lines(table, "submitted")
        for row, title, when in zip(table.rows_shown[:5], titles[:5], submitted[:5], strict=True):
            assert when == row["submitted"]
            assert title == row["title"] or (
                title.endswith("…") and row["title"].startswith(title[:-1])
            )
        assert any(title.endswith("…") for title in titles)

    drive(app_for(demo, "jonas-becker"), scenario, size=BIG)
