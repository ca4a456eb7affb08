"""Schedule: a Gantt view of units (or people) over a day or a week, and booking actions."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from labops.bookings.service import change_bookings
from labops.bookings.timeline import Bar, View, booking_info, booking_start, timeline
from labops.localtime import day_start, monday_of, span, to_local
from labops.permissions import Action
from labops.usage.service import check_in, check_out
from labops.views import Detail
from tui.context import Context
from tui.screens.base import LabopsScreen
from tui.screens.confirm import ConfirmScreen
from tui.widgets.detail_view import DetailView
from tui.widgets.timeline import ColorBy, TimelineView, legend
from tui.widgets.top_bar import TopBar

BOOKING_ACTIONS = {"confirm", "lock", "unlock", "cancel"}


class ScheduleScreen(LabopsScreen):
    TITLE_TEXT = "Schedule"
    MODE = "schedule"
    CSS_PATH = "schedule.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Booking actions first: in a narrow footer the last entries are the ones cut off.
        Binding("c", "booking('confirm')", "Confirm", id="schedule.confirm"),
        Binding("l", "booking('lock')", "Lock", id="schedule.lock"),
        Binding("u", "booking('unlock')", "Unlock", id="schedule.unlock"),
        Binding("x", "booking('cancel')", "Cancel", id="schedule.cancel"),
        # Recording use, kept out of the footer (it is full): listed in the keys' help.
        Binding("i", "use('in')", "Check in", id="schedule.checkin", show=False),
        Binding("o", "use('out')", "Check out", id="schedule.checkout", show=False),
        Binding("less_than_sign,comma", "shift(-1)", "Prev", id="schedule.earlier"),
        Binding("greater_than_sign,full_stop", "shift(1)", "Next", id="schedule.later"),
        Binding("z", "zoom", "Zoom", id="schedule.zoom"),
        Binding("t", "today", "Today", id="schedule.today"),
        Binding("v", "toggle_view", "People", id="schedule.view"),
        Binding("k", "toggle_colors", "Colour", id="schedule.colors"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.day = ctx.local_now().date()
        self.zoom = "week"
        self.view: View = "unit"

    def compose(self) -> ComposeResult:
        yield TopBar(self.MODE)
        yield Static(id="schedule-window")
        yield TimelineView(id="schedule-timeline")
        yield Static(id="schedule-legend")
        yield DetailView(id="schedule-detail", placeholder="select a booking with the arrows")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TimelineView).focus()

    @property
    def window(self) -> tuple[dt.datetime, dt.datetime]:
        tz = self.ctx.timezone
        if self.zoom == "day":
            first, days = self.day, 1
        else:
            first, days = monday_of(self.day), 7
        return day_start(first, tz), day_start(first + dt.timedelta(days=days), tz)

    def load(self, keep: int | None = None) -> None:
        start, end = self.window
        view = self.query_one(TimelineView)
        if keep is None and view.bar is not None:
            keep = view.bar.booking_id
        data = timeline(self.ctx.db, actor=self.ctx.actor, start=start, end=end, view=self.view)
        view.show(data, now=self.ctx.now(), keep=keep)
        first, last = to_local(start, self.ctx.timezone), to_local(end, self.ctx.timezone)
        last -= dt.timedelta(minutes=1)
        title = (
            f"{first:%a %d %b %Y}"
            if self.zoom == "day"
            else (f"week {first:%V}: {first:%a %d %b} - {last:%a %d %b %Y}")
        )
        what = "equipment" if self.view == "unit" else "people"
        zone = f"   {data.zone_note}" if data.zone_note else ""
        self.query_one("#schedule-window", Static).update(
            Text(f" {title}   {what}, coloured by {view.color_by}{zone}", style="bold")
        )
        self._legend(view.color_by)

    def _legend(self, color_by: ColorBy) -> None:
        view = self.query_one(TimelineView)
        if view.data is not None:
            self.query_one("#schedule-legend", Static).update(legend(view.data, color_by))

    # --- selection ------------------------------------------------------------------------

    def on_timeline_view_selected(self, event: TimelineView.Selected) -> None:
        self.refresh_bindings()
        detail = self.query_one(DetailView)
        bar = event.bar
        if bar is None:
            lane = event.lane
            hint = "   (left and right pick its bookings)" if lane and lane.bars else ""
            detail.show(None, message=f"{lane.id}: {lane.title}{hint}" if lane else "")
            return
        if bar.kind == "booking" and bar.booking_id is not None:
            detail.show(
                self.attempt(
                    booking_info, self.ctx.db, actor=self.ctx.actor, booking_id=bar.booking_id
                )
            )
        else:
            detail.show(self._span_detail(bar, event.lane.id if event.lane else ""))

    def _span_detail(self, bar: Bar, lane: str) -> Detail:
        tz = self.ctx.timezone
        if bar.kind == "booking":
            return Detail("Busy", [("of", lane), ("when", span(bar.start, bar.end, tz))])
        title = "Downtime" if bar.kind == "downtime" else "Away"
        return Detail(
            title,
            [("of", lane), ("when", span(bar.start, bar.end, tz)), ("why", bar.label)],
        )

    def show_booking(self, booking_id: int) -> None:
        """Open the week of a booking with the cursor on it."""
        start = self.attempt(booking_start, self.ctx.db, booking_id=booking_id)
        if start is None:
            return
        self.day, self.view = to_local(start, self.ctx.timezone).date(), "unit"
        self._loaded_version = self.ctx.version
        self.attempt(self.load, keep=booking_id)
        self.query_one(TimelineView).select_booking(booking_id)

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("booking", "use"):
            if not self.ctx.can(Action.BOOK):
                return False
            bar = self.query_one(TimelineView).bar if self.is_mounted else None
            # Shown only with a booking selected, which keeps the footer short.
            return bar is not None and bar.booking_id is not None
        return True

    def action_shift(self, steps: int) -> None:
        self.day += dt.timedelta(days=steps * (1 if self.zoom == "day" else 7))
        self.reload()

    def action_zoom(self) -> None:
        self.zoom = "day" if self.zoom == "week" else "week"
        bar = self.query_one(TimelineView).bar
        if self.zoom == "day" and bar is not None:
            self.day = to_local(bar.start, self.ctx.timezone).date()
        self.reload()

    def action_today(self) -> None:
        self.day = self.ctx.local_now().date()
        self.reload()

    def action_toggle_view(self) -> None:
        self.view = "person" if self.view == "unit" else "unit"
        self.reload()

    def action_toggle_colors(self) -> None:
        view = self.query_one(TimelineView)
        view.set_color_by("status" if view.color_by == "project" else "project")
        self._legend(view.color_by)
        self.reload()

    def action_booking(self, operation: str) -> None:
        bar = self.query_one(TimelineView).bar
        if bar is None or bar.booking_id is None or operation not in BOOKING_ACTIONS:
            return
        booking_id = bar.booking_id
        if operation == "cancel":
            question = (
                f"Cancel booking {booking_id} ({bar.label}, "
                f"{span(bar.start, bar.end, self.ctx.timezone)})? Its units and people are "
                "freed at once; the next plan places the task again."
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self._change(booking_id, operation)

            self.app.push_screen(ConfirmScreen(question, yes="Cancel booking"), answered)
            return
        self._change(booking_id, operation)

    def action_use(self, direction: str) -> None:
        """Check the selected booking in or out, now."""
        bar = self.query_one(TimelineView).bar
        if bar is None or bar.booking_id is None:
            return
        work = check_in if direction == "in" else check_out
        now = self.ctx.now()
        use = self.attempt(
            work, self.ctx.db, actor=self.ctx.actor, booking_id=bar.booking_id, at=now, now=now
        )
        if use is not None:
            what = "checked in" if direction == "in" else f"checked out: {use.minutes} min used"
            self.notify(f"booking {bar.booking_id} {what}")
            self.changed()

    def _change(self, booking_id: int, operation: str) -> None:
        changed = self.attempt(
            change_bookings,
            self.ctx.db,
            actor=self.ctx.actor,
            booking_ids=[booking_id],
            operation=operation,
            now=self.ctx.now(),
        )
        if changed is not None:
            lines = [f"booking {booking_id} {changed.status.value}"]
            # A cancel that leaves a task unbooked reopens its request: say so, as the CLI does.
            for request_id, tasks in changed.reopened.items():
                which = ", ".join(repr(task) for task in tasks)
                lines.append(f"request {request_id} is approved again: {which} has no booking")
            self.notify("\n".join(lines))
            self.changed()
