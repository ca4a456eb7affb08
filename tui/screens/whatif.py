"""What if, from the report: the change asked in a form, the two plans side by side.

The comparison itself is ``labops.planning.whatif``: it writes nothing, so the form needs
no confirmation, and closing the result leaves the platform as it was.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from labops.localtime import to_utc
from labops.planning.whatif import NewUnit, Outage, Scenario
from labops.records.edit import FieldErrors
from labops.views import Listing
from tui import validators as check
from tui.screens.record_form import FieldSpec
from tui.widgets.listing_table import ListingTable

WHATIF_HELP = "one more unit of a kind, a unit down for a while, or more weeks: or all three"


def whatif_fields(
    kinds: list[tuple[str, str]], sites: list[tuple[str, str]], units: list[tuple[str, str]]
) -> list[FieldSpec]:
    return [
        FieldSpec(
            "kind",
            "Buy one more",
            kind="pick",
            options=[(f"{kind}: {name}", kind) for kind, name in kinds],
            help="a unit like the kind's others",
        ),
        FieldSpec(
            "site",
            "At",
            kind="pick",
            options=[(f"{site}: {name}", site) for site, name in sites],
            help="where most of the kind's units are, when left empty",
        ),
        FieldSpec(
            "unit",
            "Take out of use",
            kind="pick",
            options=[(f"{unit}: {name}", unit) for unit, name in units],
        ),
        FieldSpec("start", "From", placeholder="2026-12-14 00:00", validators=[check.local_time()]),
        FieldSpec("end", "Until", placeholder="2026-12-28 00:00", validators=[check.local_time()]),
        FieldSpec("weeks", "Plan weeks", placeholder="4", help="a longer horizon, 1 to 26"),
    ]


def scenario_parser(timezone: str):
    """The form's values as a scenario (times in the platform's zone), or FieldErrors."""

    def parse(values: dict[str, Any]) -> Scenario:
        errors: dict[str, str] = {}
        new_units: tuple[NewUnit, ...] = ()
        if values["kind"]:
            new_units = (NewUnit(kind=values["kind"], site=values["site"] or None),)
        elif values["site"]:
            errors["kind"] = "name the kind to buy at that site"
        outages: tuple[Outage, ...] = ()
        start, end = values["start"].strip(), values["end"].strip()
        if values["unit"]:
            if not start or not end:
                errors["start" if not start else "end"] = "when is it out of use?"
            else:
                begin = check.parse_local_time(start)
                until = check.parse_local_time(end)
                if until <= begin:
                    errors["end"] = "must be after the start"
                else:
                    outages = (
                        Outage(values["unit"], to_utc(begin, timezone), to_utc(until, timezone)),
                    )
        elif start or end:
            errors["unit"] = "which unit is out of use?"
        weeks = None
        if values["weeks"].strip():
            text = values["weeks"].strip()
            if not text.isdigit() or not 1 <= int(text) <= 26:
                errors["weeks"] = "a number of weeks from 1 to 26"
            else:
                weeks = int(text)
        if errors:
            raise FieldErrors(errors)
        scenario = Scenario(new_units=new_units, outages=outages, weeks=weeks)
        if scenario.describe() == ["no change"]:
            raise FieldErrors({"kind": WHATIF_HELP})
        return scenario

    return parse


class WhatIfScreen(ModalScreen[None]):
    """The comparison: today's plan and the what-if's, figure by figure."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="whatif.close"),
    ]
    DEFAULT_CSS = """
    WhatIfScreen .dialog { width: 90%; height: 80%; }
    """

    def __init__(self, listing: Listing) -> None:
        super().__init__()
        self.listing = listing

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.listing.title, markup=False, classes="question")
            yield ListingTable(key="figure", id="whatif-table")
            yield Static("nothing was written; esc closes", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(ListingTable)
        table.show(self.listing)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
