"""What bookings cost: hours x hourly rate x units of capacity, per project."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.vocabulary import ACTIVE_BOOKING


def committed_cents(session: Session) -> dict[str, int]:
    """Cents committed per project by all live bookings (each booking unit rounded to the
    cent), grouped in SQL so that a year of bookings is not read row by row. A booking lasts
    its task's duration (the loader, the planner and hand bookings all keep it so), which
    lets the query skip the bookings' times."""
    bu = t.BookingUnit
    rows = session.connection().execute(
        select(
            t.Request.project,
            t.Task.duration,
            bu.amount,
            t.Equipment.hourly_rate,
            t.Booking.status,
            sa.func.count(),
        )
        .join(t.Booking, t.Booking.id == bu.booking_id)
        .join(t.Task, t.Task.id == t.Booking.task_id)
        .join(t.Request, t.Request.id == t.Task.request_id)
        .join(t.Equipment, t.Equipment.id == bu.equipment_id)
        .group_by(
            t.Request.project,
            t.Task.duration,
            bu.amount,
            t.Equipment.hourly_rate,
            t.Booking.status,
        )
    )
    spent: dict[str, int] = defaultdict(int)
    for project, minutes, amount, rate, status, count in rows:
        # Status is checked here, not in SQL: with it in the query SQLite picks the status
        # index, which covers nearly every booking of a year.
        if status in ACTIVE_BOOKING:
            spent[project] += count * unit_cost(rate, amount, minutes)
    return dict(spent)


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
        .join(t.Booking, t.Booking.id == t.BookingUnit.booking_id)
        .join(t.Task, t.Task.id == t.Booking.task_id)
        .join(t.Request, t.Request.id == t.Task.request_id)
        .join(t.Equipment, t.Equipment.id == t.BookingUnit.equipment_id)
        .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
        .where(col(t.Task.id).in_(list(exclude_tasks)))
    )
    for project, minutes, amount, rate in rows:
        spent[project] -= unit_cost(rate, amount, minutes)
    return dict(spent)
