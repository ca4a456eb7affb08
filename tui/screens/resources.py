"""Resources: sites, equipment (with downtime), people (certifications, leave), projects and
fund pools; add and edit them with forms that show each refused field beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, TabbedContent, TabPane

from labops.bookings.service import DowntimeAdded
from labops.errors import LabopsError
from labops.localtime import to_utc
from labops.permissions import Action
from labops.records.details import show_record
from labops.records.edit import FieldErrors, choices, record_values, save_record
from labops.records.listings import list_records
from labops.records.person_edits import add_absence, set_certification
from labops.views import plural
from labops.vocabulary import AbsenceKind
from tui import validators as check
from tui.screens.base import LabopsScreen
from tui.screens.downtime import DowntimeDraft, open_downtime_form
from tui.screens.record_form import FieldSpec, RecordFormScreen, Values, keep_values
from tui.screens.resource_forms import absence_fields, certification_fields, record_fields
from tui.widgets.detail_view import DetailView
from tui.widgets.listing_table import ListingTable
from tui.widgets.top_bar import TopBar


@dataclass(frozen=True)
class Tab:
    pane: str
    title: str
    listing: str  # what listings.list_records lists
    detail: str | None  # what details.show_record shows
    record: str  # what resources.save_record edits
    label: str  # a record of it, in sentences


TABS = (
    Tab("sites", "Sites", "sites", "site", "site", "site"),
    Tab("equipment", "Equipment", "equipment", "equipment", "equipment", "unit"),
    Tab("people", "People", "people", "person", "person", "person"),
    Tab("projects", "Projects", "projects", "project", "project", "project"),
    Tab("funds", "Fund pools", "funds", None, "fund_pool", "fund pool"),
)
TAB_BY_PANE = {tab.pane: tab for tab in TABS}


class ResourcesScreen(LabopsScreen):
    TITLE_TEXT = "Resources"
    MODE = "resources"
    CSS_PATH = "resources.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "tab(1)", "Next tab", id="resources.next_tab"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", id="resources.prev_tab"),
        Binding("n", "new", "Add", id="resources.new"),
        Binding("e", "edit", "Edit", id="resources.edit"),
        Binding("w", "downtime", "Downtime", id="resources.downtime"),
        Binding("c", "certify", "Certify", id="resources.certify"),
        Binding("v", "leave", "Leave", id="resources.leave"),
        Binding("f5", "refresh", "Refresh", id="resources.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield TopBar(self.MODE)
        with TabbedContent(id="resources-tabs"):
            for tab in TABS:
                with TabPane(tab.title, id=tab.pane):
                    yield ListingTable(id=f"{tab.pane}-table")
                    yield DetailView(id=f"{tab.pane}-detail", placeholder="nothing selected")
        yield Footer(compact=True)

    @property
    def tab(self) -> Tab:
        active = self.query_one(TabbedContent).active or TABS[0].pane
        return TAB_BY_PANE[active]

    def table(self, tab: Tab | None = None) -> ListingTable:
        return self.query_one(f"#{(tab or self.tab).pane}-table", ListingTable)

    def load(self) -> None:
        for tab in TABS:
            self.table(tab).show(list_records(self.ctx.db, tab.listing, actor=self.ctx.actor))
            self._show_selected(tab)

    def on_tabbed_content_tab_activated(self) -> None:
        self.table().focus()
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        for tab in TABS:
            if event.data_table.id == f"{tab.pane}-table":
                self._show_selected(tab)

    def _show_selected(self, tab: Tab) -> None:
        detail = self.query_one(f"#{tab.pane}-detail", DetailView)
        key = self.table(tab).selected_key
        if tab.detail is None or key is None:
            row = self.table(tab).selected_row
            detail.show(None, message=", ".join(f"{k}: {v}" for k, v in (row or {}).items()))
            return
        detail.show(
            self.attempt(
                show_record, self.ctx.db, tab.detail, key, now=self.ctx.now(), actor=self.ctx.actor
            )
        )

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        pane = self.tab.pane
        selected = self.table().selected_key is not None or None
        if action == "new":
            return self.ctx.can(Action.MANAGE)
        if action == "edit":
            return self.ctx.can(Action.MANAGE) and selected
        if action == "downtime":
            return self.ctx.can(Action.DOWNTIME) and pane == "equipment" and selected
        if action in ("certify", "leave"):
            return self.ctx.can(Action.MANAGE) and pane == "people" and selected
        return True

    def action_tab(self, step: int) -> None:
        index = TABS.index(self.tab)
        self.query_one(TabbedContent).active = TABS[(index + step) % len(TABS)].pane

    def action_new(self) -> None:
        self._record_form(self.tab, new=True, values={})

    def action_edit(self) -> None:
        key = self.table().selected_key
        if key is None:
            return
        tab = self.tab
        values = self.attempt(record_values, self.ctx.db, kind=tab.record, record_id=key)
        if values is not None:
            self._record_form(tab, new=False, values=values)

    def _record_form(
        self,
        tab: Tab,
        *,
        new: bool,
        values: Values,
        errors: dict[str, str] | None = None,
        error: str = "",
    ) -> None:
        title = f"New {tab.label}" if new else f"Edit {tab.label} {values.get('id', '')}"

        def save(result: Values | None) -> None:
            if result is None:
                return
            result = {**values, **result} if not new else result
            try:
                saved = save_record(
                    self.ctx.db,
                    actor=self.ctx.actor,
                    now=self.ctx.now(),
                    kind=tab.record,
                    values=result,
                    new=new,
                )
            except FieldErrors as exc:
                self._record_form(tab, new=new, values=result, errors=exc.errors)
                return
            except LabopsError as exc:
                self._record_form(tab, new=new, values=result, error=str(exc))
                return
            self.notify(f"{tab.label} {saved} {'added' if new else 'saved'}")
            self.changed()
            self.table(tab).select_key(saved)

        self._form(
            title,
            record_fields(tab.record, choices(self.ctx.db), new=new),
            keep_values,
            save,
            values=values,
            errors=errors,
            error=error,
        )

    def _form(
        self,
        title: str,
        fields: list[FieldSpec],
        parse: Callable[[Values], Any],
        then: Callable[[Any], None],
        *,
        values: Values,
        errors: dict[str, str] | None = None,
        error: str = "",
    ) -> None:
        self.app.push_screen(
            RecordFormScreen(title, fields, parse, values=values, errors=errors, error=error),
            then,
        )

    def action_downtime(self) -> None:
        open_downtime_form(self, unit=self.table().selected_key, then=self._downtime_recorded)

    def _downtime_recorded(self, draft: DowntimeDraft, added: DowntimeAdded) -> None:
        hit = len(added.hit.rows)
        self.notify(
            f"downtime {added.downtime_id} recorded on {draft.unit}; "
            + (
                f"{plural(hit, 'booking')} hit: repair them on the Plan screen"
                if hit
                else "no booking hit"
            ),
            severity="warning" if hit else "information",
        )

    def action_certify(self, values: Values | None = None, errors: dict | None = None) -> None:
        person = self.table().selected_key
        if person is None:
            return

        def save(result: Values | None) -> None:
            if result is None:
                return
            try:
                set_certification(
                    self.ctx.db,
                    actor=self.ctx.actor,
                    now=self.ctx.now(),
                    person_id=person,
                    values=result,
                )
            except FieldErrors as exc:
                self.action_certify(result, exc.errors)
                return
            except LabopsError as exc:
                self.refused(exc)
                return
            self.notify(f"{person} certified for {result['kind']} until {result['expires']}")
            self.changed()

        self._form(
            f"Certify {person}",
            certification_fields(choices(self.ctx.db)),
            keep_values,
            save,
            values=values or {},
            errors=errors,
        )

    def action_leave(self) -> None:
        person = self.table().selected_key
        if person is None:
            return
        tz = self.ctx.timezone

        def parse(values: Values) -> Values:
            start = check.parse_local_time(values["start"])
            end = check.parse_local_time(values["end"])
            if end <= start:
                raise FieldErrors({"end": "must be after the start"})
            return {**values, "start": to_utc(start, tz), "end": to_utc(end, tz)}

        def save(result: Values | None) -> None:
            if result is None:
                return
            done = self.attempt(
                add_absence,
                self.ctx.db,
                actor=self.ctx.actor,
                now=self.ctx.now(),
                person_id=person,
                start=result["start"],
                end=result["end"],
                kind=AbsenceKind(result["kind"]),
                note=result["note"].strip(),
            )
            if done is not None:
                self.notify(f"{result['kind']} of {person} recorded")
                self.changed()

        self._form(f"Leave of {person}", absence_fields(), parse, save, values={})

    def action_refresh(self) -> None:
        self.reload()
