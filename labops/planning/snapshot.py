"""A planning problem built from the database (``Snapshot``), and the ids and records that
map a plan back to bookings: solver ids of requests and tasks, fixed bookings and the
conflicts a person must resolve."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from labops import tables as t
from labops.planning.grid import SlotGrid
from labops.vocabulary import BookingStatus
from solver.problem import Problem, Standing


def request_key(request_id: int) -> str:
    return f"R{request_id}"


def task_key(request_id: int, key: str) -> str:
    return f"R{request_id}.{key}"


class Fixed(StrEnum):
    """Why a live booking is context that the plan does not move."""

    OTHER = "its request is not being planned"
    LOCKED = "locked"
    DONE = "done"
    STARTED = "started"
    FROZEN = "in the freeze window"
    BEYOND = "beyond the horizon"


@dataclass
class BookedTask:
    """A live booking as the solver sees it."""

    booking: t.Booking
    units: list[str]
    people: list[str]
    shifts: list[tuple[str, dt.datetime, dt.datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class Conflict:
    """A fixed booking that breaks a rule of today's platform and stays as it is."""

    booking_id: int
    request_id: int
    task: str  # the task's key in its request
    status: BookingStatus
    start: dt.datetime
    end: dt.datetime
    why: tuple[str, ...]  # the rules it breaks, as sentences
    fixed: Fixed

    @property
    def remedy(self) -> str:
        """What a person can do about it."""
        if self.fixed == Fixed.LOCKED:
            return "unlock it (booking unlock) for a plan to move it, or cancel it"
        if self.fixed in (Fixed.FROZEN, Fixed.STARTED):
            return "re-plan it with schedule --repair, or move or cancel it by hand"
        if self.fixed == Fixed.BEYOND:
            return "plan more weeks (--weeks) to re-plan it"
        return "move or cancel it by hand"


@dataclass
class Snapshot:
    """A problem built from the database, with what is needed to map a plan back and to
    build the same problem again at commit time."""

    problem: Problem
    grid: SlotGrid
    timezone: str
    tasks: dict[str, t.Task]  # solver task id -> task row (planned and fixed tasks)
    requests: dict[str, t.Request]  # solver request id -> request row (planned ones)
    booked: dict[str, BookedTask]  # solver task id -> its live booking
    frozen: set[str]  # solver task ids of fixed bookings, which keep their place (those far
    # ahead of the horizon are not in the problem at all)
    released: set[str]  # fixed bookings a repair re-plans because they no longer fit
    fingerprint: str  # of everything the plan depends on, to detect a racing writer
    planned_ids: list[int]  # the requests the fingerprint covers
    now: dt.datetime
    start: dt.datetime | None
    weeks: int
    ready: dt.datetime  # nothing new is placed before it
    frozen_until: dt.datetime  # bookings starting before it are fixed (the freeze window)
    horizon_end: dt.datetime
    repair: bool = False
    retry_waiting: bool = False
    freeze_days: int | None = None  # the setting overridden for this plan, if it was
    conflicts: list[Conflict] = field(default_factory=list)

    def standing(self, request_id: int) -> Standing:
        return self.problem.request[request_key(request_id)].standing
