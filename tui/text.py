"""How times and values read on screen. Text built here is never parsed as markup, and
shows control characters as ``\\xNN`` instead of sending them to the terminal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text

from labops.controls import printable
from labops.localtime import to_local


def plain(value: Any) -> Text:
    """A cell or label from any value; user text stays text."""
    if value is None:
        return Text("")
    if value is True:
        return Text("yes")
    if value is False:
        return Text("")
    return Text(printable(str(value)))


def when(value: dt.datetime, tz: str) -> str:
    """ "Tue 01 Dec 09:00" in the platform's time zone."""
    return to_local(value, tz).strftime("%a %d %b %H:%M")


def span(start: dt.datetime, end: dt.datetime, tz: str) -> str:
    a, b = to_local(start, tz), to_local(end, tz)
    if a.date() == b.date():
        return f"{a:%a %d %b %H:%M}-{b:%H:%M}"
    return f"{a:%a %d %b %H:%M} - {b:%a %d %b %H:%M}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
