"""The report's reads: one indexed range query per booking table for all the weeks shown.

Bookings are found by their busy spans overlapping ``[start, end)``. An overlap test alone
(``busy_end > start AND busy_start < end``) would scan the index from the beginning of time,
so the start is also bounded below by the longest a booking can last (the longest task plus
the longest setup and cleanup): a year of history then costs only the weeks asked for.

Booking status is checked in Python, not in SQL: given ``status IN (...)``, SQLite drives the
query from the status index, which matches nearly every booking of the year, instead of
from the time range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.vocabulary import ACTIVE_BOOKING, RequestStatus

OPEN_REQUEST = (RequestStatus.SUBMITTED, RequestStatus.APPROVED, RequestStatus.SCHEDULED)
"""Requests whose unbooked tasks are demand not yet served."""
WAITING_REQUEST = (RequestStatus.SUBMITTED, RequestStatus.APPROVED)


@dataclass(frozen=True, slots=True)
class UnitHold:
    """A live booking's hold on a unit: busy from setup to cleanup, charged start to end."""

    booking: int
    task: int
    project: str
    unit: str
    amount: int
    busy_start: dt.datetime
    busy_end: dt.datetime
    start: dt.datetime
    end: dt.datetime
    # Recorded use (labops.usage): checked in and out, or a no-show (a cancelled booking).
    use_start: dt.datetime | None = None
    use_end: dt.datetime | None = None
    no_show: bool = False


@dataclass(frozen=True, slots=True)
class PersonHold:
    """A person's busy span on a live booking."""

    booking: int
    person: str
    busy_start: dt.datetime
    busy_end: dt.datetime


@dataclass(frozen=True, slots=True)
class BookedTask:
    """A live booking of a task: start to end, without setup and cleanup."""

    booking: int
    task: int
    project: str
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class OpenTask:
    """A task of an open request with no live booking."""

    task: int
    request: int
    project: str
    minutes: int
    earliest: dt.datetime | None
    due: dt.datetime | None
    submitted: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Need:
    """One equipment need of a task: a specific unit, or any unit of a kind (at a site)."""

    task: int
    unit: str | None
    kind: str | None
    site: str | None
    amount: int


def unit_holds(
    session: Session,
    unit_ids: Iterable[str],
    start: dt.datetime,
    end: dt.datetime,
    *,
    longest: dt.timedelta,
) -> list[UnitHold]:
    """Live bookings' holds on ``unit_ids`` whose busy span overlaps ``[start, end)``."""
    bu = t.BookingUnit
    rows = session.connection().execute(
        select(  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
            bu.booking_id,
            t.Booking.task_id,
            t.Request.project,
            bu.equipment_id,
            bu.amount,
            bu.busy_start,
            bu.busy_end,
            t.Booking.start,
            t.Booking.end,
            t.Usage.start,
            t.Usage.end,
            t.Usage.no_show,
            t.Booking.status,
        )
        .join(t.Booking, t.Booking.id == bu.booking_id)
        .join(t.Task, t.Task.id == t.Booking.task_id)
        .join(t.Request, t.Request.id == t.Task.request_id)
        .outerjoin(t.Usage, t.Usage.booking_id == bu.booking_id)
        .where(
            col(bu.equipment_id).in_(list(unit_ids)),
            bu.busy_start < end,
            bu.busy_start >= start - longest,
            bu.busy_end > start,
        )
    )
    # Use counts once checked out: a running use (no end yet) is still the plan's.
    return [
        UnitHold(
            booking,
            task,
            project,
            unit,
            amount,
            busy_start,
            busy_end,
            planned_start,
            planned_end,
            use_start=use_start if use_end else None,
            use_end=use_end,
            no_show=bool(no_show),
        )
        for (
            booking,
            task,
            project,
            unit,
            amount,
            busy_start,
            busy_end,
            planned_start,
            planned_end,
            use_start,
            use_end,
            no_show,
            status,
        ) in rows
        if status in ACTIVE_BOOKING or no_show
    ]


def person_holds(
    session: Session,
    person_ids: Iterable[str],
    start: dt.datetime,
    end: dt.datetime,
    *,
    longest: dt.timedelta,
) -> list[PersonHold]:
    """Live bookings' spans of ``person_ids`` overlapping ``[start, end)``."""
    bp = t.BookingPerson
    rows = session.connection().execute(
        select(bp.booking_id, bp.person_id, bp.busy_start, bp.busy_end, t.Booking.status)  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
        .join(t.Booking, t.Booking.id == bp.booking_id)
        .where(
            col(bp.person_id).in_(list(person_ids)),
            bp.busy_start < end,
            bp.busy_start >= start - longest,
            bp.busy_end > start,
        )
    )
    return [PersonHold(*row[:-1]) for row in rows if row[-1] in ACTIVE_BOOKING]


