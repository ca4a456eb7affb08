"""Printing service views: rich tables for people, JSON for scripts.

User text never reaches the terminal as control codes: cells show them as ``\\xNN``
(labops.controls), and a render hook on both consoles drops any left in other output.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    JustifyMethod,
    RenderableType,
    RenderHook,
)
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from labops.controls import has_controls, printable, stripped
from labops.views import Detail, Listing


class _Neutralised:
    """A renderable whose text segments carry no control characters (rich's own escape
    codes for styles and cursor moves are control segments, and stay)."""

    def __init__(self, inner: ConsoleRenderable | RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self.inner, options):
            if segment.control or not has_controls(segment.text):
                yield segment
            else:  # already laid out: control characters take no width, so drop them
                yield Segment(stripped(segment.text), segment.style)


class _NoControlCodes(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Neutralised(r) for r in renderables]


def _console(**kwargs: Any) -> Console:
    made = Console(highlight=False, soft_wrap=True, **kwargs)
    made.push_render_hook(_NoControlCodes())
    return made


console = _console()
err_console = _console(stderr=True)

# JSON escapes C0 controls itself; DEL and the C1 range it leaves as they are.
_UNESCAPED = re.compile(r"[\x7f-\x9f]")


def print_json(value: Any) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    text = _UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def listing_table(listing: Listing, *, title: bool = True) -> Table:
    table = Table(
        title=Text(printable(listing.title)) if title else None,
        title_justify="left",
        expand=False,
    )
    cells = [[_cell(row.get(column.key)) for column in listing.columns] for row in listing.rows]
    for i, column in enumerate(listing.columns):
        # Numbers and the first column (the record's id) are never cut short on a narrow
        # terminal; the other text wraps instead (long words fold), a few characters a line.
        width = max((cell.cell_len for cell in (row[i] for row in cells)), default=1)
        if column.numeric or i == 0:
            justify: JustifyMethod = "right" if column.numeric else "left"
            table.add_column(column.title, justify=justify, no_wrap=True, min_width=width)
        else:
            heading = Text(column.title, no_wrap=True, overflow="ellipsis")  # headers do not fold
            table.add_column(heading, min_width=min(width, 6), overflow="fold")
    for row in cells:
        table.add_row(*row)
    if listing.note:
        table.caption = Text(printable(listing.note))
    return table


def print_listing(listing: Listing, *, as_json: bool = False, footer: str = "") -> None:
    """``footer``: a line under the table saying which page this is (on stderr with
    ``as_json``, so that the output stays one JSON document)."""
    if as_json:
        print_json(listing.as_json())
        if footer:
            err_console.print(Text(footer))
        return
    if not listing.rows:
        console.print(Text(footer or f"{printable(listing.title)}: none"))
        return
    _print_table(listing)
    if footer:
        console.print(Text(footer))


def _print_table(listing: Listing) -> None:
    table = listing_table(listing)
    width = _unwrapped_width(table)
    if width is None:
        console.print(table)
        return
    kept, console.width = console.width, width  # print() alone caps at the console's width
    try:
        console.print(table)
    finally:
        console.width = kept


def _unwrapped_width(table: Table) -> int | None:
    """Output going to a file or a pipe keeps each row on one line (a terminal's width does
    not apply there, and grep finds whole rows); COLUMNS still sets a width."""
    if console.is_terminal or os.environ.get("COLUMNS"):
        return None
    natural = Measurement.get(console, console.options.update(width=10_000), table).maximum
    return max(console.width, natural)


def print_detail(detail: Detail, *, as_json: bool = False) -> None:
    if as_json:
        print_json(detail.as_json())
        return
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    for label, value in detail.fields:
        if value not in (None, ""):
            fields.add_row(label, _cell(value))
    console.print(Text(printable(detail.title), style="bold underline"))
    console.print(fields)
    for section in detail.sections:
        console.print()
        print_listing(section)


def _cell(value: Any) -> Text:
    # User text is shown as text, never interpreted as rich markup.
    if value is None:
        return Text("")
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, dict | list):  # structured values (an audit event's changes)
        return Text(
            printable(json.dumps(value, ensure_ascii=False, sort_keys=True)) if value else ""
        )
    return Text(printable(str(value)))
