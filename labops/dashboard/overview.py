"""The day at a glance: what runs now and next per site, this week's use, what needs care.

An operator's dashboard reads a few hundred rows at most: bookings from now to a week
ahead, this week's unit use, open requests. A project lead's overview reads their own
projects only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.costs import unit_cost
from labops.bookings.window import longest_hold, overlapping
from labops.calendars import Calendars, clip, hours
from labops.db import Database
from labops.errors import PermissionDenied
from labops.fields import format_money
from labops.funds.service import funds
from labops.localtime import day_start, monday_of, to_local, when
from labops.permissions import Action, Actor, resolve_actor
from labops.planning.runs import waiting_reasons
from labops.records.catalog import (
    booking_resources,
    list_records,
    local_text,
    other_zones,
    platform_info,
)
from labops.views import Listing, Page, columns
from labops.vocabulary import ACTIVE_BOOKING, Access, BookingStatus, RequestStatus

LOOK_AHEAD = dt.timedelta(days=7)
UPCOMING_PER_SITE = 3
PENDING_SHOWN = 200  # pending requests listed; the dashboard counts them all
NOT_YET_DONE = (BookingStatus.PROPOSED, BookingStatus.CONFIRMED, BookingStatus.LOCKED)


@dataclass(frozen=True)
class Slot:
    """A booking as a dashboard line; ``label`` is "busy" for a project the actor may not see."""

    booking_id: int | None
    units: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime
    label: str
    people: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class SiteDay:
    site_id: str
    name: str
    running: tuple[Slot, ...]
    upcoming: tuple[Slot, ...]
    open_hours: float  # capacity-hours the site's units are open this week
    booked_hours: float  # capacity-hours of that opening time that bookings use
    zone: str = ""  # the site's own time zone, when its clocks differ from the platform's

    @property
    def utilization(self) -> float | None:
        return min(1.0, self.booked_hours / self.open_hours) if self.open_hours else None


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


@dataclass(frozen=True)
class Dashboard:
    platform: str
    timezone: str
    now: dt.datetime
    week_start: dt.datetime
    sites: tuple[SiteDay, ...]
    pending: Listing
    alerts: tuple[Alert, ...]


def dashboard(db: Database, *, actor: Actor, now: dt.datetime) -> Dashboard:
    """What runs now and next on each site, this week's use, open requests and alerts."""
    with db.read() as session:
        info = platform_info(session)
        tz = info.timezone
        week_start = day_start(monday_of(to_local(now, tz).date()), tz)
        week_end = week_start + dt.timedelta(days=7)
        longest = longest_hold(session)
        slots = _slots(session, actor, now, longest)
        use = _week_use(session, week_start, week_end, longest)
        zones = other_zones(session, tz)
        sites = [
            SiteDay(
                site_id=site.id,
                name=site.name,
                running=tuple(s for s in slots[site.id] if s.start <= now < s.end),
                upcoming=tuple(s for s in slots[site.id] if s.start > now)[:UPCOMING_PER_SITE],
                open_hours=use[site.id][0],
                booked_hours=use[site.id][1],
                zone=zones.get(site.id, ""),
            )
            for site in session.exec(select(t.Site).order_by(t.Site.id))
        ]
        alerts = [
            alert
            for alert in (
                *_downtime_alerts(session, now, tz, longest),
                *_certification_alerts(session, now, tz, longest),
                *_due_alerts(session, now, tz, longest),
            )
            if actor.can(Action.READ_PROJECT, alert.project)
        ]
    # Submitted first (they wait for an operator), then approved; a screenful of each at
    # most, with how many there are in all (years of history must not load here).
    waiting = [
        list_records(db, "requests", actor=actor, status=status.value, page=Page(1, PENDING_SHOWN))
        for status in (RequestStatus.SUBMITTED, RequestStatus.APPROVED)
    ]
    return Dashboard(
        platform=info.name,
        timezone=tz,
        now=now,
        week_start=week_start,
        sites=tuple(sites),
        pending=Listing(
            "Pending requests",
            waiting[0].columns,
            [row for listing in waiting for row in listing.rows][:PENDING_SHOWN],
            total=sum(listing.total or len(listing.rows) for listing in waiting),
        ),
        alerts=tuple(sorted(alerts, key=lambda a: (a.when, SEVERITY[a.kind], a.message))),
    )


