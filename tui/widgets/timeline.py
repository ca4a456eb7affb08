"""A Gantt chart in the terminal: one lane per unit (or person), grouped by site.

The widget draws the Timeline a service returns for the visible window; moving in time is
the screen's job (it asks the service for the next window). Each character cell covers an
equal slice of the window; a bar's label is written inside the bar, cut to its width.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from labops.bookings.timeline import Bar, Lane, Timeline
from labops.localtime import to_local

ColorBy = Literal["project", "status"]

HEADER_LINES = 2
PROJECT_COLORS = (
    "#1f6f8b",
    "#8e5572",
    "#4f772d",
    "#b5651d",
    "#5c4d7d",
    "#2a7f62",
    "#9c2c2c",
    "#3d5a80",
    "#7a6c1f",
    "#6b4226",
)
STATUS_COLORS = {
    "proposed": "#8a6d00",
    "confirmed": "#2a7f62",
    "locked": "#3d5a80",
    "done": "#555555",
}
BUSY = Style(color="#bbbbbb", bgcolor="#444444")
DOWN = Style(color="#ffffff", bgcolor="#7a1f1f")
ABSENT = Style(color="#cccccc", bgcolor="#3a3a3a")
CLASH = Style(color="#ffffff", bgcolor="#c0392b", bold=True)
GRID = Style(color="#555555")
NOW = Style(color="#e5c07b", bold=True)
GROUP = Style(bold=True, underline=True)
LABEL = Style(color="#d0d0d0")
CURSOR_LABEL = Style(reverse=True, bold=True)


def bar_style(bar: Bar, color_by: ColorBy) -> Style:
    if bar.kind == "downtime":
        return DOWN
    if bar.kind == "absence":
        return ABSENT
    if bar.project is None:
        return BUSY
    if color_by == "status":
        background = STATUS_COLORS.get(bar.status, "#555555")
    else:
        background = PROJECT_COLORS[zlib.crc32(bar.project.encode()) % len(PROJECT_COLORS)]
    return Style(color="#ffffff", bgcolor=background)


def legend(data: Timeline, color_by: ColorBy) -> Text:
    """What the colours mean: the fixed ones, then each project (or status) in view."""
    line = Text(" ", no_wrap=True, overflow="ellipsis")
    for label, style in (("down", DOWN), ("clash", CLASH), ("away", ABSENT), ("busy", BUSY)):
        line.append(f" {label} ", style=style)
        line.append(" ")
    line.append("│ now  ", style=NOW)
    shown = sorted(
        {
            bar.project if color_by == "project" else bar.status: bar
            for lane in data.lanes
            for bar in lane.bars
            if bar.kind == "booking" and bar.project is not None
        }.items()
    )
    for _, bar in shown:
        name = bar.project if color_by == "project" else bar.status
        line.append(f" {name} ", style=bar_style(bar, color_by))
        line.append(" ")
    return line


@dataclass(frozen=True)
class _Row:
    group: str  # a site's name, for a heading row
    lane: int | None  # index into the timeline's lanes, for a lane row


class TimelineView(ScrollView, can_focus=True):
    """Lanes of bars; the cursor is a lane and, within it, one of its bars."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move_lane(-1)", "Lane up", show=False),
        Binding("down", "move_lane(1)", "Lane down", show=False),
        Binding("left", "move_bar(-1)", "Previous", show=False),
        Binding("right", "move_bar(1)", "Next", show=False),
        Binding("pageup", "move_lane(-10)", show=False),
        Binding("pagedown", "move_lane(10)", show=False),
    ]
    DEFAULT_CSS = """
    TimelineView { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    class Selected(Message):
        """The cursor moved: ``bar`` is None on a lane with nothing selected."""

        def __init__(self, lane: Lane | None, bar: Bar | None) -> None:
            super().__init__()
            self.lane = lane
            self.bar = bar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: Timeline | None = None
        self.now: dt.datetime | None = None
        self.color_by: ColorBy = "project"
        self.lane_index = 0
        self.bar_index: int | None = None
        self._rows: list[_Row] = []
        self._cache: dict[tuple[int, int], Strip] = {}

    # --- data and cursor ------------------------------------------------------------------

    def show(self, data: Timeline, *, now: dt.datetime, keep: int | None = None) -> None:
        """Draw ``data``; keep the cursor on the lane it was on and, if still there, on
        booking ``keep``."""
        lane_id = self.lane.id if self.lane else None
        self.data, self.now = data, now
        self._rows = []
        lanes_by_group: dict[str, list[int]] = {}
        for index, lane in enumerate(data.lanes):
            lanes_by_group.setdefault(lane.group, []).append(index)
        for group, name in data.groups:
            self._rows.append(_Row(group=name or group, lane=None))
            self._rows += [_Row(group="", lane=i) for i in lanes_by_group.get(group, [])]
        ids = [lane.id for lane in data.lanes]
        self.lane_index = ids.index(lane_id) if lane_id in ids else 0
        self.bar_index = None
        if keep is not None and self.lane:
            for index, bar in enumerate(self.lane.bars):
                if bar.booking_id == keep:
                    self.bar_index = index
        self.virtual_size = Size(self.size.width, len(self._rows) + HEADER_LINES)
        self._changed(scroll=True)

    def set_color_by(self, color_by: ColorBy) -> None:
        self.color_by = color_by
        self._changed()

    @property
    def lane(self) -> Lane | None:
        if self.data is None or not self.data.lanes:
            return None
        return self.data.lanes[self.lane_index]

    @property
    def bar(self) -> Bar | None:
        lane = self.lane
        if lane is None or self.bar_index is None or self.bar_index >= len(lane.bars):
            return None
        return lane.bars[self.bar_index]

    def select_booking(self, booking_id: int) -> bool:
        """Put the cursor on a booking's first bar in the window."""
        if self.data is None:
            return False
        for lane_index, lane in enumerate(self.data.lanes):
            for bar_index, bar in enumerate(lane.bars):
                if bar.booking_id == booking_id:
                    self.lane_index, self.bar_index = lane_index, bar_index
                    self._changed(scroll=True)
                    return True
        return False

    def action_move_lane(self, delta: int) -> None:
        if self.data is None or not self.data.lanes:
            return
        self.lane_index = max(0, min(len(self.data.lanes) - 1, self.lane_index + delta))
        self.bar_index = None
        self._changed(scroll=True)

    def action_move_bar(self, delta: int) -> None:
        lane = self.lane
        if lane is None or not lane.bars:
            return
        if self.bar_index is None:
            self.bar_index = 0 if delta > 0 else len(lane.bars) - 1
        else:
            self.bar_index = max(0, min(len(lane.bars) - 1, self.bar_index + delta))
        self._changed()

    def _changed(self, *, scroll: bool = False) -> None:
        self._cache.clear()
        self.refresh()
        if scroll:
            self._scroll_to_cursor()
        self.post_message(self.Selected(self.lane, self.bar))

    def _scroll_to_cursor(self) -> None:
        row = next((i for i, r in enumerate(self._rows) if r.lane == self.lane_index), 0)
        visible = max(1, self.size.height - HEADER_LINES)
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=max(0, row - 1), animate=False)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._rows) + HEADER_LINES)
        self._cache.clear()

    def on_click(self, event: Click) -> None:
        if self.data is None or event.y < HEADER_LINES:
            return
        row_index = event.y - HEADER_LINES + self.scroll_offset.y
        if not 0 <= row_index < len(self._rows) or self._rows[row_index].lane is None:
            return
        self.lane_index = self._rows[row_index].lane or 0
        self.bar_index = None
        label, chart = self._widths()
        column = event.x - label
        if 0 <= column < chart:
            at = self._time_at(column, chart)
            for index, bar in enumerate(self.lane.bars if self.lane else ()):
                if bar.start <= at < bar.end:
                    self.bar_index = index
        self._changed()

    # --- drawing --------------------------------------------------------------------------

    def _widths(self) -> tuple[int, int]:
        width = self.size.width - 1  # leave the scrollbar's column
        label = max(8, min(22, width // 5))
        return label, max(1, width - label)

    def _time_at(self, column: int, chart: int) -> dt.datetime:
        assert self.data is not None
        step = (self.data.end - self.data.start) / chart
        return self.data.start + step * column + step / 2

    def _column(self, value: dt.datetime, chart: int, *, ceil: bool = False) -> int:
        assert self.data is not None
        share = (value - self.data.start) / (self.data.end - self.data.start) * chart
        return math.ceil(share) if ceil else math.floor(share)

    def render_line(self, y: int) -> Strip:
        label, chart = self._widths()
        width = label + chart
        if self.data is None:
            return Strip.blank(width)
        if y < HEADER_LINES:
            return self._header(y, label, chart)
        row_index = y - HEADER_LINES + self.scroll_offset.y
        if row_index >= len(self._rows):
            return Strip.blank(width)
        key = (row_index, width)
        if key not in self._cache:
            self._cache[key] = self._row(self._rows[row_index], label, chart)
        return self._cache[key]

    def _header(self, y: int, label: int, chart: int) -> Strip:
        assert self.data is not None
        tz = self.data.timezone
        days = (self.data.end - self.data.start) / dt.timedelta(days=1)
        cells = [" "] * chart
        if y == 0:
            title = "Unit" if self.data.view == "unit" else "Person"
            for column, moment in self._ticks(chart):
                local = to_local(moment, tz)
                text = f"{local:%a %d}" if days > 1.5 else f"{local:%H:%M}"
                for offset, char in enumerate(text):
                    if column + offset < chart:
                        cells[column + offset] = char
            segments = [Segment(title.ljust(label)[:label], Style(bold=True))]
            segments.append(Segment("".join(cells), Style(bold=True)))
            return Strip(segments, label + chart)
        for column, _ in self._ticks(chart):
            cells[column] = "┬"
        segments = [Segment("─" * label, GRID), Segment("".join(cells).replace(" ", "─"), GRID)]
        return Strip(segments, label + chart)

    def _ticks(self, chart: int) -> list[tuple[int, dt.datetime]]:
        """Where the axis is labelled: each day in a week, every few hours in a day."""
        assert self.data is not None
        tz = self.data.timezone
        start, end = self.data.start, self.data.end
        span_hours = (end - start) / dt.timedelta(hours=1)
        if span_hours > 36:
            step = dt.timedelta(days=1)
        else:
            every = next(h for h in (1, 2, 3, 4, 6, 12) if chart / span_hours * h >= 6)
            step = dt.timedelta(hours=every)
        local = to_local(start, tz)
        first = local.replace(minute=0, second=0, microsecond=0)
        if step >= dt.timedelta(days=1):
            first = first.replace(hour=0)
        ticks = []
        moment = first
        while True:
            instant = start + (moment - local)
            if instant >= end:
                break
            if instant >= start:
                ticks.append((self._column(instant, chart), instant))
            moment += step
        return ticks

    def _row(self, row: _Row, label_width: int, chart: int) -> Strip:
        assert self.data is not None
        if row.lane is None:
            text = f" {row.group} "
            return Strip(
                [
                    Segment(text[: label_width + chart], GROUP),
                    Segment(" " * max(0, label_width + chart - len(text))),
                ],
                label_width + chart,
            )
        lane = self.data.lanes[row.lane]
        chars = [" "] * chart
        styles = [Style()] * chart
        for column, _ in self._ticks(chart):
            chars[column], styles[column] = "┊", GRID
        if self.now is not None and self.data.start <= self.now < self.data.end:
            column = self._column(self.now, chart)
            chars[column], styles[column] = "│", NOW
        selected = self.bar if row.lane == self.lane_index else None
        down = [False] * chart
        booked = [False] * chart
        ordered = sorted(lane.bars, key=lambda b: (b.kind == "booking", b is selected))
        for bar in ordered:
            first = max(0, self._column(bar.start, chart))
            last = min(chart, max(first + 1, self._column(bar.end, chart, ceil=True)))
            if first >= chart or last <= 0:
                continue
            style = bar_style(bar, self.color_by)
            if bar is selected:
                style += Style(reverse=True, bold=True)
            fill = "▒" if bar.kind == "downtime" else "░" if bar.kind == "absence" else " "
            text = (bar.label + " ").ljust(last - first, fill)[: last - first]
            for offset, char in enumerate(text):
                chars[first + offset], styles[first + offset] = char, style
                (down if bar.kind == "downtime" else booked)[first + offset] = True
        for column in range(chart):
            if down[column] and booked[column] and styles[column] is not DOWN:
                styles[column] = CLASH
        name = f"{lane.id} {lane.title}" if self.data.view == "unit" else lane.title
        label_style = CURSOR_LABEL if row.lane == self.lane_index and self.has_focus else LABEL
        if row.lane == self.lane_index and not self.has_focus:
            label_style = Style(bold=True)
        segments = [Segment(name[: label_width - 1].ljust(label_width), label_style)]
        segments += [Segment(char, style) for char, style in zip(chars, styles, strict=True)]
        return Strip(Segment.simplify(segments), label_width + chart)

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()

    @property
    def lines(self) -> list[str]:
        """The lanes as plain text, as drawn (tests read this)."""
        label, chart = self._widths()
        return [
            "".join(segment.text for segment in self._row(row, label, chart)) for row in self._rows
        ]
