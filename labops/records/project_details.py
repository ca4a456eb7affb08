"""Project-bound records in detail, which need an identity: a project, a request, a booking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import Session, col, select

from labops import tables as t
from labops.fields import format_minutes, format_money
from labops.localtime import local_text, shift_list
from labops.permissions import Action, Actor
from labops.planning.runs import waiting_reasons
from labops.records.catalog import booking_resources, booking_shifts
from labops.records.detail_parts import FIRST, int_id, section, stored
from labops.records.project_listings import bookings_listing, requests_listing
from labops.usage.model import Usage, use_text
from labops.views import Detail, Listing, columns


def show_project(
    session: Session, tz: str, project_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    project = stored(session, t.Project, project_id, "project")
    actor.require(Action.READ_PROJECT, project.id)
    minimums = session.exec(
        select(t.ProjectRoleMinimum).where(t.ProjectRoleMinimum.project_id == project_id)
    )
    team = session.exec(
        select(t.Person)
        .join(t.ProjectMember, col(t.ProjectMember.person_id) == t.Person.id)
        .where(t.ProjectMember.project_id == project_id)
        .order_by(t.Person.role, t.Person.id)
    )
    pool_kind = session.exec(
        select(col(t.FundPool.kind)).where(t.FundPool.id == project.fund_pool)
    ).one()  # a foreign key: the pool exists
    rule = ", ".join(f"at least {m.count} {m.role.value}" for m in minimums)
    if project.max_students_per_senior is not None:
        rule += (
            f"{', ' if rule else ''}at most {project.max_students_per_senior} students per senior"
        )
    return Detail(
        f"Project {project.id}",
        [
            ("name", project.name),
            ("stage", project.stage.value),
            ("source technology", project.source_technology),
            ("patent", project.patent),
            ("demand-side partner", project.demand_partner),
            ("lead", project.lead),
            ("priority", project.priority),
            ("fund pool", project.fund_pool),
            ("fund kind", pool_kind.value),
            ("budget", format_money(project.budget)),
            ("team rule", rule or "none"),
            ("description", project.description),
        ],
        [
            Listing(
                "Team",
                columns("id:Id", "name:Name", "role:Role"),
                [{"id": p.id, "name": p.name, "role": p.role.value} for p in team],
            ),
            section(
                requests_listing(session, tz, actor, project=project_id, page=FIRST),
                f"labops list requests --project {project_id} --page 2",
            ),
            section(
                bookings_listing(session, tz, actor, project=project_id, page=FIRST),
                f"labops list bookings --project {project_id} --page 2",
            ),
        ],
    )


def show_request(
    session: Session, tz: str, record_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    request = stored(session, t.Request, int_id(record_id, "request"), "request")
    if request.requester != actor.id:
        actor.require(Action.READ_PROJECT, request.project)
    tasks = list(
        session.exec(
            select(t.Task).where(col(t.Task.request_id) == request.id).order_by(col(t.Task.id))
        )
    )
    task_ids = [task.id for task in tasks]
    needs: dict[int, list[str]] = defaultdict(list)
    for n in session.exec(
        select(t.TaskEquipment)
        .where(col(t.TaskEquipment.task_id).in_(task_ids))
        .order_by(col(t.TaskEquipment.id))
    ):
        what = n.unit or f"any {n.kind}" + (f" at {n.site}" if n.site else "")
        needs[n.task_id].append(f"{n.amount}x {what}" if n.amount > 1 else what)
    staff: dict[int, list[str]] = defaultdict(list)
    for s in session.exec(
        select(t.TaskStaff)
        .where(col(t.TaskStaff.task_id).in_(task_ids))
        .order_by(col(t.TaskStaff.id))
    ):
        who = " ".join(
            filter(
                None,
                [
                    s.role.value if s.role else None,
                    f"{s.skill}>={s.level}" if s.skill else None,
                ],
            )
        )
        staff[s.task_id].append(f"{s.count}x {who or 'anyone'}")
    after: dict[int, list[str]] = defaultdict(list)
    key_of = {task.id: task.key for task in tasks}
    for p in session.exec(
        select(t.TaskPrecedence).where(col(t.TaskPrecedence.after_id).in_(task_ids))
    ):
        lag = f" +{format_minutes(p.lag)}" if p.lag else ""
        after[p.after_id].append(key_of.get(p.before_id, "?") + lag)
    return Detail(
        f"Request {request.id}: {request.title}",
        [
            ("project", request.project),
            ("requester", request.requester),
            ("status", request.status.value),
            ("created", local_text(request.created, tz)),
            ("submitted", local_text(request.submitted, tz)),
            ("earliest", local_text(request.earliest, tz)),
            (
                "due",
                None
                if request.due is None
                else f"{local_text(request.due, tz)}{' (hard)' if request.due_hard else ''}",
            ),
            ("decided", local_text(request.decided_at, tz)),
            ("decided by", request.decided_by),
            ("decision note", request.decision_note),
            ("note", request.note),
            (
                "waiting because",
                "\n".join(waiting_reasons(session, [request.id], rules=False).get(request.id, ())),
            ),
        ],
        [
            Listing(
                "Tasks",
                columns(
                    "key:Task",
                    "name:Name",
                    "duration:Duration",
                    "equipment:Equipment",
                    "staff:People",
                    "earliest:Earliest",
                    "due:Due",
                    "after:After",
                ),
                [
                    {
                        "key": task.key,
                        "name": task.name,
                        "duration": format_minutes(task.duration)
                        + (
                            f" (staffed {format_minutes(task.staff_for)})"
                            if task.staff_for is not None
                            else ""
                        ),
                        "equipment": ", ".join(needs[task.id]),
                        "staff": ", ".join(staff[task.id]) + (" in shifts" if task.shifts else ""),
                        "earliest": local_text(task.earliest, tz),
                        "due": (local_text(task.due, tz) or "")
                        + (" (hard)" if task.due_hard else ""),
                        "after": ", ".join(after[task.id]),
                    }
                    for task in tasks
                ],
            ),
            bookings_listing(session, tz, actor, request=request.id),
        ],
    )


def show_booking(
    session: Session, tz: str, record_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    booking = stored(session, t.Booking, int_id(record_id, "booking"), "booking")
    task = session.get_one(t.Task, booking.task_id)
    request = session.get_one(t.Request, task.request_id)
    units, people = booking_resources(session, [booking.id])
    shifts = booking_shifts(session, [booking.id])[booking.id]
    if actor.id not in people[booking.id]:
        actor.require(Action.READ_PROJECT, request.project)
    return Detail(
        f"Booking {booking.id}",
        [
            ("status", booking.status.value),
            ("start", local_text(booking.start, tz)),
            ("end", local_text(booking.end, tz)),
            ("request", f"{request.id}: {request.title}"),
            ("project", request.project),
            ("task", f"{task.key} {task.name}".strip()),
            ("units", ", ".join(units[booking.id])),
            ("people", ", ".join(people[booking.id])),
            *([("shifts", shift_list(shifts, tz))] if shifts else []),
            ("used", use_text(session.get(Usage, booking.id), tz)),
            ("created", f"{local_text(booking.created_at, tz)} by {booking.created_by}"),
        ],
    )
