"""A record as a service describes it (a Detail): its fields, then its related listings."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from labops.views import Detail, Listing
from tui.text import plain


class DetailView(VerticalScroll):
    DEFAULT_CSS = """
    DetailView { height: 1fr; padding: 0 1; }
    DetailView > Static { width: 100%; }
    """

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = placeholder
        self.detail: Detail | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.placeholder, style="dim"), id="detail-body")

    def show(self, detail: Detail | None, *, message: str = "") -> None:
        self.detail = detail
        body = self.query_one("#detail-body", Static)
        if detail is None:
            body.update(Text(message or self.placeholder, style="dim"))
            return
        body.update(render_detail(detail))
        self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        """What the view shows, as plain text (tests and copy-paste read this)."""
        if self.detail is None:
            return ""
        lines = [self.detail.title]
        lines += [f"{name}: {value}" for name, value in self.detail.fields]
        for section in self.detail.sections:
            lines.append(section.title)
            lines += [" | ".join(str(v) for v in row.values()) for row in section.rows]
        return "\n".join(lines)


def render_detail(detail: Detail) -> RenderableType:
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column(overflow="fold")
    for name, value in detail.fields:
        if value not in (None, ""):
            fields.add_row(plain(name), plain(value))
    title = plain(detail.title)
    title.stylize("bold underline")
    parts: list[RenderableType] = [title, fields]
    parts += [listing_renderable(section) for section in detail.sections]
    return Group(*parts)


def listing_renderable(listing: Listing) -> RenderableType:
    if not listing.rows:
        return Text(f"\n{listing.title}: none", style="dim")
    table = Table(
        title=Text(listing.title, style="bold"),
        title_justify="left",
        box=None,
        header_style="bold",
        pad_edge=False,
    )
    for column in listing.columns:
        table.add_column(column.title, justify="right" if column.numeric else "left")
    for row in listing.rows:
        table.add_row(*(plain(row.get(column.key)) for column in listing.columns))
    if listing.note:  # a long listing says which part of it this is
        table.caption = plain(listing.note)
        table.caption_justify = "left"
    return table