def booked_tasks(
    session: Session, start: dt.datetime, end: dt.datetime, *, longest: dt.timedelta
) -> list[BookedTask]:
    """Live bookings overlapping ``[start, end)``, with their task's project."""
    rows = session.connection().execute(
        select(  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
            t.Booking.id,
            t.Booking.task_id,
            t.Request.project,
            t.Booking.start,
            t.Booking.end,
            t.Booking.status,
        )
        .join(t.Task, t.Task.id == t.Booking.task_id)
        .join(t.Request, t.Request.id == t.Task.request_id)
        .where(t.Booking.start < end, t.Booking.start >= start - longest, t.Booking.end > start)
    )
    return [BookedTask(*row[:-1]) for row in rows if row[-1] in ACTIVE_BOOKING]


def open_tasks(session: Session, start: dt.datetime, end: dt.datetime) -> list[OpenTask]:
    """Tasks of submitted, approved or scheduled requests that have no live booking and may
    be demand of the week ``[start, end)``: due in it (``start < due <= end``) or undated."""
    live = (
        select(t.Booking.id)
        .where(t.Booking.task_id == t.Task.id, col(t.Booking.status).in_(ACTIVE_BOOKING))
        .exists()
    )
    rows = session.connection().execute(
        select(  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
            t.Task.id,
            t.Task.request_id,
            t.Request.project,
            t.Task.duration,
            t.Task.earliest,
            t.Task.due,
            t.Request.submitted,
        )
        .join(t.Request, t.Request.id == t.Task.request_id)
        .where(
            col(t.Request.status).in_(OPEN_REQUEST),
            sa.or_(
                col(t.Task.due).is_(None), sa.and_(col(t.Task.due) > start, col(t.Task.due) <= end)
            ),
            ~live,
        )
    )
    return [OpenTask(*row) for row in rows]


def task_needs(session: Session, task_ids: Iterable[int]) -> list[Need]:
    """The equipment needs of ``task_ids``."""
    te = t.TaskEquipment
    needs: list[Need] = []
    for chunk in _chunks(sorted(set(task_ids))):
        needs += [
            Need(*row)
            for row in session.connection().execute(
                select(te.task_id, te.unit, te.kind, te.site, te.amount)  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
                .where(col(te.task_id).in_(chunk))
                .order_by(te.id)
            )
        ]
    return needs


def waiting_needs(session: Session) -> list[Need]:
    """The equipment needs of every task of a submitted or approved request, in one query
    (thousands of waiting tasks would take dozens of ``task_needs`` chunks)."""
    te = t.TaskEquipment
    return [
        Need(*row)
        for row in session.connection().execute(
            select(te.task_id, te.unit, te.kind, te.site, te.amount)  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
            .join(t.Task, t.Task.id == te.task_id)
            .join(t.Request, t.Request.id == t.Task.request_id)
            .where(col(t.Request.status).in_(WAITING_REQUEST))
            .order_by(te.id)
        )
    ]


@dataclass(frozen=True, slots=True)
class WaitingRow:
    request: int
    project: str
    title: str
    status: str
    submitted: dt.datetime | None
    approved: dt.datetime | None
    minutes: int
    due: dt.datetime | None
    tasks: tuple[int, ...]


def waiting_requests(session: Session) -> list[WaitingRow]:
    """Submitted and approved requests, with their tasks' total minutes and earliest due.
    Read as plain columns: a platform may have thousands waiting."""
    r = t.Request
    requests = (
        session.connection()
        .execute(
            select(r.id, r.project, r.title, r.status, r.submitted, r.decided_at)  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
            .where(col(r.status).in_(WAITING_REQUEST))
            .order_by(r.id)
        )
        .all()
    )
    tasks: dict[int, list[tuple[int, int, dt.datetime | None]]] = {row.id: [] for row in requests}
    for chunk in _chunks(list(tasks)):
        for request_id, task_id, minutes, due in session.connection().execute(
            select(t.Task.request_id, t.Task.id, t.Task.duration, t.Task.due)
            .where(col(t.Task.request_id).in_(chunk))
            .order_by(col(t.Task.id))
        ):
            tasks[request_id].append((task_id, minutes, due))
    rows = []
    for request_id, project, title, status, submitted, decided in requests:
        own = tasks[request_id]
        dues = [due for _, _, due in own if due is not None]
        rows.append(
            WaitingRow(
                request=request_id,
                project=project,
                title=title,
                status=RequestStatus(status).value,
                submitted=submitted,
                approved=decided if status == RequestStatus.APPROVED else None,
                minutes=sum(minutes for _, minutes, _ in own),
                due=min(dues) if dues else None,
                tasks=tuple(task_id for task_id, _, _ in own),
            )
        )
    return rows


def _chunks(ids: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
