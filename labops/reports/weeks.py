"""ISO weeks in the platform's time zone: parsing `2026-W49`, and their UTC bounds.

A report week runs from local Monday 00:00 to the next local Monday 00:00, so a week with a
daylight-saving switch is 167 or 169 hours long.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from labops.errors import InputError
from labops.localtime import day_start, iso_week, monday_of, to_local

_ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Week:
    """One ISO week: its label, its local Monday, and its bounds as UTC instants."""

    label: str
    monday: dt.date
    start: dt.datetime
    end: dt.datetime

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


def week_of(monday: dt.date, tz: str) -> Week:
    """The week starting on local ``monday`` in ``tz``."""
    monday = monday_of(monday)
    return Week(
        label=iso_week(monday),
        monday=monday,
        start=day_start(monday, tz),
        end=day_start(monday + dt.timedelta(days=7), tz),
    )


def parse_week(text: str, tz: str, *, what: str = "--week") -> Week:
    """The week named by ``2026-W49`` (or ``2026W49``); one clear line if it is no ISO week."""
    match = _ISO_WEEK.match(text)
    if not match:
        raise InputError(f"{what} {text[:40]}: not an ISO week (write it like 2026-W49)")
    year, number = int(match[1]), int(match[2])
    try:
        monday = dt.date.fromisocalendar(year, number, 1)
    except ValueError:
        raise InputError(f"{what} {text.strip()}: not an ISO week") from None
    return week_of(monday, tz)


def last_full_week(now: dt.datetime, tz: str) -> Week:
    """The last week that ended at or before ``now`` (local time)."""
    today = to_local(now, tz).date()
    return week_of(monday_of(today) - dt.timedelta(days=7), tz)


def weeks_ending(week: Week, count: int, tz: str) -> list[Week]:
    """``count`` consecutive weeks, oldest first, the last one being ``week``."""
    return [week_of(week.monday - dt.timedelta(days=7 * back), tz) for back in range(count)][::-1]
