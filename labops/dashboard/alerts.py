"""What needs an operator's care soon: downtime that hits bookings, certificates that lapse
before a booking, tasks due within a week and not planned, bookings that end after their due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.window import overlapping
from labops.localtime import to_local, when
from labops.records.catalog import booking_resources
from labops.vocabulary import BookingStatus, RequestStatus

LOOK_AHEAD = dt.timedelta(days=7)


NOT_YET_DONE = (BookingStatus.PROPOSED, BookingStatus.CONFIRMED, BookingStatus.LOCKED)


class AlertKind(StrEnum):
    DOWNTIME = "downtime"
    CERTIFICATION = "certification"
    DUE = "due date"


SEVERITY = {AlertKind.DOWNTIME: 0, AlertKind.CERTIFICATION: 1, AlertKind.DUE: 2}


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    message: str
    when: dt.datetime  # alerts are shown soonest first
    project: str
    booking_id: int | None = None
    request_id: int | None = None


def current_alerts(
    session: Session, now: dt.datetime, tz: str, longest: dt.timedelta
) -> list[Alert]:
    """Every alert, unsorted and for every project: downtime, certificates, due dates."""
    return [
        *_downtime_alerts(session, now, tz, longest),
        *_certification_alerts(session, now, tz, longest),
        *_due_alerts(session, now, tz, longest),
    ]


def _downtime_alerts(
    session: Session, now: dt.datetime, tz: str, longest: dt.timedelta
) -> list[Alert]:
    """Downtime overlapping a unit's use by a booking that has not ended."""
    rows = session.exec(
        select(t.Downtime, t.Booking, t.Task, t.Request)
        .join(
            t.BookingUnit,
            sa.and_(
                col(t.BookingUnit.equipment_id) == t.Downtime.equipment_id,
                col(t.BookingUnit.busy_start) < t.Downtime.end,
                col(t.BookingUnit.busy_end) > t.Downtime.start,
            ),
        )
        .join(t.Booking, col(t.Booking.id) == t.BookingUnit.booking_id)
        .join(t.Task, col(t.Task.id) == t.Booking.task_id)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        # not ended yet, so begun at most the longest booking ago: years of history stay out
        .where(t.Downtime.end > now, t.Booking.end > now, t.Booking.start >= now - longest)
        .where(col(t.Booking.status).in_(NOT_YET_DONE))
        .order_by(col(t.Booking.start))
    )
    return [
        Alert(
            AlertKind.DOWNTIME,
            f"{down.equipment_id} is down ({down.reason or down.kind.value}) during booking "
            f"{booking.id}, R{task.request_id} {task.key} on {when(booking.start, tz)}: "
            "run a repair plan",
            booking.start,
            request.project,
            booking_id=booking.id,
            request_id=request.id,
        )
        for down, booking, task, request in rows
    ]


def _certification_alerts(
    session: Session, now: dt.datetime, tz: str, longest: dt.timedelta
) -> list[Alert]:
    """Upcoming bookings of units that need a certified operator and have none that day."""
    rows = list(
        session.exec(
            select(t.Booking, t.Request, t.Equipment)
            .join(t.BookingUnit, col(t.BookingUnit.booking_id) == t.Booking.id)
            .join(t.Equipment, col(t.Equipment.id) == t.BookingUnit.equipment_id)
            .join(t.Task, col(t.Task.id) == t.Booking.task_id)
            .join(t.Request, col(t.Request.id) == t.Task.request_id)
            .where(
                overlapping(t.Booking.start, t.Booking.end, now, now + LOOK_AHEAD, longest=longest)
            )
            .where(col(t.Booking.status).in_(NOT_YET_DONE))
            .where(col(t.Equipment.certified_operator).is_(True))
            .order_by(col(t.Booking.start), col(t.Booking.id))
        )
    )
    _, people = booking_resources(session, [b.id for b, _, _ in rows])
    staff = {p for names in people.values() for p in names}
    expires = {
        (c.person_id, c.kind_id): c.expires
        for c in session.exec(
            select(t.Certification).where(col(t.Certification.person_id).in_(staff))
        )
    }
    alerts = []
    for booking, request, unit in rows:
        day = to_local(booking.start, tz).date()
        crew = people[booking.id]
        if any(expires.get((p, unit.kind), dt.date.min) >= day for p in crew):
            continue
        lapsed = [
            f"{p}'s expired {expires[p, unit.kind].isoformat()}"
            for p in crew
            if (p, unit.kind) in expires
        ]
        why = "; ".join(lapsed) if lapsed else "nobody on it is certified"
        alerts.append(
            Alert(
                AlertKind.CERTIFICATION,
                f"booking {booking.id} on {unit.id}, {when(booking.start, tz)}: no valid "
                f"{unit.kind} certification ({why})",
                booking.start,
                request.project,
                booking_id=booking.id,
                request_id=request.id,
            )
        )
    return alerts


def _due_alerts(session: Session, now: dt.datetime, tz: str, longest: dt.timedelta) -> list[Alert]:
    """Tasks due within a week and not planned yet, and bookings that end after their due."""
    waiting = session.exec(
        select(t.Task, t.Request)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        .where(col(t.Request.status).in_((RequestStatus.SUBMITTED, RequestStatus.APPROVED)))
        .where(col(t.Task.due).is_not(None), col(t.Task.due) < now + LOOK_AHEAD)
        .order_by(col(t.Task.due))
    )
    first: dict[int, tuple[t.Task, t.Request, int]] = {}
    for task, request in waiting:
        earliest, _, count = first.get(request.id, (task, request, 0))
        first[request.id] = (earliest, request, count + 1)
    alerts = [
        Alert(
            AlertKind.DUE,
            f"R{request.id} {task.key}"
            + (f" and {count - 1} more tasks" if count > 1 else "")
            + f" due {when(_due(task), tz)}"
            + (" (hard)" if task.due_hard else "")
            + f", and the request is still {request.status.value}",
            _due(task),
            request.project,
            request_id=request.id,
        )
        for task, request, count in first.values()
    ]
    late = session.exec(
        select(t.Booking, t.Task, t.Request)
        .join(t.Task, col(t.Task.id) == t.Booking.task_id)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        .where(col(t.Task.due).is_not(None), col(t.Booking.end) > t.Task.due)
        .where(t.Booking.end > now, t.Booking.start >= now - longest)
        .where(col(t.Booking.status).in_(NOT_YET_DONE))
        .order_by(col(t.Booking.start))
    )
    alerts += [
        Alert(
            AlertKind.DUE,
            f"booking {booking.id}, R{task.request_id} {task.key}, ends "
            f"{when(booking.end, tz)}, after its due date {when(_due(task), tz)}",
            booking.start,
            request.project,
            booking_id=booking.id,
            request_id=request.id,
        )
        for booking, task, request in late
    ]
    return alerts


# --- a project lead's overview -----------------------------------------------------------


def _due(task: t.Task) -> dt.datetime:
    """The due date of a task the query kept for having one."""
    assert task.due is not None
    return task.due
