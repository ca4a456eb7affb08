"""One record in detail: what `labops show` prints and the TUI's detail panes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from typing import Any

from sqlmodel import Session, col, select

from labops import tables as t
from labops.db import Database
from labops.equipment.model import EquipmentFields
from labops.errors import InputError, NotFound, PermissionDenied
from labops.fields import MAX_ID, format_minutes, format_money
from labops.localtime import shift_list, to_local
from labops.permissions import Action, Actor
from labops.planning.runs import waiting_reasons
from labops.records.catalog import (
    booking_resources,
    booking_shifts,
    bookings_listing,
    clock_text,
    compact_hours,
    equipment_listing,
    local_text,
    platform_info,
    requests_listing,
    zone_note,
)
from labops.records.forms import detail_lines
from labops.views import Detail, Listing, Page, columns
from labops.vocabulary import WEEKDAYS

SECTION_ROWS = 50  # rows of a related listing (a project's requests...) a detail shows
FIRST = Page(1, SECTION_ROWS)


def show_record(
    db: Database, kind: str, record_id: str, *, now: dt.datetime, actor: Actor | None = None
) -> Detail:
    """One record in detail; projects, requests and bookings need an identity."""
    shows = {
        "site": _show_site,
        "equipment": _show_equipment,
        "person": _show_person,
        "project": _show_project,
        "request": _show_request,
        "booking": _show_booking,
    }
    if kind not in shows:
        raise InputError(f"cannot show {kind!r}: choose one of {', '.join(shows)}")
    with db.read() as session:
        info = platform_info(session)
        viewer = actor or Actor.anonymous()
        if actor is None and kind in ("project", "request", "booking"):
            raise PermissionDenied("who is acting? give --as PERSON or set LABOPS_USER")
        return shows[kind](session, info.timezone, record_id, now, viewer)


def _get(session: Session, table: Any, record_id: Any, what: str) -> Any:
    row = session.get(table, record_id)
    if row is None:
        raise NotFound(f"no {what} {record_id!r}")
    return row


def _int_id(record_id: str, what: str) -> int:
    try:
        number = int(record_id)
    except ValueError:
        raise InputError(f"{what} ids are numbers, not {record_id[:40]!r}") from None
    if not 1 <= number <= MAX_ID:
        raise NotFound(f"no {what} {record_id[:40]}")
    return number


def _show_site(session: Session, tz: str, site_id: str, now: dt.datetime, actor: Actor) -> Detail:
    site = _get(session, t.Site, site_id, "site")
    closures = session.exec(
        select(t.SiteClosure)
        .where(t.SiteClosure.site_id == site_id)
        .order_by(t.SiteClosure.first_day)
    )
    return Detail(
        f"Site {site.id}",
        [
            ("name", site.name),
            ("time zone", site.timezone),
            ("times", zone_note(session, tz, [site.id]) or None),
            ("description", site.description),
        ],
        [
            equipment_listing(session, tz, site=site_id),
            Listing(
                "Closures",
                columns("first:First day", "last:Last day", "reason:Reason"),
                [
                    {
                        "first": c.first_day.isoformat(),
                        "last": c.last_day.isoformat(),
                        "reason": c.reason,
                    }
                    for c in closures
                ],
            ),
        ],
    )


def _show_equipment(
    session: Session, tz: str, unit_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    unit = _get(session, t.Equipment, unit_id, "equipment unit")
    downtime = session.exec(
        select(t.Downtime).where(t.Downtime.equipment_id == unit_id).order_by(t.Downtime.start)
    )
    return Detail(
        f"Equipment {unit.id}",
        [
            *detail_lines(unit, EquipmentFields),
            ("times", zone_note(session, tz, [unit.site]) or None),
        ],
        [
            Listing(
                "Downtime",
                columns("id:Id#", "start:Start", "end:End", "kind:Kind", "reason:Reason"),
                [
                    {
                        "id": d.id,
                        "start": local_text(d.start, tz),
                        "end": local_text(d.end, tz),
                        "kind": d.kind.value,
                        "reason": d.reason,
                    }
                    for d in downtime
                ],
            ),
            _section(
                _titled(
                    bookings_listing(session, tz, actor, unit=unit_id, start=now, page=FIRST),
                    "Bookings from now",
                ),
                f"labops list bookings --unit {unit_id} --from '{local_text(now, tz)}' --page 2",
            ),
        ],
    )


def _show_person(
    session: Session, tz: str, person_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    person = _get(session, t.Person, person_id, "person")
    certs = session.exec(
        select(t.Certification)
        .where(t.Certification.person_id == person_id)
        .order_by(t.Certification.kind_id)
    )
    absences = session.exec(
        select(t.Absence).where(t.Absence.person_id == person_id).order_by(t.Absence.start)
    )
    skills = session.exec(
        select(t.Skill).where(t.Skill.person_id == person_id).order_by(t.Skill.skill)
    )
    hours = session.exec(
        select(t.PersonHours)
        .where(t.PersonHours.person_id == person_id)
        .order_by(t.PersonHours.weekday)
    )
    projects = session.exec(
        select(t.ProjectMember.project_id).where(t.ProjectMember.person_id == person_id)
    )
    today = to_local(now, tz).date()
    private = actor.id == person.id or actor.can(Action.READ_PEOPLE)
    return Detail(
        f"Person {person.id}",
        [
            ("name", person.name),
            ("role", person.role.value),
            ("access", person.access.value),
            ("email", person.email if private else None),
            ("login", person.login if private else None),
            ("home site", person.home_site),
            ("weekly hours", person.weekly_hours),
            ("platform staff", person.platform_staff),
            ("supervisor", person.supervisor),
            (
                "working hours",
                compact_hours(
                    [f"{WEEKDAYS[h.weekday]} {h.starts:%H:%M}-{clock_text(h.ends)}" for h in hours]
                ),
            ),
            ("skills", ", ".join(f"{s.skill} {s.level}" for s in skills)),
            ("projects", ", ".join(projects)),
        ],
        [
            Listing(
                "Certifications",
                columns("kind:Kind", "expires:Valid until", "state:State"),
                [
                    {
                        "kind": c.kind_id,
                        "expires": c.expires.isoformat(),
                        "state": "valid" if c.expires >= today else "EXPIRED",
                    }
                    for c in certs
                ],
            ),
            Listing(
                "Absences",
                columns("start:Start", "end:End", "kind:Kind", "note:Note"),
                [
                    {
                        "start": local_text(a.start, tz),
                        "end": local_text(a.end, tz),
                        "kind": a.kind.value,
                        "note": a.note if private else "",
                    }
                    for a in absences
                ],
            ),
            _section(
                _titled(
                    bookings_listing(session, tz, actor, person=person_id, start=now, page=FIRST),
                    "Assignments from now",
                ),
                f"labops list bookings --person {person_id} "
                f"--from '{local_text(now, tz)}' --page 2",
            ),
        ],
    )


def _show_project(
    session: Session, tz: str, project_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    project = _get(session, t.Project, project_id, "project")
    actor.require(Action.READ_PROJECT, project.id)
    minimums = session.exec(
        select(t.ProjectRoleMinimum).where(t.ProjectRoleMinimum.project_id == project_id)
    )
    team = session.exec(
        select(t.Person)
        .join(t.ProjectMember, t.ProjectMember.person_id == t.Person.id)
        .where(t.ProjectMember.project_id == project_id)
        .order_by(t.Person.role, t.Person.id)
    )
    pool_kind = session.exec(
        select(t.FundPool.kind).where(t.FundPool.id == project.fund_pool)
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
            _section(
                requests_listing(session, tz, actor, project=project_id, page=FIRST),
                f"labops list requests --project {project_id} --page 2",
            ),
            _section(
                bookings_listing(session, tz, actor, project=project_id, page=FIRST),
                f"labops list bookings --project {project_id} --page 2",
            ),
        ],
    )


def _show_request(
    session: Session, tz: str, record_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    request = _get(session, t.Request, _int_id(record_id, "request"), "request")
    if request.requester != actor.id:
        actor.require(Action.READ_PROJECT, request.project)
    tasks = list(
        session.exec(select(t.Task).where(t.Task.request_id == request.id).order_by(t.Task.id))
    )
    task_ids = [task.id for task in tasks]
    needs: dict[int, list[str]] = defaultdict(list)
    for n in session.exec(
        select(t.TaskEquipment)
        .where(col(t.TaskEquipment.task_id).in_(task_ids))
        .order_by(t.TaskEquipment.id)
    ):
        what = n.unit or f"any {n.kind}" + (f" at {n.site}" if n.site else "")
        needs[n.task_id].append(f"{n.amount}x {what}" if n.amount > 1 else what)
    staff: dict[int, list[str]] = defaultdict(list)
    for s in session.exec(
        select(t.TaskStaff).where(col(t.TaskStaff.task_id).in_(task_ids)).order_by(t.TaskStaff.id)
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
                        "staff": ", ".join(staff[task.id]),
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


def _show_booking(
    session: Session, tz: str, record_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    booking = _get(session, t.Booking, _int_id(record_id, "booking"), "booking")
    task = session.get(t.Task, booking.task_id)
    request = session.get(t.Request, task.request_id)
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
            ("created", f"{local_text(booking.created_at, tz)} by {booking.created_by}"),
        ],
    )


def _titled(listing: Listing, title: str) -> Listing:
    return replace(listing, title=title)


def _section(listing: Listing, more: str) -> Listing:
    """A related listing read a page at a time: when there is more, its note says how many
    and how to list the rest."""
    shown = listing.shown()
    if not shown:
        return listing
    return replace(listing, note="; ".join(n for n in (listing.note, f"{shown}: {more}") if n))
