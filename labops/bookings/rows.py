"""The rows that say which units and people a booking holds, and from when to when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session, col, select

from labops import tables as t


def write_booking_resources(
    session: Session,
    booking: t.Booking,
    task: t.Task,
    units: list[str] | tuple[str, ...],
    people: list[str] | tuple[str, ...],
    shifts: Iterable[tuple[str, dt.datetime, dt.datetime]] = (),
) -> None:
    """Add a booking's unit rows (occupied from setup to cleanup) and person rows (busy over
    the staffed part: the whole task, or an unattended task's staffed setup; on a task in
    shifts, one row per shift, numbered from 1 in time order, busy over that shift)."""
    needs = list(
        session.exec(
            select(t.TaskEquipment)
            .where(t.TaskEquipment.task_id == task.id)
            .order_by(col(t.TaskEquipment.id))
        )
    )
    for position, unit_id in enumerate(units):
        unit = session.get_one(t.Equipment, unit_id)
        session.add(
            t.BookingUnit(
                booking_id=booking.id,
                position=position,
                equipment_id=unit_id,
                amount=needs[position].amount if position < len(needs) else 1,
                busy_start=booking.start - dt.timedelta(minutes=unit.setup),
                busy_end=booking.end + dt.timedelta(minutes=unit.cleanup),
            )
        )
    staffed = task.staff_for if task.staff_for is not None else task.duration
    for person_id in people:
        session.add(
            t.BookingPerson(
                booking_id=booking.id,
                person_id=person_id,
                busy_start=booking.start,
                busy_end=booking.start + dt.timedelta(minutes=staffed),
            )
        )
    for k, (person_id, lo, hi) in enumerate(sorted(shifts, key=lambda s: (s[1], s[0])), 1):
        session.add(
            t.BookingPerson(
                booking_id=booking.id, person_id=person_id, shift=k, busy_start=lo, busy_end=hi
            )
        )
