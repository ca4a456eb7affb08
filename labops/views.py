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


@dataclass(frozen=True)
class Listing:
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def as_json(self) -> list[dict[str, Any]]:
        return self.rows


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
