"""Printing service views: rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from labops.views import Detail, Listing

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def listing_table(listing: Listing, *, title: bool = True) -> Table:
    table = Table(title=listing.title if title else None, title_justify="left", expand=False)
    cells = [[_cell(row.get(column.key)) for column in listing.columns] for row in listing.rows]
    for i, column in enumerate(listing.columns):
        # Numbers and the first column (the record's id) are never cut short on a narrow
        # terminal; the other text wraps instead (long words fold), a few characters a line.
        width = max((cell.cell_len for cell in (row[i] for row in cells)), default=1)
        if column.numeric or i == 0:
            justify = "right" if column.numeric else "left"
            table.add_column(column.title, justify=justify, no_wrap=True, min_width=width)
        else:
            title = Text(column.title, no_wrap=True, overflow="ellipsis")  # headers do not fold
            table.add_column(title, min_width=min(width, 6), overflow="fold")
    for row in cells:
        table.add_row(*row)
    if listing.note:
        table.caption = listing.note
    return table


def print_listing(listing: Listing, *, as_json: bool = False) -> None:
    if as_json:
        print_json(listing.as_json())
        return
    if not listing.rows:
        console.print(f"{listing.title}: none")
        return
    console.print(listing_table(listing))


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
    console.print(Text(detail.title, style="bold underline"))
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
        return Text(json.dumps(value, ensure_ascii=False, sort_keys=True) if value else "")
    return Text(str(value))
