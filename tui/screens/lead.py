"""A project lead's view: their projects' requests and where each stands, bookings, costs,
and why a request was left out; a form to draft or submit a request."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from labops.dashboard.lead import lead_overview
from labops.permissions import Action
from labops.records.details import show_record
from labops.requests.service import WITHDRAWABLE, submit_draft, withdraw_request
from labops.views import plural
from tui.screens.base import LabopsScreen
from tui.screens.confirm import ConfirmScreen
from tui.widgets.detail_view import DetailView
from tui.widgets.listing_table import ListingTable
from tui.widgets.top_bar import TopBar

WITHDRAWABLE_STATUSES = {status.value for status in WITHDRAWABLE}


class LeadScreen(LabopsScreen):
    TITLE_TEXT = "My projects"
    MODE = "projects"
    CSS_PATH = "lead.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New request", id="lead.new"),
        Binding("s", "send", "Submit draft", id="lead.send"),
        Binding("w", "withdraw", "Withdraw", id="lead.withdraw"),
        Binding("f5", "refresh", "Refresh", id="lead.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield TopBar(self.MODE)
        yield Static(id="lead-summary")
        yield ListingTable(id="lead-projects", key="project")
        with TabbedContent(id="lead-tabs"):
            with TabPane("Requests", id="lead-requests-tab"):
                yield ListingTable(id="lead-requests")
                yield DetailView(id="lead-request-detail", placeholder="no request selected")
            with TabPane("Bookings and costs", id="lead-bookings-tab"):
                yield ListingTable(id="lead-bookings")
            with TabPane("Left out", id="lead-left-tab"):
                yield ListingTable(id="lead-left")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#lead-requests").focus()

    @property
    def requests_table(self) -> ListingTable:
        return self.query_one("#lead-requests", ListingTable)

    def load(self) -> None:
        ctx = self.ctx
        overview = lead_overview(ctx.db, actor=ctx.actor, now=ctx.now())
        leads = ", ".join(sorted(ctx.actor.leads)) or "no project"
        summary = Text(f"{ctx.actor.name}, lead of {leads}. ", style="bold")
        left = len(overview.left_out.rows)
        if left:
            summary.append(f"{left} requests were left out of the last plan.", style="yellow")
        self.query_one("#lead-summary", Static).update(summary)
        self.query_one("#lead-projects", ListingTable).show(overview.projects)
        self.requests_table.show(overview.requests)
        self.query_one("#lead-bookings", ListingTable).show(overview.bookings)
        self.query_one("#lead-left", ListingTable).show(overview.left_out)
        self.query_one("#lead-tabs", TabbedContent).get_tab(
            "lead-left-tab"
        ).label = f"Left out ({left})"
        self._show_selected()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "lead-requests":
            self._show_selected()
            self.refresh_bindings()

    def _show_selected(self) -> None:
        key = self.requests_table.selected_key
        detail = self.query_one("#lead-request-detail", DetailView)
        if key is None:
            detail.show(None, message="no requests yet: press n to draft one")
            return
        detail.show(
            self.attempt(
                show_record, self.ctx.db, "request", key, now=self.ctx.now(), actor=self.ctx.actor
            )
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "withdraw":
            row = self.requests_table.selected_row if self.is_mounted else None
            if row is None or not self.ctx.can(Action.REQUEST, str(row["project"])):
                return None
            return row["status"] in WITHDRAWABLE_STATUSES or None
        if action == "send":
            row = self.requests_table.selected_row if self.is_mounted else None
            return (row is not None and row.get("status") == "draft") or None
        return True

    def action_send(self) -> None:
        row = self.requests_table.selected_row
        if row is None:
            return
        request_id = int(row["id"])
        if self.perform(
            submit_draft,
            self.ctx.db,
            actor=self.ctx.actor,
            request_id=request_id,
            now=self.ctx.now(),
        ):
            self.notify(f"request {request_id} submitted")
            self.changed()

    def action_new(self) -> None:
        from tui.screens.request_form import open_request_form  # its models load on use

        open_request_form(self)

    def action_withdraw(self) -> None:
        row = self.requests_table.selected_row
        if row is None:
            return
        request_id = int(row["id"])

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            freed = self.attempt(
                withdraw_request,
                self.ctx.db,
                actor=self.ctx.actor,
                request_id=request_id,
                now=self.ctx.now(),
            )
            if freed is not None:
                self.notify(f"request {request_id} withdrawn; {plural(freed, 'booking')} freed")
                self.changed()

        self.app.push_screen(
            ConfirmScreen(f"Withdraw request {request_id}: {row['title']}?", yes="Withdraw"),
            answered,
        )

    def action_refresh(self) -> None:
        self.reload()
