"""What a schedule view draws: bookings, downtime and absences inside a window of time.

Only the window asked for is read, so a platform with years of history draws as quickly as
a new one. A booking of a project the actor may not see is plain busy time, as in the
calendar export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.window import longest_hold, overlapping
from labops.db import Database
from labops.errors import InputError, NotFound
from labops.fields import format_minutes
from labops.localtime import local_text, shift_list
from labops.permissions import Action, Actor
from labops.records.catalog import booking_shifts, platform_info, zone_note
from labops.usage.model import Usage, use_text
from labops.views import Detail
from labops.vocabulary import ACTIVE_BOOKING

View = Literal["unit", "person"]
BarKind = Literal["booking", "downtime", "absence"]
MAX_WINDOW = dt.timedelta(days=62)


@dataclass(frozen=True)
class Bar:
    """One span on a lane. ``project`` is None for busy time the actor may not see."""

    start: dt.datetime
    end: dt.datetime
    kind: BarKind
    label: str
    status: str = ""  # the booking's status, the downtime's or the absence's kind
    project: str | None = None
    booking_id: int | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class Lane:
    id: str
    title: str
    group: str  # the site (for people: their home site; "" when they have none)
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Timeline:
    start: dt.datetime
    end: dt.datetime
    timezone: str
    view: View
    groups: tuple[tuple[str, str], ...]  # (site id, site name), in lane order
    lanes: tuple[Lane, ...]
    zone_note: str = ""  # which zone the times are in, when a site keeps another


def timeline(
    db: Database, *, actor: Actor, start: dt.datetime, end: dt.datetime, view: View = "unit"
) -> Timeline:
    """The lanes of every unit (or person) with what occupies them in ``[start, end)``."""
    if end <= start:
        raise InputError("a timeline ends after it starts")
    if end - start > MAX_WINDOW:
        raise InputError("a timeline shows at most two months at a time")
    if view not in ("unit", "person"):
        raise InputError(f"unknown timeline view {view!r}: use unit or person")
    with db.read() as session:
        tz = platform_info(session).timezone
        note = zone_note(session, tz)
        sites = list(session.exec(select(t.Site).order_by(t.Site.id)))
        if view == "unit":
            lanes = _unit_lanes(session, actor, start, end)
        else:
            lanes = _person_lanes(session, actor, start, end)
    groups = [(site.id, site.name) for site in sites]
    if any(lane.group == "" for lane in lanes):
        groups.append(("", "No home site"))
    order = {site_id: index for index, (site_id, _) in enumerate(groups)}
    lanes.sort(key=lambda lane: order[lane.group])
    used = {lane.group for lane in lanes}
    return Timeline(
        start=start,
        end=end,
        timezone=tz,
        view=view,
        groups=tuple(g for g in groups if g[0] in used),
        lanes=tuple(lanes),
        zone_note=note,
    )


def _booking_bar(
    actor: Actor,
    booking: t.Booking,
    task: t.Task,
    request: t.Request,
    span: tuple[dt.datetime, dt.datetime],
    mine: set[int],
) -> Bar:
    if booking.id not in mine and not actor.can(Action.READ_PROJECT, request.project):
        return Bar(span[0], span[1], "booking", "busy", status=booking.status.value)
    return Bar(
        span[0],
        span[1],
        "booking",
        f"R{request.id} {task.key}",
        status=booking.status.value,
        project=request.project,
        booking_id=booking.id,
        request_id=request.id,
    )


def _live_bookings_query(link: Any, start: dt.datetime, end: dt.datetime, session: Session) -> Any:
    return (
        select(link, t.Booking, t.Task, t.Request)
        .join(t.Booking, t.Booking.id == link.booking_id)
        .join(t.Task, col(t.Task.id) == t.Booking.task_id)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        .where(
            overlapping(link.busy_start, link.busy_end, start, end, longest=longest_hold(session))
        )
        .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
        .order_by(link.busy_start)
    )


def _unit_lanes(session: Session, actor: Actor, start: dt.datetime, end: dt.datetime) -> list[Lane]:
    bars: dict[str, list[Bar]] = {}
    mine = _assigned(session, actor, start, end)
    for use, booking, task, request in session.exec(
        _live_bookings_query(t.BookingUnit, start, end, session)
    ):
        bar = _booking_bar(actor, booking, task, request, (booking.start, booking.end), mine)
        bars.setdefault(use.equipment_id, []).append(bar)
    for down in session.exec(
        select(t.Downtime).where(t.Downtime.start < end, t.Downtime.end > start)
    ):
        bars.setdefault(down.equipment_id, []).append(
            Bar(down.start, down.end, "downtime", down.reason or down.kind.value, down.kind.value)
        )
    units = session.exec(
        select(t.Equipment).order_by(t.Equipment.site, t.Equipment.kind, t.Equipment.id)
    )
    return [Lane(unit.id, unit.name, unit.site, _sorted(bars.get(unit.id, []))) for unit in units]


def _person_lanes(
    session: Session, actor: Actor, start: dt.datetime, end: dt.datetime
) -> list[Lane]:
    bars: dict[str, list[Bar]] = {}
    mine = _assigned(session, actor, start, end)
    for busy, booking, task, request in session.exec(
        _live_bookings_query(t.BookingPerson, start, end, session)
    ):
        span = (busy.busy_start, busy.busy_end)
        bar = _booking_bar(actor, booking, task, request, span, mine)
        bars.setdefault(busy.person_id, []).append(bar)
    for absence in session.exec(
        select(t.Absence).where(t.Absence.start < end, t.Absence.end > start)
    ):
        bars.setdefault(absence.person_id, []).append(
            Bar(absence.start, absence.end, "absence", absence.kind.value, absence.kind.value)
        )
    people = session.exec(select(t.Person).order_by(t.Person.home_site, t.Person.id))
    return [Lane(p.id, p.name, p.home_site or "", _sorted(bars.get(p.id, []))) for p in people]


def _assigned(session: Session, actor: Actor, start: dt.datetime, end: dt.datetime) -> set[int]:
    """Bookings the actor works on in the window: theirs to see in full."""
    return set(
        session.exec(
            select(t.BookingPerson.booking_id).where(
                t.BookingPerson.person_id == actor.id,
                overlapping(
                    t.BookingPerson.busy_start,
                    t.BookingPerson.busy_end,
                    start,
                    end,
                    longest=longest_hold(session),
                ),
            )
        )
    )


def _sorted(bars: list[Bar]) -> tuple[Bar, ...]:
    return tuple(sorted(bars, key=lambda bar: (bar.start, bar.end, bar.kind)))


def booking_info(db: Database, *, actor: Actor, booking_id: int) -> Detail:
    """A booking as a person selecting it sees it: task, request, units and team."""
    with db.read() as session:
        tz = platform_info(session).timezone
        booking = session.get(t.Booking, booking_id)
        if booking is None:
            raise NotFound(f"no booking {booking_id}")
        task = session.get_one(t.Task, booking.task_id)
        request = session.get_one(t.Request, task.request_id)
        on_it = (
            session.exec(
                select(t.BookingPerson.booking_id).where(
                    t.BookingPerson.booking_id == booking_id, t.BookingPerson.person_id == actor.id
                )
            ).first()
            is not None
        )
        if not on_it:
            actor.require(Action.READ_PROJECT, request.project)
        units = session.exec(
            select(t.BookingUnit.equipment_id, t.Equipment.name)
            .join(t.Equipment, col(t.Equipment.id) == t.BookingUnit.equipment_id)
            .where(t.BookingUnit.booking_id == booking_id)
            .order_by(col(t.BookingUnit.position))
        ).all()
        team = session.exec(
            select(t.Person)
            .join(t.BookingPerson, col(t.BookingPerson.person_id) == t.Person.id)
            .where(t.BookingPerson.booking_id == booking_id)
            .order_by(t.Person.id)
            .distinct()
        ).all()
        shifts = booking_shifts(session, [booking_id])[booking_id]
        staffed = (
            format_minutes(task.staff_for) + " staffed, then unattended"
            if task.staff_for is not None
            else "staffed throughout, in shifts"
            if task.shifts
            else "attended throughout"
        )
        return Detail(
            f"Booking {booking.id}",
            [
                ("status", booking.status.value),
                ("when", f"{local_text(booking.start, tz)} - {local_text(booking.end, tz)}"),
                ("task", f"{task.key} {task.name}".strip()),
                ("duration", f"{format_minutes(task.duration)}, {staffed}"),
                ("due", local_text(task.due, tz) or "-"),
                ("request", f"R{request.id} {request.title}"),
                ("request status", request.status.value),
                ("project", request.project),
                ("units", ", ".join(f"{unit} ({name})" for unit, name in units)),
                ("team", ", ".join(f"{p.name} ({p.role.value})" for p in team) or "-"),
                *([("shifts", shift_list(shifts, tz))] if shifts else []),
                ("used", use_text(session.get(Usage, booking.id), tz) or "-"),
                ("created", f"{local_text(booking.created_at, tz)} by {booking.created_by}"),
            ],
        )


def booking_start(db: Database, *, booking_id: int) -> dt.datetime:
    """When a booking starts: where a schedule view opens to show it."""
    with db.read() as session:
        booking = session.get(t.Booking, booking_id)
        if booking is None:
            raise NotFound(f"no booking {booking_id}")
        return booking.start
