"""How times and values read on screen. Text built here is never parsed as markup, and
shows control characters as ``\\xNN`` instead of sending them to the terminal."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from labops.controls import printable


def plain(value: Any) -> Text:
    """A cell or label from any value; user text stays text."""
    if value is None:
        return Text("")
    if value is True:
        return Text("yes")
    if value is False:
        return Text("")
    return Text(printable(str(value)))


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"
