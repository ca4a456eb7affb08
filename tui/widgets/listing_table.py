"""A data table that shows a service's Listing, keeping the cursor on the same record.

Columns take the width the table has (the layout is redone when it is resized):

- when every cell fits, every cell is shown whole, however long;
- when not, the widest text columns give way first, down to a width still worth reading;
  in a short list (its rows fit the table's height a line each) their cells wrap onto up
  to MAX_ROW_LINES lines, in a longer one they stay one line, cut with "…";
- when even that does not fit (a narrow terminal), long texts are cut at MAX_COLUMN_WIDTH
  and the columns after them scroll sideways, so the first ones (``order``) stay in view.

Figures, the key column and column titles are never cut."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Self

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from labops.views import Listing
from tui.text import plain

MAX_ROW_LINES = 3
MAX_COLUMN_WIDTH = 48  # in a narrow terminal long texts are cut here
MIN_TEXT_WIDTH = 16  # a text column gives way down to this, its title or its longest word
MAX_WORD_WIDTH = 24  # (counted up to this), not below


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
        self._listing: Listing | None = None
        self._cells: list[list[Text]] = []
        self._laid_out_for: tuple[int, int] | None = None

    def show(self, listing: Listing, *, order: Sequence[str] | None = None) -> None:
        """Show ``listing``; ``order`` overrides the table's column order for this one."""
        first = {key: index for index, key in enumerate(self.order if order is None else order)}
        self._listing = Listing(
            listing.title,
            tuple(sorted(listing.columns, key=lambda c: first.get(c.key, len(first)))),
            listing.rows,
            listing.note,
        )
        self._cells = [
            [
                self._cell(row.get(column.key), numeric=column.numeric)
                for column in self._listing.columns
            ]
            for row in self._listing.rows
        ]
        self.rows_shown = list(listing.rows)
        self._lay_out()

    def clear(self, columns: bool = False) -> Self:
        """With ``columns``: the listing is gone too (a resize does not bring it back)."""
        if columns:
            self._listing = None
            self._cells = []
            self._laid_out_for = None
        return super().clear(columns)

    def on_resize(self) -> None:
        if self._listing is not None and tuple(self.size) != self._laid_out_for:
            self._lay_out()

    def _lay_out(self) -> None:
        """Fit the columns to the table's size, wrap or cut the cells, add the rows."""
        listing = self._listing
        if listing is None:
            return
        selected = self.selected_key
        width, height = self.size
        self._laid_out_for = (width, height)
        widths, rows = self._fitted(width if width > 0 else None, height)
        if width > 0 and self.header_height + sum(lines for _, lines in rows) > height:
            # the rows overflow: the vertical scrollbar takes its share of the width
            widths, rows = self._fitted(width - self.styles.scrollbar_size_vertical, height)
        super().clear(columns=True)
        for column, column_width in zip(listing.columns, widths, strict=True):
            self.add_column(
                Text(column.title, justify="right" if column.numeric else "left"),
                key=column.key,
                width=column_width,
            )
        for row, (cells, lines) in zip(listing.rows, rows, strict=True):
            self.add_row(*cells, key=str(row.get(self.key)), height=lines)
        if selected is not None:
            self.select_key(selected)

    def _fitted(
        self, room: int | None, height: int
    ) -> tuple[list[int], list[tuple[list[Text], int]]]:
        """The column widths for ``room`` cells (None: no size yet), and each row's cells
        fitted to them with the row's height in lines."""
        assert self._listing is not None
        columns = self._listing.columns
        natural = [
            max(
                cell_len(column.title),
                max((w for cells in self._cells for w in _line_widths(cells[index])), default=0),
            )
            for index, column in enumerate(columns)
        ]
        fixed = [column.numeric or column.key == self.key for column in columns]
        least = [
            n if f else min(n, max(MIN_TEXT_WIDTH, cell_len(c.title), self._longest_word(i)))
            for i, (n, f, c) in enumerate(zip(natural, fixed, columns, strict=True))
        ]
        padding = 2 * self.cell_padding * len(columns)
        if room is not None and sum(natural) + padding <= room:
            return natural, self._rows(None, 0)
        if room is None or sum(least) + padding > room:  # no size yet, or a narrow terminal
            return [min(n, MAX_COLUMN_WIDTH) for n in natural], self._rows(None, 0)
        widths = _shared(natural, least, fixed, room - padding)
        if self.header_height + len(self._cells) <= height:  # a short list: wrap
            return widths, self._rows(widths, MAX_ROW_LINES)
        return widths, self._rows(widths, 0)  # a long list to scan: a row a line

    def _longest_word(self, index: int) -> int:
        words = (cell_len(w) for cells in self._cells for w in cells[index].plain.split())
        return min(max(words, default=0), MAX_WORD_WIDTH)

    def _rows(self, widths: list[int] | None, lines: int) -> list[tuple[list[Text], int]]:
        """Each row's cells and height (up to MAX_ROW_LINES): the cells as they are
        (``widths`` None), wrapped to ``widths`` in up to ``lines`` lines, or (``lines`` 0)
        each of their own lines cut to ``widths``."""
        console = self.app.console
        rows = []
        for cells in self._cells:
            if widths is not None and lines:
                cells = [_within(c, w, lines, console) for c, w in zip(cells, widths, strict=True)]
            elif widths is not None:
                cells = [_cut(c, w) for c, w in zip(cells, widths, strict=True)]
            height = max((len(cell.plain.splitlines()) for cell in cells), default=1)
            rows.append((cells, min(max(height, 1), MAX_ROW_LINES)))
        return rows

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


