"""Horizontal bar charts drawn with block characters: one bar per row, scaled to 100 %."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"


@dataclass(frozen=True)
class BarRow:
    label: str
    share: float | None  # 1.0 is a full bar; more is drawn full and marked
    text: str  # the figure printed after the bar
    trend: tuple[float | None, ...] = ()  # earlier weeks' shares, for a sparkline


def bar(share: float | None, width: int) -> Text:
    if share is None:
        return Text("·" * width, style="dim")
    cells = min(max(share, 0.0), 1.0) * width
    full, part = int(cells), int((cells - int(cells)) * 8)
    style = "red" if share > 1 else "green" if share >= 0.5 else "yellow"
    text = Text("█" * full + (EIGHTHS[part] if part and full < width else ""), style=style)
    text.append("·" * (width - text.cell_len), style="dim")
    if share > 1:
        text.append("▶", style="bold red")
    return text


def sparkline(shares: tuple[float | None, ...]) -> Text:
    line = "".join(
        " " if s is None else SPARKS[round(min(max(s, 0.0), 1.0) * (len(SPARKS) - 1))]
        for s in shares
    )
    return Text(line, style="cyan")


class BarChart(Static):
    DEFAULT_CSS = """
    BarChart { height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[BarRow] = []
        self.heading = ""

    def plot(self, heading: str, rows: list[BarRow]) -> None:
        self.heading, self.rows = heading, rows
        self.update(self._draw())

    def on_resize(self) -> None:
        if self.rows:
            self.update(self._draw())

    def _draw(self) -> Group:
        label = max((len(r.label) for r in self.rows), default=4)
        label = min(label, 24)
        trend = max((len(r.trend) for r in self.rows), default=0)
        figures = max((cell_len(r.text) for r in self.rows), default=0)
        over = any(r.share is not None and r.share > 1 for r in self.rows)  # the ▶ mark
        gaps = 3 if trend else 2
        width = max(10, self.size.width - label - figures - trend - gaps - over)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, width=label)
        grid.add_column(no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        if trend:
            grid.add_column(no_wrap=True)
        for row in self.rows:
            cells = [Text(row.label[:label]), bar(row.share, width), Text(row.text)]
            if trend:
                cells.append(sparkline(row.trend))
            grid.add_row(*cells)
        return Group(Text(self.heading, style="bold"), grid)

    @property
    def text(self) -> str:
        return "\n".join([self.heading, *(f"{r.label} {r.text}" for r in self.rows)])
