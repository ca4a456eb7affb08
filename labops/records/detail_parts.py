"""What every detail view is made of: a record by its id (or NotFound), numeric ids checked,
related listings shown a page at a time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import Session

from labops.errors import InputError, NotFound
from labops.fields import MAX_ID
from labops.views import Listing, Page

SECTION_ROWS = 50  # rows of a related listing (a project's requests...) a detail shows
FIRST = Page(1, SECTION_ROWS)


def stored(session: Session, table: Any, record_id: Any, what: str) -> Any:
    row = session.get(table, record_id)
    if row is None:
        raise NotFound(f"no {what} {record_id!r}")
    return row


def int_id(record_id: str, what: str) -> int:
    try:
        number = int(record_id)
    except ValueError:
        raise InputError(f"{what} ids are numbers, not {record_id[:40]!r}") from None
    if not 1 <= number <= MAX_ID:
        raise NotFound(f"no {what} {record_id[:40]}")
    return number


def titled(listing: Listing, title: str) -> Listing:
    return replace(listing, title=title)


def section(listing: Listing, more: str) -> Listing:
    """A related listing read a page at a time: when there is more, its note says how many
    and how to list the rest."""
    shown = listing.shown()
    if not shown:
        return listing
    return replace(listing, note="; ".join(n for n in (listing.note, f"{shown}: {more}") if n))
