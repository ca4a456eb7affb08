"""Paging options of the listings that grow with a platform's history (requests, bookings)."""

from __future__ import annotations

import typer

from labops import views
from labops.views import Listing, Page

PAGE_HELP = "Which page of a long list (from 1)."
LIMIT_HELP = f"Rows per page (default {views.PAGE_SIZE})."
ALL_HELP = "Every row, however many (may take long on years of history)."
MAX_LIMIT = 100_000


def page_of(page: int | None, limit: int | None, every: bool) -> Page:
    """The page the options ask for; refused with one line when they contradict."""
    if every and (page is not None or limit is not None):
        raise typer.BadParameter("--all shows every row: leave out --page and --limit")
    if every:
        return Page.everything()
    if page is not None and page < 1:
        raise typer.BadParameter(f"--page {page}: pages count from 1")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise typer.BadParameter(f"--limit {limit}: give 1 to {MAX_LIMIT:,} (or --all)")
    # Read at call time, so that tests (and a future setting) can change the default.
    return Page(page or 1, limit or views.PAGE_SIZE)


def more_hint(listing: Listing, page: Page) -> str:
    """The footer under a page: which rows these are, and how to see the others."""
    shown = listing.shown()
    if not shown:
        return ""
    assert listing.total is not None and page.size is not None
    ways = []
    if page.offset + len(listing.rows) < listing.total:
        ways.append(f"--page {page.number + 1} for the next {page.size}")
    ways.append("--all for every one")
    return f"{shown} ({', '.join(ways)})"
