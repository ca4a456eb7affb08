"""What a plan depends on, as one digest: a commit that finds it changed refuses the plan."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from sqlmodel import Session, col, select

from labops import tables as t


def fingerprint(session: Session, since: dt.datetime, request_ids: list[int]) -> str:
    """A digest of what a plan from ``since`` depends on: bookings, downtime, absences and
    the planned requests' statuses. A commit re-computes it inside its transaction, so a
    plan made stale by another operator is refused instead of written."""
    digest = hashlib.sha256()
    rows: Iterable = session.exec(
        select(t.Booking.id, t.Booking.start, t.Booking.end, t.Booking.status)
        .where(t.Booking.end > since)
        .order_by(col(t.Booking.id))
    )
    for row in rows:
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.BookingUnit.booking_id, t.BookingUnit.equipment_id)
        .where(t.BookingUnit.busy_end > since)
        .order_by(col(t.BookingUnit.booking_id), col(t.BookingUnit.position))
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(
            t.BookingPerson.booking_id,
            t.BookingPerson.person_id,
            t.BookingPerson.shift,
            t.BookingPerson.busy_start,
        )
        .where(t.BookingPerson.busy_end > since)
        .order_by(
            col(t.BookingPerson.booking_id),
            col(t.BookingPerson.person_id),
            col(t.BookingPerson.shift),
        )
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.Downtime.id, t.Downtime.start, t.Downtime.end)
        .where(t.Downtime.end > since)
        .order_by(col(t.Downtime.id))
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.Absence.id, t.Absence.start, t.Absence.end)
        .where(t.Absence.end > since)
        .order_by(col(t.Absence.id))
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.Request.id, t.Request.status)
        .where(col(t.Request.id).in_(request_ids))
        .order_by(col(t.Request.id))
    ):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
