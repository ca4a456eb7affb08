"""What bookings cost: hours x hourly rate x units of capacity, per project."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from labops import tables as t
from labops.vocabulary import ACTIVE_BOOKING


def booking_costs(session: Session, *, exclude_tasks: set[int] | None = None) -> dict[str, int]:
    """Cents committed per project by live bookings (units' rate x amount x booked hours),
    leaving out the bookings of ``exclude_tasks``."""
    spent: dict[str, int] = defaultdict(int)
    exclude = exclude_tasks or set()
    rows = session.exec(
        select(
            t.Task.id,
            t.Request.project_id,
            t.Booking.start,
            t.Booking.end,
            t.BookingUnit.amount,
            t.Equipment.hourly_rate_cents,
        )
        .join(t.Booking, t.Booking.id == t.BookingUnit.booking_id)
        .join(t.Task, t.Task.id == t.Booking.task_id)
        .join(t.Request, t.Request.id == t.Task.request_id)
        .join(t.Equipment, t.Equipment.id == t.BookingUnit.equipment_id)
        .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
    )
    for task_id, project_id, start, end, amount, rate in rows:
        if task_id in exclude:
            continue
        spent[project_id] += round(rate * amount * (end - start).total_seconds() / 3600)
    return spent