def _shared(natural: list[int], least: list[int], fixed: list[bool], room: int) -> list[int]:
    """Widths that add up to ``room`` at most: the text columns capped at one width, as
    high as fits but never below ``least``; what the cap leaves goes to the capped columns,
    first come first served. ``fixed`` columns keep their natural width."""

    def capped(cap: int) -> list[int]:
        return [
            n if f else max(lo, min(n, cap)) for n, lo, f in zip(natural, least, fixed, strict=True)
        ]

    low, high = 0, max(natural)  # capped(low) fits (the caller checked), capped(high) not
    while high - low > 1:
        middle = (low + high) // 2
        if sum(capped(middle)) <= room:
            low = middle
        else:
            high = middle
    widths = capped(low)
    spare = room - sum(widths)
    for index, wanted in enumerate(natural):
        grow = 0 if fixed[index] else min(spare, wanted - widths[index])
        if grow > 0:
            widths[index] += grow
            spare -= grow
    return widths


def _within(cell: Text, width: int, lines: int, console: Console) -> Text:
    """``cell`` wrapped to ``width`` in at most ``lines`` lines; where text is left out,
    the last line ends in "…"."""
    own = cell.plain.splitlines() or [""]
    if len(own) <= lines and all(cell_len(line) <= width for line in own):
        return cell
    wrapped = list(cell.wrap(console, width, overflow="fold"))
    if len(wrapped) <= lines:
        return _joined(wrapped, cell)
    kept = wrapped[:lines]
    last = kept[-1]
    last.rstrip()
    last.truncate(max(width - 1, 0))
    last.append("…")
    return _joined(kept, cell)


def _cut(cell: Text, width: int) -> Text:
    """Each line of ``cell`` cut to ``width``, ending in "…" where it was cut."""
    lines = cell.split("\n")[:MAX_ROW_LINES]
    if all(line.cell_len <= width for line in lines):
        return cell
    for line in lines:
        if line.cell_len > width:
            line.truncate(max(width - 1, 0))
            line.append("…")
    return _joined(lines, cell)


def _joined(lines: Iterable[Text], like: Text) -> Text:
    text = Text("\n").join(line.copy() for line in lines)
    text.justify = like.justify
    return text


def _line_widths(text: Text) -> list[int]:
    return [cell_len(line) for line in text.plain.splitlines()] or [0]
