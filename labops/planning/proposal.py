"""A solved plan as a person reviews it: the difference from the bookings in force.

New bookings, moved ones (other time or units), re-staffed ones (other people), cancelled
ones (their request could no longer be kept), each with the status the booking had
(proposed, confirmed); every request left out with its reasons; the people whose day
changes; and the fixed bookings kept although they break a rule (conflicts for a person).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from labops.funds.limits import in_money
from labops.localtime import to_local
from labops.planning.sentences import sentence
from labops.planning.snapshot import Conflict, Snapshot
from labops.vocabulary import BookingStatus
from solver.plan import Plan, Reason
from solver.problem import Standing


class Change(StrEnum):
    NEW = "new"
    MOVED = "moved"
    RESTAFFED = "re-staffed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Placement:
    start: dt.datetime
    end: dt.datetime
    units: tuple[str, ...]
    people: tuple[str, ...]
    # A task in shifts: (person, start, end) per shift, in time order; ``people`` is empty.
    shifts: tuple[tuple[str, dt.datetime, dt.datetime], ...] = ()

    @property
    def everyone(self) -> tuple[str, ...]:
        """Its people and its shift people, each once."""
        return tuple(dict.fromkeys([*self.people, *(p for p, _, _ in self.shifts)]))


@dataclass(frozen=True)
class BookingChange:
    change: Change
    task: str  # solver id, "R12.coat"
    task_id: int
    request_id: int
    project: str
    title: str
    old: Placement | None  # the booking in force
    new: Placement | None  # where the plan puts it
    booking_id: int | None = None
    status: BookingStatus | None = None  # of the booking in force

    @property
    def placed(self) -> Placement:
        """Where the plan puts it, or for a cancellation where it was."""
        placed = self.new or self.old
        assert placed is not None  # a change has a before or an after
        return placed

    @property
    def people(self) -> set[str]:
        return set(self.old.everyone if self.old else ()) | set(
            self.new.everyone if self.new else ()
        )


@dataclass(frozen=True)
class LeftOut:
    request_id: int
    project: str
    title: str
    reasons: tuple[str, ...]
    was_scheduled: bool
    standing: Standing = Standing.NEW
    details: tuple[Reason, ...] = ()  # the solver's reasons, rule and references kept
    keeps: tuple[str, ...] = ()  # its tasks whose fixed bookings stay (locked, frozen...)


@dataclass
class Proposal:
    snapshot: Snapshot
    plan: Plan
    changes: list[BookingChange] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    kept: int = 0  # bookings the plan leaves as they are
    placed_requests: list[int] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Conflict]:
        return self.snapshot.conflicts

    @property
    def is_empty(self) -> bool:
        return not self.changes and not any(r.was_scheduled for r in self.left_out)

    def count(self, change: Change) -> int:
        return sum(1 for c in self.changes if c.change == change)

    def people_affected(self) -> dict[str, list[BookingChange]]:
        """Each person whose day changes, with the changes that touch them."""
        affected: dict[str, list[BookingChange]] = {}
        for change in self.changes:
            for person in sorted(change.people):
                affected.setdefault(person, []).append(change)
        return affected

    def as_json(self) -> dict[str, Any]:
        tz = self.snapshot.timezone

        def placement(p: Placement | None) -> dict[str, Any] | None:
            if p is None:
                return None
            return {
                "start": to_local(p.start, tz).isoformat(timespec="minutes"),
                "end": to_local(p.end, tz).isoformat(timespec="minutes"),
                "units": list(p.units),
                "people": list(p.people),
                **(
                    {
                        "shifts": [
                            {
                                "person": who,
                                "start": to_local(lo, tz).isoformat(timespec="minutes"),
                                "end": to_local(hi, tz).isoformat(timespec="minutes"),
                            }
                            for who, lo, hi in p.shifts
                        ]
                    }
                    if p.shifts
                    else {}
                ),
            }

        plan = self.plan
        return {
            "status": plan.status,
            "objective": plan.objective,
            "bound": plan.bound,
            "seconds": round(plan.seconds, 2),
            "repeatable": plan.repeatable,
            "horizon": {
                "start": to_local(self.snapshot.grid.start, tz).isoformat(timespec="minutes"),
                "end": to_local(self.snapshot.grid.end, tz).isoformat(timespec="minutes"),
                "timezone": tz,
            },
            "changes": [
                {
                    "change": c.change.value,
                    "booking": c.booking_id,
                    "status": c.status.value if c.status else None,
                    "request": c.request_id,
                    "task": c.task.split(".", 1)[1],
                    "project": c.project,
                    "old": placement(c.old),
                    "new": placement(c.new),
                }
                for c in self.changes
            ],
            "kept": self.kept,
            "left_out": [
                {
                    "request": r.request_id,
                    "project": r.project,
                    "title": r.title,
                    "reasons": list(r.reasons),
                    "rules": [reason.rule for reason in r.details],
                    "was_scheduled": r.was_scheduled,
                    "standing": r.standing.value,
                    "keeps": list(r.keeps),
                }
                for r in self.left_out
            ],
            "people_affected": sorted(self.people_affected()),
            "frozen_until": to_local(self.snapshot.frozen_until, tz).isoformat(timespec="minutes"),
            "conflicts": [
                {
                    "booking": c.booking_id,
                    "request": c.request_id,
                    "task": c.task,
                    "status": c.status.value,
                    "start": to_local(c.start, tz).isoformat(timespec="minutes"),
                    "end": to_local(c.end, tz).isoformat(timespec="minutes"),
                    "fixed": c.fixed.name.lower(),
                    "why": list(c.why),
                    "remedy": c.remedy,
                }
                for c in self.conflicts
            ],
        }


def make_proposal(snapshot: Snapshot, plan: Plan) -> Proposal:
    """Compare ``plan`` with the bookings in force in ``snapshot``."""
    proposal = Proposal(snapshot=snapshot, plan=plan)
    grid = snapshot.grid
    for key, request in sorted(snapshot.requests.items(), key=lambda item: item[1].id):
        task_keys = [
            k
            for k, row in snapshot.tasks.items()
            if row.request_id == request.id and k not in snapshot.frozen
        ]
        placed = all(k in plan.assignments for k in task_keys)
        if placed:
            proposal.placed_requests.append(request.id)
        else:
            details = tuple(in_money(snapshot.problem, plan, key, plan.unplaced.get(key, ())))
            was_scheduled = any(k in snapshot.booked for k in task_keys)
            keeps = tuple(
                row.key
                for k, row in snapshot.tasks.items()
                if row.request_id == request.id and k in snapshot.frozen
            )
            proposal.left_out.append(
                LeftOut(
                    request.id,
                    request.project,
                    request.title,
                    tuple(sentence(reason.message) for reason in details) or ("not placed",),
                    was_scheduled,
                    snapshot.problem.request[key].standing,
                    details,
                    keeps,
                )
            )
        for task in task_keys:
            row = snapshot.tasks[task]
            booked = snapshot.booked.get(task)
            old = (
                Placement(
                    booked.booking.start,
                    booked.booking.end,
                    tuple(booked.units),
                    tuple(booked.people),
                    tuple(booked.shifts),
                )
                if booked
                else None
            )
            new = None
            if placed:
                assignment = plan.assignments[task]
                start = grid.at(assignment.start)
                new = Placement(
                    start,
                    start + dt.timedelta(minutes=row.duration),
                    tuple(assignment.units),
                    tuple(sorted(assignment.people)),
                    tuple((s.person, grid.at(s.start), grid.at(s.end)) for s in assignment.shifts),
                )
            change = _classify(old, new)
            if change is None:
                if old is not None:
                    proposal.kept += 1
                continue
            proposal.changes.append(
                BookingChange(
                    change=change,
                    task=task,
                    task_id=row.id,
                    request_id=request.id,
                    project=request.project,
                    title=request.title,
                    old=old,
                    new=new,
                    booking_id=booked.booking.id if booked else None,
                    status=booked.booking.status if booked else None,
                )
            )
    proposal.changes.sort(key=lambda c: (c.placed.start, c.task))
    return proposal


def _classify(old: Placement | None, new: Placement | None) -> Change | None:
    if old is None:
        return Change.NEW if new is not None else None
    if new is None:
        return Change.CANCELLED
    if (old.start, old.units) != (new.start, new.units):
        return Change.MOVED
    if set(old.people) != set(new.people) or set(old.shifts) != set(new.shifts):
        return Change.RESTAFFED
    return None
