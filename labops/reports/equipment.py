"""Equipment figures: per unit and week, and added up per site, kind or platform."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from labops import tables as t
from labops.calendars import Calendars, clip, hours, subtract
from labops.reports.fetch import UnitHold
from labops.reports.model import UnitWeek, UsageTotal, ratio
from labops.reports.weeks import Week

H = TypeVar("H")


def bucket_by_week(
    holds: Iterable[H],
    weeks: Sequence[Week],
    *,
    key: Callable[[H], str],
    span: Callable[[H], tuple[dt.datetime, dt.datetime]],
) -> dict[tuple[str, int], list[H]]:
    """Holds grouped by (``key``, index of each week their ``span`` overlaps)."""
    starts = [week.start for week in weeks]
    buckets: dict[tuple[str, int], list[H]] = defaultdict(list)
    for hold in holds:
        begin, end = span(hold)
        for index in range(max(bisect_right(starts, begin) - 1, 0), len(weeks)):
            if weeks[index].start >= end:
                break
            if weeks[index].end > begin:
                buckets[key(hold), index].append(hold)
    return buckets


def unit_weeks(
    calendars: Calendars,
    units: Sequence[t.Equipment],
    holds: Iterable[UnitHold],
    weeks: Sequence[Week],
) -> list[list[UnitWeek]]:
    """For each week, each unit's figures (units in the order given); only the last week
    gets the detail (outside hours, projects) that the trend does not show."""
    buckets = bucket_by_week(
        holds, weeks, key=lambda h: h.unit, span=lambda h: (h.busy_start, h.busy_end)
    )
    last = len(weeks) - 1
    return [
        [
            unit_week(
                calendars, unit, week, buckets.get((unit.id, index), []), detailed=index == last
            )
            for unit in units
        ]
        for index, week in enumerate(weeks)
    ]


def unit_week(
    calendars: Calendars,
    unit: t.Equipment,
    week: Week,
    holds: Iterable[UnitHold],
    *,
    detailed: bool = True,
) -> UnitWeek:
    """One unit's week (the figures are defined on UnitWeek); without ``detailed``,
    ``outside_hours`` and ``by_project`` are left empty."""
    opened = clip(calendars.site_open(unit.site), week.start, week.end)
    available = clip(calendars.unit_open(unit.id), week.start, week.end)
    booked = outside = actual = no_show = 0.0
    by_project: dict[str, float] = defaultdict(float)
    for hold in holds:
        share = hold.amount / unit.capacity
        if hold.no_show:
            no_show += hours(clip([(hold.busy_start, hold.busy_end)], week.start, week.end)) * share
            continue
        busy = clip([_span(unit, hold)], week.start, week.end)
        held = hours(busy) * share
        booked += held
        if hold.use_end is not None:
            actual += held
        if detailed:
            outside += hours(subtract(busy, available)) * share
            by_project[hold.project] += held
    open_hours, available_hours = hours(opened), hours(available)
    return UnitWeek(
        unit=unit.id,
        name=unit.name,
        site=unit.site,
        kind=unit.kind,
        capacity=unit.capacity,
        open_hours=open_hours,
        downtime_hours=open_hours - available_hours,
        available_hours=available_hours,
        booked_hours=booked,
        outside_hours=outside,
        utilization=ratio(booked, available_hours),
        by_project=dict(sorted(by_project.items())),
        actual_hours=actual,
        no_show_hours=no_show,
    )


def _span(unit: t.Equipment, hold: UnitHold) -> tuple[dt.datetime, dt.datetime]:
    """What the hold occupied: its recorded use with setup and cleanup around it, else its
    planned busy span."""
    if hold.use_start is None or hold.use_end is None:
        return hold.busy_start, hold.busy_end
    return (
        hold.use_start - dt.timedelta(minutes=unit.setup),
        hold.use_end + dt.timedelta(minutes=unit.cleanup),
    )


def total(name: str, units: Iterable[UnitWeek]) -> UsageTotal:
    """``units`` added up under ``name``."""
    units = list(units)
    available = sum(u.available_hours for u in units)
    booked = sum(u.booked_hours for u in units)
    return UsageTotal(
        name=name,
        units=len(units),
        open_hours=sum(u.open_hours for u in units),
        downtime_hours=sum(u.downtime_hours for u in units),
        available_hours=available,
        booked_hours=booked,
        outside_hours=sum(u.outside_hours for u in units),
        utilization=ratio(booked, available),
        actual_hours=sum(u.actual_hours for u in units),
        no_show_hours=sum(u.no_show_hours for u in units),
    )


def totals_by(units: Iterable[UnitWeek], key: Callable[[UnitWeek], str]) -> list[UsageTotal]:
    """One total per value of ``key`` (site or kind), sorted by that value."""
    groups: dict[str, list[UnitWeek]] = defaultdict(list)
    for unit in units:
        groups[key(unit)].append(unit)
    return [total(name, groups[name]) for name in sorted(groups)]
