"""Today: what runs now and next on each site, this week's use, pending requests, alerts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from labops.dashboard.alerts import Alert, AlertKind
from labops.dashboard.overview import Dashboard, dashboard
from labops.localtime import when
from labops.views import plural
from tui.context import Context
from tui.messages import ShowBooking, ShowRequest
from tui.screens.base import LabopsScreen
from tui.widgets.listing_table import ListingTable
from tui.widgets.site_card import SiteCard
from tui.widgets.top_bar import TopBar

REFRESH_SECONDS = 60
ALERT_STYLE = {AlertKind.DOWNTIME: "bold red", AlertKind.CERTIFICATION: "magenta"}


class TodayScreen(LabopsScreen):
    TITLE_TEXT = "Today"
    MODE = "today"
    CSS_PATH = "today.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open", "Open", id="today.open"),
        Binding("f5", "refresh", "Refresh", id="today.refresh"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.data: Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(self.MODE)
        yield Static(id="today-summary")
        yield Horizontal(id="today-sites")
        with Horizontal(id="today-lists"):
            with Vertical(id="today-pending-box"):
                yield ListingTable(id="today-pending", order=("id", "status", "title", "project"))
            with Vertical(id="today-alerts-box"):
                yield OptionList(id="today-alerts")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # Other operators write too: what runs now changes without anyone here pressing keys.
        self.set_interval(REFRESH_SECONDS, self._refresh_if_shown)
        self.query_one("#today-pending-box").border_title = "Pending requests"
        self.query_one("#today-alerts-box").border_title = "Alerts"

    def load(self) -> None:
        ctx = self.ctx
        self.data = data = dashboard(ctx.db, actor=ctx.actor, now=ctx.now())
        summary = Text(f"{when(data.now, data.timezone)}  ", style="bold")
        summary.append(
            f"{plural(data.pending.total or len(data.pending.rows), 'request')} pending, "
            f"{plural(len(data.alerts), 'alert')}"
        )
        self.query_one("#today-summary", Static).update(summary)
        sites = self.query_one("#today-sites", Horizontal)
        sites.remove_children()
        sites.mount_all(SiteCard(site, data.timezone) for site in data.sites)
        self.query_one("#today-pending", ListingTable).show(data.pending)
        shown = data.pending.shown()
        box = self.query_one("#today-pending-box")
        box.border_title = shown.capitalize() if shown else "Pending requests"
        alerts = self.query_one("#today-alerts", OptionList)
        alerts.clear_options()
        alerts.add_options(self._option(i, a) for i, a in enumerate(data.alerts))
        if not data.alerts:
            alerts.add_option(Option(Text("nothing needs attention", style="dim"), disabled=True))

    @staticmethod
    def _option(index: int, alert: Alert) -> Option:
        text = Text(f"{alert.kind.value}: ", style=ALERT_STYLE.get(alert.kind, "yellow"))
        text.append(alert.message)
        return Option(text, id=str(index))

    def _refresh_if_shown(self) -> None:
        if self.is_current:
            self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_open(self) -> None:
        """Open what is under the cursor: a request, or what an alert is about."""
        focused = self.focused
        if isinstance(focused, ListingTable):
            self._open_request(focused.selected_key)
        elif isinstance(focused, OptionList):
            self._open_alert(focused.highlighted)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open_request(event.row_key.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open_alert(event.option_index)

    def _open_request(self, key: str | None) -> None:
        if key is not None:
            self.post_message(ShowRequest(int(key)))

    def _open_alert(self, index: int | None) -> None:
        if self.data is None or index is None or index >= len(self.data.alerts):
            return
        alert = self.data.alerts[index]
        if alert.booking_id is not None:
            self.post_message(ShowBooking(alert.booking_id))
        elif alert.request_id is not None:
            self.post_message(ShowRequest(alert.request_id))
