"""Tabular views that services hand to their faces (CLI tables, JSON, TUI data tables).

A service decides what a person should see; a face decides only how it looks. Values are
plain JSON types, already formatted for people where a raw value would not read well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    numeric: bool = False


PAGE_SIZE = 50
"""Rows a long listing (requests, bookings) shows at a time unless asked for more."""


@dataclass(frozen=True)
class Page:
    """Which rows of a long listing to show: the ``number``-th run of ``size`` rows (from
    1); ``size`` None shows them all."""

    number: int = 1
    size: int | None = PAGE_SIZE

    @classmethod
    def everything(cls) -> Page:
        return cls(1, None)

    @property
    def offset(self) -> int:
        return 0 if self.size is None else (self.number - 1) * self.size


@dataclass(frozen=True)
class Listing:
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    total: int | None = None  # rows that match, when only a page of them is shown
    offset: int = 0  # rows before the first one shown

    def as_json(self) -> list[dict[str, Any]]:
        return self.rows

    @property
    def partial(self) -> bool:
        """Whether rows that match are not shown (other pages)."""
        return self.total is not None and (self.offset > 0 or len(self.rows) < self.total)

    def shown(self) -> str:
        """ "showing 1-50 of 100,000 requests" for a page; "" when every row is shown."""
        if not self.partial:
            return ""
        assert self.total is not None
        what = self.title.lower()
        if not self.rows:
            return f"showing none of {self.total:,} {what} (past the last page)"
        first, last = self.offset + 1, self.offset + len(self.rows)
        return f"showing {first:,}-{last:,} of {self.total:,} {what}"


@dataclass(frozen=True)
class Detail:
    """One record: its fields, then related listings (downtime, bookings, tasks...)."""

    title: str
    fields: list[tuple[str, Any]]
    sections: list[Listing] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "fields": dict(self.fields),
            **{section.title: section.rows for section in self.sections},
        }


def columns(*specs: str) -> tuple[Column, ...]:
    """Columns from ``"key:Title"`` specs; a trailing ``#`` marks a numeric column."""
    result = []
    for spec in specs:
        key, _, title = spec.partition(":")
        numeric = title.endswith("#")
        result.append(Column(key, title.rstrip("#") or key, numeric))
    return tuple(result)


def plural(count: int, noun: str) -> str:
    """ "1 booking", "2 bookings": a count and its noun, as people write them."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
