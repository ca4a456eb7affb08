"""The listings of project-bound records, which need an identity: projects, funds, requests
and bookings (other projects' bookings show as busy time only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.window import longest_hold
from labops.fields import format_money
from labops.localtime import local_text
from labops.permissions import Action, Actor
from labops.records.catalog import booking_resources, chunks, paged, zone_note
from labops.views import Listing, Page, columns
from labops.vocabulary import ACTIVE_BOOKING


def projects_listing(
    session: Session,
    tz: str,
    actor: Actor,
    pool: str | None = None,
    lead: str | None = None,
) -> Listing:
    query = select(t.Project).order_by(col(t.Project.priority).desc(), t.Project.id)
    if pool:
        query = query.where(t.Project.fund_pool == pool)
    if lead:
        query = query.where(t.Project.lead == lead)
    team_size = dict(
        session.exec(
            select(t.ProjectMember.project_id, sa.func.count()).group_by(t.ProjectMember.project_id)
        ).all()
    )
    return Listing(
        "Projects",
        columns(
            "id:Id",
            "name:Name",
            "stage:Stage",
            "lead:Lead",
            "priority:Prio#",
            "pool:Fund pool",
            "budget:Budget#",
            "team:Team#",
        ),
        [
            {
                "id": p.id,
                "name": p.name,
                "stage": p.stage.value,
                "lead": p.lead,
                "priority": p.priority,
                "pool": p.fund_pool,
                "budget": format_money(p.budget) if actor.can(Action.READ_PROJECT, p.id) else "",
                "team": team_size.get(p.id, 0),
            }
            for p in session.exec(query)
        ],
    )


def funds_listing(session: Session, tz: str, actor: Actor) -> Listing:
    actor.require(Action.READ_ALL)
    return Listing(
        "Fund pools",
        columns("id:Id", "name:Name", "kind:Kind", "budget:Budget#", "projects:Projects#"),
        [
            {
                "id": f.id,
                "name": f.name,
                "kind": f.kind.value,
                "budget": format_money(f.budget),
                "projects": session.exec(
                    select(sa.func.count())
                    .select_from(t.Project)
                    .where(t.Project.fund_pool == f.id)
                ).one(),
            }
            for f in session.exec(select(t.FundPool).order_by(t.FundPool.id))
        ],
    )


def requests_listing(
    session: Session,
    tz: str,
    actor: Actor,
    status: str | Iterable[str] | None = None,
    project: str | None = None,
    requester: str | None = None,
    search: str | None = None,
    page: Page | None = None,
) -> Listing:
    """Requests by id, narrowed by the filters; ``search`` finds text in the id, title,
    project or requester. With ``page``, only that page is read (and the matches counted)."""
    query = select(t.Request).order_by(col(t.Request.id))
    if isinstance(status, str):
        query = query.where(t.Request.status == status)
    elif status is not None:
        query = query.where(col(t.Request.status).in_(list(status)))
    if project:
        actor.require(Action.READ_PROJECT, project)
        query = query.where(t.Request.project == project)
    if requester:
        query = query.where(t.Request.requester == requester)
    if search:
        pattern = f"%{_escaped(search.lower())}%"
        query = query.where(
            sa.or_(
                *(
                    sa.func.lower(column).like(pattern, escape="\\")
                    for column in (
                        sa.cast(t.Request.id, sa.String),
                        t.Request.title,
                        t.Request.project,
                        t.Request.requester,
                    )
                )
            )
        )
    if not actor.can(Action.READ_ALL):
        # Others' requests stay private: only the projects one leads, and one's own.
        query = query.where(
            col(t.Request.project).in_(list(actor.leads)) | (t.Request.requester == actor.id)
        )
    found, total = paged(session, query, page)
    # Task counts and hours of the requests shown only, not of every request there is.
    stats: dict[int, tuple[int, int]] = {}
    for chunk in chunks([r.id for r in found]):
        for request_id, n, minutes in session.exec(
            select(t.Task.request_id, sa.func.count(), sa.func.sum(t.Task.duration))
            .where(col(t.Task.request_id).in_(chunk))
            .group_by(col(t.Task.request_id))
        ):
            stats[request_id] = (n, minutes)
    return Listing(
        "Requests",
        columns(
            "id:Id#",
            "title:Title",
            "project:Project",
            "requester:Requester",
            "status:Status",
            "tasks:Tasks#",
            "hours:Hours#",
            "submitted:Submitted",
        ),
        [
            {
                "id": r.id,
                "title": r.title,
                "project": r.project,
                "requester": r.requester,
                "status": r.status.value,
                "tasks": stats.get(r.id, (0, 0))[0],
                "hours": round((stats.get(r.id, (0, 0))[1] or 0) / 60, 1),
                "submitted": local_text(r.submitted, tz),
            }
            for r in found
        ],
        total=total,
        offset=page.offset if page else 0,
    )


def bookings_listing(
    session: Session,
    tz: str,
    actor: Actor,
    unit: str | None = None,
    person: str | None = None,
    project: str | None = None,
    status: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    request: int | None = None,
    page: Page | None = None,
) -> Listing:
    """Live bookings (or those of ``status``) by start, narrowed by the filters. With
    ``page``, only that page is read, and the matches are counted."""
    query = select(t.Booking).order_by(col(t.Booking.start), col(t.Booking.id))
    if status:
        query = query.where(t.Booking.status == status)
    else:
        query = query.where(col(t.Booking.status).in_(ACTIVE_BOOKING))
    # Ending after ``start`` means beginning at most the longest hold before it (and a
    # unit's or person's busy time too): with that bound the time indexes read from there,
    # not from the beginning of time.
    since = start - longest_hold(session) if start else None
    if unit:
        query = query.where(
            col(t.Booking.id).in_(
                _busy(t.BookingUnit, t.BookingUnit.equipment_id == unit, since, end)
            )
        )
    if person:
        query = query.where(
            col(t.Booking.id).in_(
                # (no bound by the end: a person's part may begin after the booking's start)
                _busy(t.BookingPerson, t.BookingPerson.person_id == person, since, None)
            )
        )
    if project or request:
        # Only these filters need the task and request of each booking (the count too).
        query = query.join(t.Task, col(t.Task.id) == t.Booking.task_id)
    if project:
        # Which slots are a project's is that project's business: no filtering by it for
        # someone who may not see its bookings.
        actor.require(Action.READ_PROJECT, project)
        query = query.join(t.Request, col(t.Request.id) == t.Task.request_id).where(
            t.Request.project == project
        )
    if request:
        query = query.where(t.Task.request_id == request)
    if start:
        query = query.where(col(t.Booking.end) > start, col(t.Booking.start) >= since)
    if end:
        query = query.where(t.Booking.start < end)
    bookings, total = paged(session, query, page)
    ids = [b.id for b in bookings]
    units, people = booking_resources(session, ids)
    tasks: dict[int, tuple[t.Task, t.Request]] = {}
    for chunk in chunks(sorted({b.task_id for b in bookings})):
        for task, r in session.exec(
            select(t.Task, t.Request)
            .join(t.Request, col(t.Request.id) == t.Task.request_id)
            .where(col(t.Task.id).in_(chunk))
        ):
            tasks[task.id] = (task, r)
    return Listing(
        "Bookings",
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
        ),
        [
            _redacted(row, actor, people[b.id])
            for b in bookings
            for task, r in [tasks[b.task_id]]
            for row in [
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
                }
            ]
        ],
        zone_note(session, tz),
        total=total,
        offset=page.offset if page else 0,
    )


def _busy(link: Any, whose: Any, since: dt.datetime | None, until: dt.datetime | None) -> Any:
    """The bookings whose busy time on ``link`` (a unit's or a person's) is ``whose``, within
    ``[since, until)`` by its start where given (it starts no later than its booking)."""
    query = select(link.booking_id).where(whose)
    if since is not None:
        query = query.where(link.busy_start >= since)
    if until is not None:
        query = query.where(link.busy_start < until)
    return query


def _escaped(text: str) -> str:
    """``text`` for a LIKE pattern, its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _redacted(row: dict[str, Any], actor: Actor, people: list[str]) -> dict[str, Any]:
    """A booking as its viewer may see it: details for their projects and their own
    assignments, plain busy time otherwise."""
    if actor.id in people or actor.can(Action.READ_PROJECT, row["project"]):
        return row
    return {**row, "project": "", "request": None, "task": "busy", "people": ""}
