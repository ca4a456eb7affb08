"""Bookings and downtime as operators handle them day to day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from labops import tables as t
from labops.audit import record
from labops.db import Database
from labops.errors import Conflict, InputError, NotFound
from labops.permissions import Action, Actor
from labops.services.catalog import booking_resources, local_text, platform_info
from labops.views import Listing, columns
from labops.vocabulary import ACTIVE_BOOKING, BookingStatus, DowntimeKind

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


def change_booking(
    db: Database, *, actor: Actor, booking_id: int, operation: str, now: dt.datetime, note: str = ""
) -> BookingStatus:
    """Confirm, lock, unlock, cancel or finish a booking; returns its new status.

    A cancelled booking frees its units and people at once; its request stays scheduled
    and the next ``labops schedule`` places the task again or fills the slot with others.
    """
    if operation not in _TRANSITIONS:
        raise InputError(f"unknown booking operation {operation!r}: use {', '.join(OPERATIONS)}")
    actor.require(Action.BOOK)
    target, allowed = _TRANSITIONS[operation]
    with db.write() as session:
        booking = session.get(t.Booking, booking_id)
        if booking is None:
            raise NotFound(f"no booking {booking_id}")
        if booking.status not in allowed:
            raise Conflict(
                f"booking {booking_id} is {booking.status.value}: it cannot be {target.value}"
            )
        if operation == "done" and booking.end > now:
            raise Conflict(f"booking {booking_id} has not ended yet")
        old = booking.status
        booking.status = target
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
        return target


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
    with db.write() as session:
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
        return DowntimeAdded(downtime.id, hit)


def remove_downtime(db: Database, *, actor: Actor, downtime_id: int, now: dt.datetime) -> None:
    actor.require(Action.DOWNTIME)
    with db.write() as session:
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
            .join(t.BookingUnit, t.BookingUnit.booking_id == t.Booking.id)
            .join(t.Task, t.Task.id == t.Booking.task_id)
            .where(t.BookingUnit.equipment_id == unit_id)
            .where(t.BookingUnit.busy_start < end, t.BookingUnit.busy_end > start)
            .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
            .order_by(t.Booking.start)
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
