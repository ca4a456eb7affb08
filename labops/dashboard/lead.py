"""A project lead's overview: their projects' money, where each of their requests stands,
and their bookings. It reads their own projects only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.costs import unit_cost
from labops.bookings.window import longest_hold
from labops.db import Database
from labops.fields import format_money
from labops.funds.service import funds
from labops.localtime import day_start, local_text, monday_of, to_local, when
from labops.permissions import Actor
from labops.planning.runs import waiting_reasons
from labops.records.catalog import booking_resources, platform_info
from labops.views import Listing, columns
from labops.vocabulary import ACTIVE_BOOKING, RequestStatus


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
        left_out = waiting_reasons(session, rules=False)
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