def _slots(
    session: Session, actor: Actor, now: dt.datetime, longest: dt.timedelta
) -> dict[str, list[Slot]]:
    """Per site of their units: the bookings not yet done that run at ``now``, and the next
    UPCOMING_PER_SITE to start within LOOK_AHEAD. The database picks each site's next ones,
    so a busy week ahead is not read whole to show three of it."""
    live = col(t.Booking.status).in_(NOT_YET_DONE)
    running = overlapping(
        t.Booking.start, t.Booking.end, now, now + dt.timedelta(microseconds=1), longest=longest
    )
    ids = set(session.exec(select(t.Booking.id).where(running, live)))
    for site in session.exec(select(t.Site.id)):
        ids.update(
            booking_id
            for booking_id, _ in session.exec(
                select(t.Booking.id, t.Booking.start)
                .distinct()
                .join(t.BookingUnit, col(t.BookingUnit.booking_id) == t.Booking.id)
                .join(t.Equipment, col(t.Equipment.id) == t.BookingUnit.equipment_id)
                .where(t.Equipment.site == site, live)
                .where(t.Booking.start > now, t.Booking.start < now + LOOK_AHEAD)
                # the same window on the units' busy times, which their index serves
                .where(
                    t.BookingUnit.busy_start > now - longest,
                    t.BookingUnit.busy_start < now + LOOK_AHEAD,
                )
                .order_by(col(t.Booking.start), col(t.Booking.id))
                .limit(UPCOMING_PER_SITE)
            )
        )
    rows = list(
        session.exec(
            select(t.Booking, t.Task, t.Request)
            .join(t.Task, col(t.Task.id) == t.Booking.task_id)
            .join(t.Request, col(t.Request.id) == t.Task.request_id)
            .where(col(t.Booking.id).in_(sorted(ids)))
            .order_by(col(t.Booking.start), col(t.Booking.id))
        )
    )
    units, people = booking_resources(session, [b.id for b, _, _ in rows])
    site_of = dict(session.exec(select(t.Equipment.id, t.Equipment.site)).all())
    per_site: dict[str, list[Slot]] = defaultdict(list)
    for booking, task, request in rows:
        visible = _may_see(actor, request.project, people[booking.id])
        slot = Slot(
            booking_id=booking.id if visible else None,
            units=tuple(units[booking.id]),
            start=booking.start,
            end=booking.end,
            label=f"R{request.id} {task.key} ({request.project})" if visible else "busy",
            people=tuple(people[booking.id]) if visible else (),
            status=booking.status.value,
        )
        for site in dict.fromkeys(site_of[unit] for unit in units[booking.id]):
            per_site[site].append(slot)
    return per_site


def _may_see(actor: Actor, project: str, people: list[str]) -> bool:
    """A booking's details are for its project's readers and the people on it."""
    return actor.id in people or actor.can(Action.READ_PROJECT, project)


