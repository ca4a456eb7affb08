"""Bookings and downtime as operators handle them day to day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from labops import tables as t
from labops.audit import record
from labops.bookings.rows import write_booking_resources
from labops.controls import check_text
from labops.db import Database
from labops.errors import Conflict, InputError, NotFound
from labops.limits import check_ahead
from labops.localtime import local_text
from labops.notifications.queue import queue_booking_changes, queue_downtime_hits
from labops.permissions import Action, Actor, current_actor
from labops.planning.build import build_snapshot
from labops.planning.snapshot import task_key as solver_key
from labops.records.catalog import booking_resources, platform_info
from labops.requests.booked import reopen_unbooked, set_request_status
from labops.views import Listing, columns
from labops.vocabulary import ACTIVE_BOOKING, BookingStatus, DowntimeKind, RequestStatus
from solver.plan import Plan
from solver.problem import Assignment
from solver.rules import Rule
from solver.validate import validate

# Which status each operation moves a booking to, and from which statuses it may.
_TRANSITIONS = {
    "confirm": (BookingStatus.CONFIRMED, {BookingStatus.PROPOSED}),
    "lock": (BookingStatus.LOCKED, {BookingStatus.PROPOSED, BookingStatus.CONFIRMED}),
    "unlock": (BookingStatus.CONFIRMED, {BookingStatus.LOCKED}),
    "cancel": (
        BookingStatus.CANCELLED,
        {BookingStatus.PROPOSED, BookingStatus.CONFIRMED, BookingStatus.LOCKED},
    ),
    "done": (BookingStatus.DONE, {BookingStatus.CONFIRMED, BookingStatus.LOCKED}),
}
OPERATIONS = tuple(_TRANSITIONS)
_NEWS = {"confirm", "cancel"}  # the operations the booking's people hear of
_DONE_TO = {
    "confirm": "confirmed",
    "lock": "locked",
    "unlock": "unlocked",
    "cancel": "cancelled",
    "done": "marked done",
}


def change_booking(
    db: Database, *, actor: Actor, booking_id: int, operation: str, now: dt.datetime, note: str = ""
) -> BookingStatus:
    """Confirm, lock, unlock, cancel or finish a booking; returns its new status."""
    return change_bookings(
        db, actor=actor, booking_ids=[booking_id], operation=operation, now=now, note=note
    ).status


@dataclass(frozen=True)
class BookingsChanged:
    status: BookingStatus  # the bookings' new status
    reopened: dict[int, list[str]]  # requests back to approved: their unbooked task keys


def change_bookings(
    db: Database,
    *,
    actor: Actor,
    booking_ids: list[int],
    operation: str,
    now: dt.datetime,
    note: str = "",
) -> BookingsChanged:
    """Confirm, lock, unlock, cancel or finish bookings, all or none: every id is checked
    before any is changed, in one transaction.

    A cancelled booking frees its units and people at once; a scheduled request it leaves
    with an unbooked task goes back to approved, and the next ``labops schedule`` places
    the task again or fills the slot with others.
    """
    if operation not in _TRANSITIONS:
        raise InputError(f"unknown booking operation {operation!r}: use {', '.join(OPERATIONS)}")
    actor.require(Action.BOOK)
    check_text(note, "note")
    target = _TRANSITIONS[operation][0]
    # A repeated id means that booking once: changing it twice would refuse the second time.
    wanted = list(dict.fromkeys(booking_ids))
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.BOOK)
        chosen = [_changeable(session, booking_id, operation, now) for booking_id in wanted]
        for booking in chosen:
            old = booking.status
            booking.status = target
            booking.sequence += 1
            session.add(booking)
            record(
                session,
                actor=actor.id,
                at=now,
                action=f"booking.{operation}",
                record_type="booking",
                record_id=booking.id,
                summary=note,
                changes={"status": [old.value, target.value]},
            )
        if operation in _NEWS:  # locking or finishing changes nobody's day
            queue_booking_changes(
                session,
                [booking.id for booking in chosen if booking.id is not None],
                what=_DONE_TO[operation],
                by=actor,
                now=now,
                why=note or f"booking {operation}",
            )
        reopened: dict[int, list[str]] = {}
        if operation == "cancel":
            tasks = {booking.task_id for booking in chosen}
            requests = session.exec(
                select(t.Task.request_id).where(col(t.Task.id).in_(tasks))
            ).all()
            why = f"booking {', '.join(str(b.id) for b in chosen)} cancelled"
            reopened = reopen_unbooked(session, requests, actor=actor.id, now=now, why=why)
        return BookingsChanged(status=target, reopened=reopened)


def _changeable(session: Session, booking_id: int, operation: str, now: dt.datetime) -> t.Booking:
    """The booking, if ``operation`` may change it; otherwise the one line saying why not."""
    _target, allowed = _TRANSITIONS[operation]
    booking = session.get(t.Booking, booking_id)
    if booking is None:
        raise NotFound(f"no booking {booking_id}")
    if booking.status not in allowed:
        could = " or ".join(sorted(status.value for status in allowed))
        raise Conflict(
            f"booking {booking_id} is {booking.status.value}: only a {could} booking "
            f"can be {_DONE_TO[operation]}"
        )
    if operation == "done" and booking.end > now:
        raise Conflict(f"booking {booking_id} has not ended yet")
    return booking


@dataclass(frozen=True)
class DowntimeAdded:
    downtime_id: int
    hit: Listing  # the live bookings it overlaps, with their people


def add_downtime(
    db: Database,
    *,
    actor: Actor,
    unit_id: str,
    start: dt.datetime,
    end: dt.datetime,
    kind: DowntimeKind,
    reason: str,
    now: dt.datetime,
) -> DowntimeAdded:
    """Record downtime of a unit and list the bookings it hits (``schedule --repair`` re-plans
    them)."""
    actor.require(Action.DOWNTIME)
    if end <= start:
        raise InputError("downtime must end after it starts")
    check_text(reason, "note")
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.DOWNTIME)
        unit = session.get(t.Equipment, unit_id)
        if unit is None:
            raise NotFound(f"no equipment unit {unit_id!r}")
        downtime = t.Downtime(equipment_id=unit_id, start=start, end=end, kind=kind, reason=reason)
        session.add(downtime)
        session.flush()
        record(
            session,
            actor=actor.id,
            at=now,
            action="downtime.add",
            record_type="downtime",
            record_id=downtime.id,
            summary=f"{unit_id} {kind.value}: {reason}",
            changes={"equipment": unit_id, "start": start, "end": end},
        )
        hit = bookings_hit(session, unit_id, start, end)
        queue_downtime_hits(
            session, [row["id"] for row in hit.rows], unit_id=unit_id, start=start, end=end,
            by=actor, now=now,
        )  # fmt: skip
        return DowntimeAdded(downtime.id, hit)


def remove_downtime(db: Database, *, actor: Actor, downtime_id: int, now: dt.datetime) -> None:
    actor.require(Action.DOWNTIME)
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.DOWNTIME)
        downtime = session.get(t.Downtime, downtime_id)
        if downtime is None:
            raise NotFound(f"no downtime {downtime_id}")
        session.delete(downtime)
        record(
            session,
            actor=actor.id,
            at=now,
            action="downtime.remove",
            record_type="downtime",
            record_id=downtime_id,
            summary=f"{downtime.equipment_id} {downtime.kind.value}: {downtime.reason}",
            changes={"start": downtime.start, "end": downtime.end},
        )


def bookings_hit(session: Session, unit_id: str, start: dt.datetime, end: dt.datetime) -> Listing:
    """Live bookings whose use of ``unit_id`` (setup and cleanup included) overlaps."""
    tz = platform_info(session).timezone
    rows = list(
        session.exec(
            select(t.Booking, t.Task)
            .join(t.BookingUnit, col(t.BookingUnit.booking_id) == t.Booking.id)
            .join(t.Task, col(t.Task.id) == t.Booking.task_id)
            .where(t.BookingUnit.equipment_id == unit_id)
            .where(t.BookingUnit.busy_start < end, t.BookingUnit.busy_end > start)
            .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
            .order_by(col(t.Booking.start))
        )
    )
    _, people = booking_resources(session, [b.id for b, _ in rows])
    return Listing(
        "Bookings hit",
        columns(
            "id:Booking#",
            "request:Req#",
            "task:Task",
            "start:Start",
            "end:End",
            "status:Status",
            "people:People",
        ),
        [
            {
                "id": b.id,
                "request": task.request_id,
                "task": task.key,
                "start": local_text(b.start, tz),
                "end": local_text(b.end, tz),
                "status": b.status.value,
                "people": ", ".join(people[b.id]),
            }
            for b, task in rows
        ],
    )


def book_task(
    db: Database,
    *,
    actor: Actor,
    request_id: int,
    task_key: str,
    start: dt.datetime,
    units: list[str],
    people: list[str],
    now: dt.datetime,
    lock: bool = False,
) -> int:
    """Book one task by hand at ``start`` on ``units`` with ``people``; returns the booking id.
    A confirmed booking may be moved or dropped by a later plan; a locked one stays.

    The check and the write happen in one IMMEDIATE transaction: the slot is re-checked
    against every hard rule (with the validator) after any other writer has finished, so
    two operators booking the same slot at the same moment cannot both succeed.
    """
    actor.require(Action.BOOK)
    if start < now:
        raise InputError("a booking cannot start in the past")
    check_ahead(start, now, "--start")
    with db.write() as session:
        actor = current_actor(session, actor)
        actor.require(Action.BOOK)
        request = session.get(t.Request, request_id)
        if request is None:
            raise NotFound(f"no request {request_id}")
        task = session.exec(
            select(t.Task).where(t.Task.request_id == request_id, t.Task.key == task_key)
        ).first()
        if task is None:
            raise NotFound(f"request {request_id} has no task {task_key!r}")
        if request.status not in (RequestStatus.APPROVED, RequestStatus.SCHEDULED):
            raise Conflict(f"request {request_id} is {request.status.value}: approve it first")
        if task.shifts:  # who covers which shift is the planner's to work out
            raise InputError(f"task {task_key!r} is staffed in shifts: let schedule place it")
        snapshot = build_snapshot(session, now=now, start=start, weeks=2)
        key = solver_key(request_id, task_key)
        if key in snapshot.booked:
            raise Conflict(f"task {task_key!r} of request {request_id} is booked already")
        slot = snapshot.grid.floor(start)
        if snapshot.grid.at(slot) != start:
            raise InputError(f"bookings start on the {snapshot.grid.slot_minutes}-minute grid")
        needs = snapshot.problem.task[key].modes[0].needs
        if len(units) != len(needs):
            options = "; ".join(", ".join(need.candidates) for need in needs)
            raise InputError(
                f"task {task_key!r} needs {len(needs)} unit(s) in --units, one per equipment "
                f"need, {len(units)} given" + (f" (choose from: {options})" if needs else "")
            )
        assignments = dict(snapshot.problem.current)
        assignments[key] = Assignment(
            task=key, start=slot, units=tuple(units), people=tuple(people)
        )
        # A hand booking places one task: the rest of its request may follow later.
        problems = [
            v
            for v in validate(snapshot.problem, Plan(assignments=assignments, status="feasible"))
            if (v.task == key or key in v.refs) and v.rule != Rule.WHOLE_REQUEST
        ]
        if problems:
            raise Conflict(f"cannot book there: {problems[0]}")
        booking = t.Booking(
            task_id=task.id,
            start=start,
            end=start + dt.timedelta(minutes=task.duration),
            status=BookingStatus.LOCKED if lock else BookingStatus.CONFIRMED,
            created_at=now,
            created_by=actor.id,
        )
        session.add(booking)
        session.flush()
        write_booking_resources(session, booking, task, units, people)
        record(
            session,
            actor=actor.id,
            at=now,
            action="booking.add",
            record_type="booking",
            record_id=booking.id,
            summary=f"request {request_id} task {task_key} by hand",
            changes={"start": start, "units": units, "people": people, "locked": lock},
        )
        queue_booking_changes(
            session, [booking.id], what="booked by hand", by=actor, now=now, why="by hand", new=True
        )
        tasks = session.exec(select(t.Task.key).where(t.Task.request_id == request_id)).all()
        booked = {k for k in tasks if solver_key(request_id, k) in snapshot.booked} | {task_key}
        if request.status == RequestStatus.APPROVED and booked == set(tasks):
            why = f"booking {booking.id} by hand books its last task"
            set_request_status(
                session, request, RequestStatus.SCHEDULED, actor=actor.id, now=now, why=why
            )
        return booking.id
