"""Wall-clock time at a site versus instants in UTC, and instants as people read them.

People write local times ("the lab opens at 08:00"); the database stores UTC instants. At a
daylight-saving switch a local time can be missing (spring) or doubled (autumn): missing
times move forward by the gap, doubled ones take their first occurrence, as a person reading
a wall clock would expect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cache
from zoneinfo import ZoneInfo

from labops.fields import Window


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_utc(value: dt.datetime, tz: str) -> dt.datetime:
    """An instant from a local wall-clock time in ``tz`` (or from an aware datetime)."""
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    local = value.replace(tzinfo=zone(tz), fold=0)
    instant = local.astimezone(dt.UTC)
    if instant.astimezone(zone(tz)).replace(tzinfo=None) != value:
        # A time skipped by a spring-forward switch: the clock reads it an hour later.
        instant = value.replace(tzinfo=zone(tz), fold=1).astimezone(dt.UTC)
    return instant


def to_local(value: dt.datetime, tz: str) -> dt.datetime:
    """The naive wall-clock time in ``tz`` of an instant."""
    return value.astimezone(zone(tz)).replace(tzinfo=None)


DAY_TIME = "%a %d %b %H:%M"  # "Tue 01 Dec 09:30": how messages and screens name an instant


def when(value: dt.datetime, tz: str) -> str:
    """An instant as wall-clock time in ``tz``: "Tue 01 Dec 09:30"."""
    return to_local(value, tz).strftime(DAY_TIME)


def local_text(value: dt.datetime | None, tz: str) -> str | None:
    """An instant as the platform's listings write it, in ``tz`` ("2026-12-08 09:30")."""
    return None if value is None else to_local(value, tz).strftime("%Y-%m-%d %H:%M")


def span(start: dt.datetime, end: dt.datetime, tz: str, *, joiner: str = " - ") -> str:
    """Two instants in ``tz``, the end's day left out when it is the start's:
    "Tue 01 Dec 09:30-11:00", or "Tue 01 Dec 22:00 - Wed 02 Dec 06:00"."""
    a, b = to_local(start, tz), to_local(end, tz)
    if a.date() == b.date():
        return f"{a:{DAY_TIME}}-{b:%H:%M}"
    return f"{a:{DAY_TIME}}{joiner}{b:{DAY_TIME}}"


def shift_list(shifts: Iterable[tuple[str, dt.datetime, dt.datetime]], tz: str) -> str:
    """A task's shifts as people read them: "ana Tue 01 Dec 06:00-14:00, ben ..."."""
    return ", ".join(f"{person} {span(lo, hi, tz)}" for person, lo, hi in shifts)


def round_trips(value: dt.datetime, tz: str) -> bool:
    """Whether writing ``value`` as a local time in ``tz`` reads back as the same instant."""
    return to_utc(to_local(value, tz), tz) == value


def day_start(day: dt.date, tz: str) -> dt.datetime:
    return to_utc(dt.datetime.combine(day, dt.time()), tz)


def days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every day from ``first`` to ``last`` inclusive."""
    for offset in range((last - first).days + 1):
        yield first + dt.timedelta(days=offset)


def weekly_windows(
    hours: dict[int, list[Window]],
    tz: str,
    first: dt.date,
    last: dt.date,
    closed: Iterable[dt.date] = (),
) -> list[tuple[dt.datetime, dt.datetime]]:
    """UTC instants of the local weekly ``hours`` (weekday 0 = Monday) from first to last day.

    Windows that touch (a night shift ending at 24:00 and one starting at 00:00) are merged.
    """
    closed_days = set(closed)
    result: list[tuple[dt.datetime, dt.datetime]] = []
    for day in days(first, last):
        if day in closed_days:
            continue
        for opens, closes in hours.get(day.weekday(), ()):
            start = to_utc(dt.datetime.combine(day, opens), tz)
            if closes == dt.time.max:
                end = day_start(day + dt.timedelta(days=1), tz)
            else:
                end = to_utc(dt.datetime.combine(day, closes), tz)
            if end <= start:
                continue
            if result and result[-1][1] >= start:
                result[-1] = (result[-1][0], max(end, result[-1][1]))
            else:
                result.append((start, end))
    return result


@cache
def same_clock(a: str, b: str) -> bool:
    """Whether zones ``a`` and ``b`` read the same wall-clock time all year (Berlin and
    Amsterdam do; Berlin and New York differ, and so do their daylight-saving dates)."""
    if a == b:
        return True
    year = dt.datetime(dt.date.today().year, 1, 1, tzinfo=dt.UTC)
    return all(
        (year + dt.timedelta(days=d)).astimezone(zone(a)).utcoffset()
        == (year + dt.timedelta(days=d)).astimezone(zone(b)).utcoffset()
        for d in range(0, 366, 3)
    )


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
