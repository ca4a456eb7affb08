"""A data table that shows a service's Listing, keeping the cursor on the same record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from labops.views import Listing
from tui.text import plain

MAX_ROW_LINES = 3
MAX_COLUMN_WIDTH = 48  # long titles are cut so the columns after them stay in view


class ListingTable(DataTable[Text]):
    """Rows keyed by one column of the listing (``key``), so a refresh keeps the selection."""

    DEFAULT_CSS = """
    ListingTable { height: 1fr; }
    """

    def __init__(
        self,
        *,
        key: str = "id",
        order: Sequence[str] = (),
        id: str | None = None,
        classes: str = "",
    ) -> None:
        """``order``: these columns first, in this order (what matters in a narrow terminal)."""
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.key = key
        self.order = tuple(order)
        self.rows_shown: list[dict[str, Any]] = []

    def show(self, listing: Listing, *, order: Sequence[str] | None = None) -> None:
        """Show ``listing``; ``order`` overrides the table's column order for this one."""
        selected = self.selected_key
        self.clear(columns=True)
        first = {key: index for index, key in enumerate(self.order if order is None else order)}
        listing = Listing(
            listing.title,
            tuple(sorted(listing.columns, key=lambda c: first.get(c.key, len(first)))),
            listing.rows,
            listing.note,
        )
        rows = [
            [self._cell(row.get(column.key), numeric=column.numeric) for column in listing.columns]
            for row in listing.rows
        ]
        for index, column in enumerate(listing.columns):
            widest = max(
                (line_width for cells in rows for line_width in _line_widths(cells[index])),
                default=0,
            )
            self.add_column(
                Text(column.title, justify="right" if column.numeric else "left"),
                key=column.key,
                width=min(max(widest, len(column.title)), MAX_COLUMN_WIDTH),
            )
        for row, cells in zip(listing.rows, rows, strict=True):
            lines = max((len(cell.plain.splitlines()) for cell in cells), default=1)
            self.add_row(
                *cells, key=str(row.get(self.key)), height=min(max(lines, 1), MAX_ROW_LINES)
            )
        self.rows_shown = list(listing.rows)
        if selected is not None:
            self.select_key(selected)

    @staticmethod
    def _cell(value: Any, *, numeric: bool) -> Text:
        text = plain(value)
        if numeric:
            text.justify = "right"
        return text

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None

    @property
    def selected_row(self) -> dict[str, Any] | None:
        key = self.selected_key
        return next((r for r in self.rows_shown if str(r.get(self.key)) == key), None)

    def select_key(self, key: str) -> bool:
        try:
            index = self.get_row_index(key)
        except RowDoesNotExist:
            return False
        self.move_cursor(row=index)
        return True


def _line_widths(text: Text) -> list[int]:
    return [len(line) for line in text.plain.splitlines()] or [0]
