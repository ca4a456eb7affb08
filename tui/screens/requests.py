"""Requests: the queue with filters, a request's tasks, approve, reject, enter a new one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Select, Static

from labops.permissions import Action
from labops.records.details import show_record
from labops.records.listings import list_records
from labops.requests.service import approve_request, reject_request
from labops.views import Page
from labops.vocabulary import RequestStatus
from tui.context import Context
from tui.screens.base import LabopsScreen
from tui.screens.reason import ReasonScreen
from tui.widgets.detail_view import DetailView
from tui.widgets.listing_table import ListingTable
from tui.widgets.top_bar import TopBar

OPEN = "open"  # submitted or approved: what still needs an operator
ALL = "all"
PAGE_ROWS = 200  # requests read at a time; m reads as many more
STATUS_CHOICES = [("open (submitted, approved)", OPEN), ("all", ALL)] + [
    (status.value, status.value) for status in RequestStatus
]


class RequestsScreen(LabopsScreen):
    TITLE_TEXT = "Requests"
    MODE = "requests"
    CSS_PATH = "requests.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", "Approve", id="requests.approve"),
        Binding("x", "reject", "Reject", id="requests.reject"),
        Binding("n", "new", "New request", id="requests.new"),
        Binding("slash", "search", "Find", id="requests.find"),
        Binding("f5", "refresh", "Refresh", id="requests.refresh"),
        Binding("m", "more", "More rows", id="requests.more"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._projects_listed = False
        self._rows_wanted = PAGE_ROWS
        self._more = False  # whether requests that match are not listed

    def compose(self) -> ComposeResult:
        yield TopBar(self.MODE)
        with Horizontal(id="requests-filters"):
            yield Select(
                STATUS_CHOICES, value=OPEN, allow_blank=False, id="requests-status", compact=True
            )
            yield Select([], prompt="any project", id="requests-project", compact=True)
            yield Input(
                placeholder="/ find: title, id, requester", id="requests-find", compact=True
            )
        yield ListingTable(id="requests-table", order=("id", "status", "title", "project"))
        yield Static(id="requests-shown")
        yield DetailView(id="requests-detail", placeholder="no request selected")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#requests-table").focus()

    @property
    def table(self) -> ListingTable:
        return self.query_one("#requests-table", ListingTable)

    def load(self) -> None:
        projects = self.query_one("#requests-project", Select)
        if not self._projects_listed:
            names = list_records(self.ctx.db, "projects", actor=self.ctx.actor)
            projects.set_options((str(row["id"]), str(row["id"])) for row in names.rows)
            self._projects_listed = True
        status = self.query_one("#requests-status", Select).value
        project = projects.value if projects.value is not Select.NULL else None
        statuses = {
            OPEN: [RequestStatus.SUBMITTED.value, RequestStatus.APPROVED.value],
            ALL: None,
        }.get(str(status), str(status))
        # The database filters, finds and pages: years of requests are never all loaded.
        found = list_records(
            self.ctx.db,
            "requests",
            actor=self.ctx.actor,
            status=statuses,
            project=project,
            search=self.query_one("#requests-find", Input).value.strip(),
            page=Page(1, self._rows_wanted),
        )
        self.table.show(found)
        shown = found.shown()
        self.query_one("#requests-shown", Static).update(
            Text(f"{shown}: narrow the filters, or m for {PAGE_ROWS} more" if shown else "")
        )
        self.query_one("#requests-shown", Static).display = self._more = bool(shown)
        self.refresh_bindings()
        self._show_selected()

    def on_select_changed(self) -> None:
        self._rows_wanted = PAGE_ROWS
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "requests-find":
            self._rows_wanted = PAGE_ROWS
            self.reload()

    def on_input_submitted(self) -> None:
        self.table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()
        self.refresh_bindings()

    def _show_selected(self) -> None:
        key = self.table.selected_key
        detail = self.query_one(DetailView)
        if key is None:
            detail.show(None, message="no request matches")
            return
        detail.show(
            self.attempt(
                show_record, self.ctx.db, "request", key, now=self.ctx.now(), actor=self.ctx.actor
            )
        )

    def show_request(self, request_id: int) -> None:
        """Select a request, widening the filters (and finding its id) if it is not in the
        list."""
        if not self.table.select_key(str(request_id)):
            self.query_one("#requests-status", Select).value = ALL
            self.query_one("#requests-project", Select).clear()
            self.query_one("#requests-find", Input).value = str(request_id)
            self.reload()
            self.table.select_key(str(request_id))
        self.table.focus()
        self._show_selected()

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.table.selected_row if self.is_mounted else None
        status = row["status"] if row else None
        if action == "approve":
            if not self.ctx.can(Action.APPROVE):
                return False
            return status == RequestStatus.SUBMITTED.value or None
        if action == "reject":
            if not self.ctx.can(Action.REJECT):
                return False
            return status in (RequestStatus.SUBMITTED.value, RequestStatus.APPROVED.value) or None
        if action == "new":
            return self.ctx.can(Action.REQUEST)
        if action == "more":
            return self._more
        return True

    def action_approve(self) -> None:
        key = self.table.selected_key
        if key is None:
            return
        if not self.perform(
            approve_request,
            self.ctx.db,
            actor=self.ctx.actor,
            request_id=int(key),
            now=self.ctx.now(),
        ):
            return
        self.notify(f"request {key} approved")
        self.changed()

    def action_reject(self) -> None:
        row = self.table.selected_row
        if row is None:
            return
        request_id = int(row["id"])

        def rejected(reason: str | None) -> None:
            if reason is None:
                return
            if not self.perform(
                reject_request,
                self.ctx.db,
                actor=self.ctx.actor,
                request_id=request_id,
                now=self.ctx.now(),
                reason=reason,
            ):
                return
            self.notify(f"request {request_id} rejected")
            self.changed()

        self.app.push_screen(
            ReasonScreen(f"Reject request {request_id}: {row['title']}?"), rejected
        )

    def action_new(self) -> None:
        from tui.screens.request_form import open_request_form  # its models load on use

        open_request_form(self)

    def action_search(self) -> None:
        self.query_one("#requests-find", Input).focus()

    def action_refresh(self) -> None:
        self.reload()

    def action_more(self) -> None:
        self._rows_wanted += PAGE_ROWS
        self.reload()
