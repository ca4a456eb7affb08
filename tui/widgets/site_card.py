"""One site on the dashboard: this week's use, what runs now and what comes next."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from labops.dashboard.overview import SiteDay, Slot
from labops.localtime import span
from tui.text import percent

BAR_WIDTH = 12
WIDE_CARD = 44  # narrower cards leave out who is on each booking


def utilization_bar(share: float | None, width: int = BAR_WIDTH) -> Text:
    if share is None:
        return Text("closed this week", style="dim")
    filled = round(min(share, 1.0) * width)
    style = "green" if share >= 0.5 else "yellow" if share >= 0.2 else "red"
    return Text("█" * filled, style=style) + Text("·" * (width - filled), style="dim")


class SiteCard(Static):
    DEFAULT_CSS = """
    SiteCard { border: round $primary-darken-1; padding: 0 1; height: auto; min-height: 6; }
    """

    def __init__(self, site: SiteDay, timezone: str) -> None:
        super().__init__()
        self.site = site
        self.timezone = timezone
        self.border_title = Text(site.name)  # a name is text, never markup
        if site.zone:  # the card's times are the platform's, not the site's clocks
            self.border_subtitle = Text(f"{timezone} times; the site keeps {site.zone}")

    def on_mount(self) -> None:
        self.update(self._render_site())

    def on_resize(self) -> None:
        self.update(self._render_site())

    def _slot(self, slot: Slot) -> Text:
        line = Text(f"{span(slot.start, slot.end, self.timezone)} ", style="bold")
        line.append(f"{', '.join(slot.units)} ", style="cyan")
        line.append(slot.label)
        if slot.people and self.size.width >= WIDE_CARD:
            line.append(f" ({', '.join(slot.people)})", style="dim")
        return line

    def _render_site(self) -> Group:
        site = self.site
        week = Text("week ", style="bold") + utilization_bar(site.utilization)
        week.append(f" {percent(site.utilization)}")
        lines: list[Text] = [week, Text("now", style="bold underline")]
        lines += [self._slot(s) for s in site.running] or [Text("nothing running", style="dim")]
        lines.append(Text("next", style="bold underline"))
        lines += [self._slot(s) for s in site.upcoming] or [Text("nothing booked", style="dim")]
        return Group(*lines)

    @property
    def text(self) -> str:
        return "\n".join(line.plain for line in self._render_site().renderables)  # type: ignore[union-attr]
