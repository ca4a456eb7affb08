"""Bookings as iCalendar files, so people see them in their own calendar programs.

Each booking is one event with a stable UID (``booking-<id>@labops``) and a SEQUENCE that
grows with every change of its time, units, people or status (``booking.sequence``), so a
calendar program that imports a newer export moves the event instead of keeping the old
one; bookings cancelled in the last ``CANCELLED_DAYS`` days are written as
STATUS:CANCELLED, so it removes them instead of leaving ghosts. A file of one person's
assignments is a feed a calendar can subscribe to (it says how often to fetch it again).
Someone who may not see a booking's project gets it as plain busy time.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from labops import tables as t
from labops.db import Database
from labops.errors import InputError, NotFound
from labops.localtime import shift_list
from labops.permissions import Action, Actor
from labops.records.catalog import booking_resources, booking_shifts, platform_info
from labops.vocabulary import ACTIVE_BOOKING, BookingStatus

_STATUS = {
    BookingStatus.PROPOSED: "TENTATIVE",
    BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.LOCKED: "CONFIRMED",
    BookingStatus.DONE: "CONFIRMED",
    BookingStatus.CANCELLED: "CANCELLED",
}
CANCELLED_DAYS = 60  # how long a cancelled booking stays in the files, to remove it there
REFRESH = dt.timedelta(hours=1)  # how often a subscribed calendar fetches the feed again


def _events(rows: list, shifts: dict, person: str | None) -> list[tuple]:
    """(booking, task, request, uid, start, end) per event: one per booking, except that a
    person's own shifts on a task in shifts are events of their own, at the shift's times."""
    out = []
    for booking, task, request in rows:
        mine = [(k, lo, hi) for k, (p, lo, hi) in enumerate(shifts[booking.id], 1) if p == person]
        if not mine:
            uid = f"booking-{booking.id}@labops"
            out.append((booking, task, request, uid, booking.start, booking.end))
        for k, lo, hi in mine:
            out.append((booking, task, request, f"booking-{booking.id}-shift-{k}@labops", lo, hi))
    return out


def export_calendar(
    db: Database,
    *,
    actor: Actor,
    now: dt.datetime,
    equipment: str | None = None,
    person: str | None = None,
    project: str | None = None,
) -> bytes:
    """An .ics of the live bookings of one unit, person or project."""
    if sum(x is not None for x in (equipment, person, project)) != 1:
        raise InputError("choose one of --equipment, --person or --project")
    with db.read() as session:
        recently = now - dt.timedelta(days=CANCELLED_DAYS)
        query = (
            select(t.Booking, t.Task, t.Request)
            .join(t.Task, col(t.Task.id) == t.Booking.task_id)
            .join(t.Request, col(t.Request.id) == t.Task.request_id)
            .where(
                col(t.Booking.status).in_(ACTIVE_BOOKING)
                | ((t.Booking.status == BookingStatus.CANCELLED) & (t.Booking.end >= recently))
            )
            .order_by(col(t.Booking.start), col(t.Booking.id))
        )
        if equipment is not None:
            if session.get(t.Equipment, equipment) is None:
                raise NotFound(f"no equipment unit {equipment!r}")
            query = query.where(
                col(t.Booking.id).in_(
                    select(t.BookingUnit.booking_id).where(t.BookingUnit.equipment_id == equipment)
                )
            )
            name = f"labops: {equipment}"
        elif person is not None:
            if session.get(t.Person, person) is None:
                raise NotFound(f"no person {person!r}")
            query = query.where(
                col(t.Booking.id).in_(
                    select(t.BookingPerson.booking_id).where(t.BookingPerson.person_id == person)
                )
            )
            name = f"labops: {person}"
        else:
            if session.get(t.Project, project) is None:
                raise NotFound(f"no project {project!r}")
            actor.require(Action.READ_PROJECT, project)
            query = query.where(t.Request.project == project)
            name = f"labops: project {project}"
        rows = list(session.exec(query))
        units, people = booking_resources(session, [b.id for b, _, _ in rows])
        shifts = booking_shifts(session, [b.id for b, _, _ in rows])
        tz = platform_info(session).timezone
        sites = {u.id: u.site for u in session.exec(select(t.Equipment))}

    import icalendar  # a tenth of a second to import: only when exporting

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//labops//lab platform bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("method", "PUBLISH")
    # For subscriptions: RFC 7986's refresh interval and its older Microsoft spelling.
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for booking, task, request, uid, start, end in _events(rows, shifts, person):
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("sequence", booking.sequence)
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", end)
        # People always see their own assignments; others need rights on the project.
        details = person == actor.id or actor.can(Action.READ_PROJECT, request.project)
        if details:
            title = task.name or task.key
            event.add("summary", f"{title} ({request.project}, request {request.id})")
            event.add(
                "description",
                f"Request {request.id}: {request.title}\n"
                f"Units: {', '.join(units[booking.id])}\n"
                f"People: {', '.join(people[booking.id])}\n"
                + (f"Shifts: {shift_list(shifts[booking.id], tz)}\n" if shifts[booking.id] else "")
                + f"Status: {booking.status.value}",
            )
            event.add("status", _STATUS[booking.status])
            if units[booking.id]:
                event.add("location", sites.get(units[booking.id][0], ""))
        else:
            event.add("summary", "busy")
            event.add("class", "PRIVATE")
            if booking.status == BookingStatus.CANCELLED:  # so the busy time goes away too
                event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()


def person_feeds(db: Database, *, actor: Actor, now: dt.datetime) -> dict[str, bytes]:
    """One feed per person of the platform (``person id -> .ics``), to publish where each
    person's calendar subscribes to theirs (operators and admins)."""
    actor.require(Action.READ_ALL)
    with db.read() as session:
        people = list(session.exec(select(t.Person.id).order_by(t.Person.id)))
    return {person: export_calendar(db, actor=actor, now=now, person=person) for person in people}