def _week_use(
    session: Session, start: dt.datetime, end: dt.datetime, longest: dt.timedelta
) -> dict[str, tuple[float, float]]:
    """Per site: capacity-hours open in ``[start, end)`` and the part of them booked."""
    calendars = Calendars(session, start, end)
    open_spans = {unit_id: calendars.unit_open(unit_id) for unit_id in calendars.units}
    booked: dict[str, float] = defaultdict(float)
    for unit_id, busy_start, busy_end, amount in session.exec(
        select(
            t.BookingUnit.equipment_id,
            t.BookingUnit.busy_start,
            t.BookingUnit.busy_end,
            t.BookingUnit.amount,
        )
        .join(t.Booking, col(t.Booking.id) == t.BookingUnit.booking_id)
        .where(
            overlapping(
                t.BookingUnit.busy_start, t.BookingUnit.busy_end, start, end, longest=longest
            )
        )
        .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
    ):
        spans = open_spans.get(unit_id, [])
        booked[unit_id] += hours(clip(spans, busy_start, busy_end)) * amount
    totals: dict[str, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    for unit in calendars.units.values():
        opened, used = totals[unit.site]
        totals[unit.site] = (
            opened + hours(open_spans[unit.id]) * unit.capacity,
            used + booked[unit.id],
        )
    return totals


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


@dataclass(frozen=True)
class LeadOverview:
    projects: Listing  # budget, committed, remaining
    requests: Listing  # every request of their projects, and where it stands
    bookings: Listing  # live bookings from this week on, with what each costs
    left_out: Listing  # requests the last plan could not place, with the reasons


def lead_overview(db: Database, *, actor: Actor, now: dt.datetime) -> LeadOverview:
    """The projects ``actor`` leads: requests and where each stands, bookings, costs."""
    projects = sorted(actor.leads)
    money = funds(db, actor=actor).projects
    with db.read() as session:
        tz = platform_info(session).timezone
        week_start = day_start(monday_of(to_local(now, tz).date()), tz)
        requests = list(
            session.exec(
                select(t.Request)
                .where(col(t.Request.project).in_(projects))
                .order_by(col(t.Request.id).desc())
            )
        )
        # What still needs the lead first; finished requests (the history) after them.
        finished = {RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.REJECTED}
        requests.sort(key=lambda r: r.status in finished)  # stable: newest first in each
        left_out = waiting_reasons(session)
        progress = _booking_progress(session, [r.id for r in requests], now)
        bookings = _lead_bookings(session, projects, week_start, tz)
    request_rows = [
        {
            "id": r.id,
            "title": r.title,
            "project": r.project,
            "status": r.status.value,
            "stands": _where_it_stands(r, left_out.get(r.id), progress.get(r.id), tz),
        }
        for r in requests
    ]
    left_rows = [
        {"id": r.id, "title": r.title, "project": r.project, "reasons": "\n".join(reasons)}
        for r in requests
        if r.status == RequestStatus.APPROVED and (reasons := left_out.get(r.id))
    ]
    return LeadOverview(
        projects=Listing(
            "My projects",
            money.columns,
            [row for row in money.rows if row["project"] in actor.leads],
        ),
        requests=Listing(
            "Requests",
            columns("id:Id#", "stands:Where it stands", "title:Title", "project:Project"),
            request_rows,
        ),
        bookings=bookings,
        left_out=Listing(
            "Left out of the last plan",
            columns("id:Req#", "title:Title", "project:Project", "reasons:Why"),
            left_rows,
        ),
    )


def _booking_progress(
    session: Session, request_ids: list[int], now: dt.datetime
) -> dict[int, tuple[int, int, dt.datetime | None]]:
    """Per request: tasks, tasks with a live booking, and the next booking's start."""
    result: dict[int, tuple[int, int, dt.datetime | None]] = {}
    tasks = dict(
        session.exec(
            select(t.Task.request_id, sa.func.count())
            .where(col(t.Task.request_id).in_(request_ids))
            .group_by(col(t.Task.request_id))
        ).all()
    )
    booked: dict[int, set[int]] = defaultdict(set)
    upcoming: dict[int, dt.datetime] = {}
    for booking, task in session.exec(
        select(t.Booking, t.Task)
        .join(t.Task, col(t.Task.id) == t.Booking.task_id)
        .where(col(t.Task.request_id).in_(request_ids))
        .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
    ):
        booked[task.request_id].add(task.id)
        if booking.start >= now and (
            task.request_id not in upcoming or booking.start < upcoming[task.request_id]
        ):
            upcoming[task.request_id] = booking.start
    for request_id, count in tasks.items():
        result[request_id] = (count, len(booked[request_id]), upcoming.get(request_id))
    return result


def _due(task: t.Task) -> dt.datetime:
    """The due date of a task the query kept for having one."""
    assert task.due is not None
    return task.due


def _where_it_stands(
    request: t.Request,
    reasons: Sequence[str] | None,
    progress: tuple[int, int, dt.datetime | None] | None,
    tz: str,
) -> str:
    status = request.status
    if status == RequestStatus.DRAFT:
        return "draft: not submitted yet"
    if status == RequestStatus.SUBMITTED:
        return "waiting for an operator's decision"
    if status == RequestStatus.APPROVED:
        if reasons:
            return f"left out of the last plan: {reasons[0]}"
        booked = _booked_text(progress, tz)
        return f"approved, {booked}" if booked else "approved, waiting for the next plan"
    if status == RequestStatus.REJECTED:
        return f"rejected: {request.decision_note}" if request.decision_note else "rejected"
    if status == RequestStatus.CANCELLED:
        return "withdrawn"
    if status == RequestStatus.DONE:
        return "done"
    return _booked_text(progress, tz) or "scheduled"


def _booked_text(progress: tuple[int, int, dt.datetime | None] | None, tz: str) -> str:
    tasks, booked, upcoming = progress or (0, 0, None)
    if not booked:
        return ""
    text = f"booked: {booked} of {tasks} tasks"
    return text + (f", next {when(upcoming, tz)}" if upcoming else ", none ahead")


def _lead_bookings(session: Session, projects: list[str], since: dt.datetime, tz: str) -> Listing:
    rows = list(
        session.exec(
            select(t.Booking, t.Task, t.Request)
            .join(t.Task, col(t.Task.id) == t.Booking.task_id)
            .join(t.Request, col(t.Request.id) == t.Task.request_id)
            .where(col(t.Request.project).in_(projects))
            .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
            .where(t.Booking.end > since, t.Booking.start >= since - longest_hold(session))
            .order_by(col(t.Booking.start), col(t.Booking.id))
        )
    )
    by_id = {b.id: b for b, _, _ in rows}
    units, people = booking_resources(session, list(by_id))
    cost: dict[int, int] = defaultdict(int)
    for use, rate in session.exec(
        select(t.BookingUnit, t.Equipment.hourly_rate)
        .join(t.Equipment, col(t.Equipment.id) == t.BookingUnit.equipment_id)
        .where(col(t.BookingUnit.booking_id).in_(list(by_id)))
    ):
        booking = by_id[use.booking_id]
        minutes = (booking.end - booking.start).total_seconds() / 60
        cost[use.booking_id] += unit_cost(rate, use.amount, minutes)
    return Listing(
        "My bookings",
        columns(
            "id:Id#",
            "start:Start",
            "end:End",
            "project:Project",
            "request:Req#",
            "task:Task",
            "units:Units",
            "people:People",
            "status:Status",
            "cost:Cost#",
        ),
        [
            {
                "id": b.id,
                "start": local_text(b.start, tz),
                "end": local_text(b.end, tz),
                "project": r.project,
                "request": r.id,
                "task": task.key,
                "units": ", ".join(units[b.id]),
                "people": ", ".join(people[b.id]),
                "status": b.status.value,
                "cost": format_money(cost[b.id]),
            }
            for b, task, r in rows
        ],
    )


# --- who a face opens for ----------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    platform: str
    timezone: str
    actor: Actor


def opening(db: Database, *, person_id: str | None) -> Opening:
    """The platform and the person a UI opens for. Refuses nobody (naming who operates the
    platform, to help), an unknown person, or a database without a platform."""
    with db.read() as session:
        info = platform_info(session)
        if not person_id:
            operators = session.exec(
                select(t.Person.id)
                .where(col(t.Person.access).in_((Access.OPERATOR, Access.ADMIN)))
                .order_by(t.Person.id)
            ).all()
            hint = f" (operators here: {', '.join(operators[:6])})" if operators else ""
            raise PermissionDenied(f"who is acting? give --as PERSON or set LABOPS_USER{hint}")
        return Opening(info.name, info.timezone, resolve_actor(session, person_id))
