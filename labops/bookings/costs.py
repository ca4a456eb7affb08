"""What bookings cost: hours x hourly rate x units of capacity, per project."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.vocabulary import ACTIVE_BOOKING


def committed_cents(session: Session) -> dict[str, int]:
    """Cents committed per project by all live bookings (each booking unit rounded to the
    cent, as ``unit_cost`` rounds), summed in SQL: years of bookings come back as one row
    per project. A booking lasts its task's duration (the loader, the planner and hand
    bookings all keep it so), which lets the query skip the bookings' times."""
    bu = t.BookingUnit
    rows = session.connection().execute(
        select(
            t.Request.project,
            sa.func.sum(_rounded_cents(t.Equipment.hourly_rate * bu.amount * t.Task.duration)),
        )
        .select_from(bu)
        .join(t.Booking, col(t.Booking.id) == bu.booking_id)
        .join(t.Task, col(t.Task.id) == t.Booking.task_id)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        .join(t.Equipment, col(t.Equipment.id) == bu.equipment_id)
        .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
        .group_by(t.Request.project)
    )
    return {project: int(cents) for project, cents in rows}


def _big(value: Any) -> Any:
    """In 64 bits: a rate times hours of units overflows PostgreSQL's 32-bit integers."""
    return sa.cast(value, sa.BigInteger)


def _rounded_cents(cent_minutes: Any) -> Any:
    """``round(cent_minutes / 60)`` in SQL, exactly as Python rounds (halves to even), in
    integers on both SQLite and PostgreSQL."""
    whole, rest = cent_minutes // 60, cent_minutes % 60
    up = sa.or_(rest > 30, sa.and_(rest == 30, whole % 2 == 1))
    return whole + sa.case((up, 1), else_=0)


def unit_cost(rate_cents: int, amount: int, minutes: float) -> int:
    """Cents for holding ``amount`` capacity of a unit at ``rate_cents`` an hour."""
    return round(rate_cents * amount * minutes / 60)


def booking_costs(session: Session, *, exclude_tasks: set[int] | None = None) -> dict[str, int]:
    """Cents committed per project by live bookings, leaving out those of ``exclude_tasks``
    (the tasks a plan is about to re-place)."""
    spent = defaultdict(int, committed_cents(session))
    if not exclude_tasks:
        return dict(spent)
    rows = session.exec(
        select(
            t.Request.project,
            t.Task.duration,
            t.BookingUnit.amount,
            t.Equipment.hourly_rate,
        )
        .join(t.Booking, col(t.Booking.id) == t.BookingUnit.booking_id)
        .join(t.Task, col(t.Task.id) == t.Booking.task_id)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        .join(t.Equipment, col(t.Equipment.id) == t.BookingUnit.equipment_id)
        .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
        .where(col(t.Task.id).in_(list(exclude_tasks)))
    )
    for project, minutes, amount, rate in rows:
        spent[project] -= unit_cost(rate, amount, minutes)
    return dict(spent)
