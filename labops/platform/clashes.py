"""Locked bookings of a platform file that cannot all hold: two on one unit beyond its
capacity, or one person on two at once. A plan never moves a locked booking, so a file with
such a clash is refused, one line per clash, instead of leaving the next plan to "resolve"
it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from labops.localtime import local_text, to_utc
from labops.platform.file_schema import PlatformFile
from labops.vocabulary import BookingStatus


@dataclass(frozen=True)
class _Use:
    start: dt.datetime
    end: dt.datetime
    amount: int
    label: str


def locked_clashes(data: PlatformFile) -> list[str]:
    platform = getattr(data, "platform", None)  # a file with problems may lack it
    if platform is None:
        return []  # times without an offset cannot be placed: the rest first
    tz = platform.timezone
    tasks = {(r.id, t.key): t for r in data.requests for t in r.tasks}
    units = {unit.id: unit for unit in data.equipment}
    on_unit: dict[str, list[_Use]] = defaultdict(list)
    on_person: dict[str, list[_Use]] = defaultdict(list)
    for booking in data.bookings:
        task = tasks.get((booking.request, booking.task))
        if booking.status != BookingStatus.LOCKED or task is None:
            continue  # a booking that does not parse is reported by the other checks
        label = f"booking {booking.request}/{booking.task}"
        start, end = to_utc(booking.start, tz), to_utc(booking.end, tz)
        for unit_id, need in zip(booking.units, task.equipment, strict=False):
            unit = units.get(unit_id)
            if unit is not None:
                busy = (
                    start - dt.timedelta(minutes=unit.setup),
                    end + dt.timedelta(minutes=unit.cleanup),
                )
                on_unit[unit_id].append(_Use(*busy, need.amount, label))
        staffed = (
            start + dt.timedelta(minutes=task.staff_for) if task.staff_for is not None else end
        )
        for person in booking.people:
            on_person[person].append(_Use(start, staffed, 1, label))
        for shift in booking.shifts:
            busy = (to_utc(shift.start, tz), to_utc(shift.end, tz))
            on_person[shift.person].append(_Use(*busy, 1, label))
    problems = []
    for unit_id, uses in sorted(on_unit.items()):
        problems += _clashes(uses, units[unit_id].capacity, f"unit '{unit_id}'", tz)
    for person, uses in sorted(on_person.items()):
        problems += _clashes(uses, 1, f"person '{person}'", tz)
    return problems


def _clashes(uses: list[_Use], capacity: int, what: str, tz: str) -> list[str]:
    """One line for each use that, with the uses still running when it starts, needs more
    than ``capacity``."""
    problems = []
    running: list[_Use] = []
    for use in sorted(uses, key=lambda u: (u.start, u.label)):
        running = [other for other in running if other.end > use.start]
        if sum(other.amount for other in running) + use.amount > capacity:
            others = " and ".join(other.label for other in running)
            when = local_text(use.start, tz)
            problems.append(f"{use.label}: locked, and so is {others}: both hold {what} at {when}")
        running.append(use)
    return problems
