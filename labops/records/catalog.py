"""Looking at the platform: what `labops list` and `labops show` print, and the TUI lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.db import Database
from labops.equipment.model import EquipmentFields
from labops.errors import InputError, NotFound, PermissionDenied
from labops.fields import MAX_ID, format_minutes, format_money
from labops.localtime import same_clock, to_local
from labops.permissions import Action, Actor
from labops.planning.runs import waiting_reasons
from labops.records.forms import detail_lines
from labops.views import Detail, Listing, columns
from labops.vocabulary import ACTIVE_BOOKING, WEEKDAYS, BookingStatus, RequestStatus, Role

KINDS = ("sites", "equipment", "people", "projects", "funds", "requests", "bookings")
PRIVATE = ("projects", "funds", "requests", "bookings")


def platform_info(session: Session) -> t.PlatformInfo:
    info = session.get(t.PlatformInfo, 1)
    if info is None:
        raise NotFound(
            "the database holds no platform yet: run 'labops load FILE' or 'labops demo'"
        )
    return info


def other_zones(session: Session, tz: str, sites: Iterable[str] | None = None) -> dict[str, str]:
    """The sites (of ``sites``, else all) whose clocks differ from the platform's ``tz``."""
    query = select(t.Site.id, t.Site.timezone).order_by(t.Site.id)
    if sites is not None:
        query = query.where(col(t.Site.id).in_(list(sites)))
    return {site: zone for site, zone in session.exec(query) if not same_clock(zone, tz)}


def zone_note(session: Session, tz: str, sites: Iterable[str] | None = None) -> str:
    """A note for listings of times, when a site keeps another time zone than the
    platform's: which zone the times are in ("" when all sites keep the platform's)."""
    others = other_zones(session, tz, sites)
    if not others:
        return ""
    kept = ", ".join(f"{site} keeps {zone}" for site, zone in others.items())
    return f"times in {tz}, the platform's time ({kept})"


def local_text(value: dt.datetime | None, tz: str) -> str | None:
    return None if value is None else to_local(value, tz).strftime("%Y-%m-%d %H:%M")


def list_records(db: Database, what: str, *, actor: Actor | None = None, **filters: Any) -> Listing:
    """The rows of one kind of record, narrowed by ``filters`` (None means no filter).

    Sites, equipment and people are open to everyone; projects, requests and bookings need
    an identity, and show other projects' bookings as busy time only (see permissions)."""
    listers = {
        "sites": _sites,
        "equipment": _equipment,
        "people": _people,
        "projects": _projects,
        "funds": _funds,
        "requests": _requests,
        "bookings": _bookings,
    }
    if what not in listers:
        raise InputError(f"cannot list {what!r}: choose one of {', '.join(KINDS)}")
    chosen = {k: v for k, v in filters.items() if v}
    if what in PRIVATE:
        if actor is None:
            raise PermissionDenied("who is acting? give --as PERSON or set LABOPS_USER")
        chosen["actor"] = actor
    with db.read() as session:
        info = platform_info(session)
        _check_filters(session, what, chosen)
        return listers[what](session, info.timezone, **chosen)


# What each filter names: a record of a table, or a value of a vocabulary.
_FILTER_RECORDS: dict[str, tuple[Any, str]] = {
    "site": (t.Site, "site"),
    "kind": (t.Kind, "equipment kind"),
    "pool": (t.FundPool, "fund pool"),
    "lead": (t.Person, "person"),
    "project": (t.Project, "project"),
    "requester": (t.Person, "person"),
    "unit": (t.Equipment, "equipment unit"),
    "person": (t.Person, "person"),
}


def _check_filters(session: Session, what: str, chosen: dict[str, Any]) -> None:
    """A filter naming nothing that exists is a typo, not an empty list: say which."""
    for name, value in chosen.items():
        if name in _FILTER_RECORDS:
            table, label = _FILTER_RECORDS[name]
            if session.get(table, value) is None:
                raise InputError(f"--{name} {value}: no {label} {value!r}")
        elif name in ("status", "role"):
            vocabulary = {
                "role": Role,
                "status": RequestStatus if what == "requests" else BookingStatus,
            }[name]
            if value not in {member.value for member in vocabulary}:
                choices = ", ".join(member.value for member in vocabulary)
                raise InputError(f"--{name} {value}: choose one of {choices}")
        elif (
            name == "skill"
            and session.exec(select(t.Skill.skill).where(t.Skill.skill == value).limit(1)).first()
            is None
        ):
            raise InputError(f"--skill {value}: nobody has the skill {value!r}")


def _sites(session: Session, tz: str) -> Listing:
    hours: dict[str, list[str]] = defaultdict(list)
    for row in session.exec(select(t.SiteHours).order_by(t.SiteHours.weekday, t.SiteHours.opens)):
        hours[row.site_id].append(f"{WEEKDAYS[row.weekday]} {row.opens:%H:%M}-{_end(row.closes)}")
    units = dict(
        session.exec(select(t.Equipment.site, sa.func.count()).group_by(t.Equipment.site)).all()
    )
    return Listing(
        "Sites",
        columns("id:Id", "name:Name", "timezone:Time zone", "units:Units#", "hours:Opening hours"),
        [
            {
                "id": s.id,
                "name": s.name,
                "timezone": s.timezone,
                "units": units.get(s.id, 0),
                "hours": _compact_hours(hours[s.id])
                + ("" if same_clock(s.timezone, tz) else f" ({s.timezone} time)"),
            }
            for s in session.exec(select(t.Site).order_by(t.Site.id))
        ],
    )


def _equipment(
    session: Session, tz: str, site: str | None = None, kind: str | None = None
) -> Listing:
    query = select(t.Equipment).order_by(t.Equipment.site, t.Equipment.kind, t.Equipment.id)
    if site:
        query = query.where(t.Equipment.site == site)
    if kind:
        query = query.where(t.Equipment.kind == kind)
    return Listing(
        "Equipment",
        columns(
            "id:Id",
            "name:Name",
            "site:Site",
            "kind:Kind",
            "capacity:Cap#",
            "rate:Rate/h#",
            "certified:Certified op.",
            "unattended:Unattended",
        ),
        [
            {
                "id": e.id,
                "name": e.name,
                "site": e.site,
                "kind": e.kind,
                "capacity": e.capacity,
                "rate": format_money(e.hourly_rate),
                "certified": e.certified_operator,
                "unattended": e.unattended,
            }
            for e in session.exec(query)
        ],
    )


def _people(
    session: Session,
    tz: str,
    role: str | None = None,
    site: str | None = None,
    skill: str | None = None,
) -> Listing:
    query = select(t.Person).order_by(t.Person.id)
    if role:
        query = query.where(t.Person.role == role)
    if site:
        query = query.where(t.Person.home_site == site)
    if skill:
        query = query.where(
            col(t.Person.id).in_(select(t.Skill.person_id).where(t.Skill.skill == skill))
        )
    skills: dict[str, list[str]] = defaultdict(list)
    for row in session.exec(select(t.Skill).order_by(t.Skill.skill)):
        skills[row.person_id].append(f"{row.skill}:{row.level}")
    certs: dict[str, list[str]] = defaultdict(list)
    for row in session.exec(select(t.Certification).order_by(t.Certification.kind_id)):
        certs[row.person_id].append(row.kind_id)
    return Listing(
        "People",
        columns(
            "id:Id",
            "name:Name",
            "role:Role",
            "access:Access",
            "site:Home site",
            "weekly_hours:h/week#",
            "skills:Skills",
            "certifications:Certified for",
        ),
        [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role.value,
                "access": p.access.value,
                "site": p.home_site,
                "weekly_hours": p.weekly_hours,
                "skills": ", ".join(skills[p.id]),
                "certifications": ", ".join(certs[p.id]),
            }
            for p in session.exec(query)
        ],
    )


def _projects(
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


def _funds(session: Session, tz: str, actor: Actor) -> Listing:
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


def _requests(
    session: Session,
    tz: str,
    actor: Actor,
    status: str | None = None,
    project: str | None = None,
    requester: str | None = None,
) -> Listing:
    query = select(t.Request).order_by(t.Request.id)
    if status:
        query = query.where(t.Request.status == status)
    if project:
        actor.require(Action.READ_PROJECT, project)
        query = query.where(t.Request.project_id == project)
    if requester:
        query = query.where(t.Request.requester_id == requester)
    if not actor.can(Action.READ_ALL):
        # Others' requests stay private: only the projects one leads, and one's own.
        query = query.where(
            col(t.Request.project_id).in_(list(actor.leads)) | (t.Request.requester_id == actor.id)
        )
    stats = {
        request_id: (n, minutes)
        for request_id, n, minutes in session.exec(
            select(
                t.Task.request_id, sa.func.count(), sa.func.sum(t.Task.duration_minutes)
            ).group_by(t.Task.request_id)
        )
    }
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
                "project": r.project_id,
                "requester": r.requester_id,
                "status": r.status.value,
                "tasks": stats.get(r.id, (0, 0))[0],
                "hours": round((stats.get(r.id, (0, 0))[1] or 0) / 60, 1),
                "submitted": local_text(r.submitted_at, tz),
            }
            for r in session.exec(query)
        ],
    )


def _bookings(
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
) -> Listing:
    query = (
        select(t.Booking, t.Task, t.Request)
        .join(t.Task, t.Task.id == t.Booking.task_id)
        .join(t.Request, t.Request.id == t.Task.request_id)
        .order_by(t.Booking.start, t.Booking.id)
    )
    if status:
        query = query.where(t.Booking.status == status)
    else:
        query = query.where(col(t.Booking.status).in_(ACTIVE_BOOKING))
    if unit:
        query = query.where(
            col(t.Booking.id).in_(
                select(t.BookingUnit.booking_id).where(t.BookingUnit.equipment_id == unit)
            )
        )
    if person:
        query = query.where(
            col(t.Booking.id).in_(
                select(t.BookingPerson.booking_id).where(t.BookingPerson.person_id == person)
            )
        )
    if project:
        # Which slots are a project's is that project's business: no filtering by it for
        # someone who may not see its bookings.
        actor.require(Action.READ_PROJECT, project)
        query = query.where(t.Request.project_id == project)
    if request:
        query = query.where(t.Request.id == request)
    if start:
        query = query.where(t.Booking.end > start)
    if end:
        query = query.where(t.Booking.start < end)
    found = list(session.exec(query))
    units, people = booking_resources(session, [b.id for b, _, _ in found])
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
            for b, task, r in found
            for row in [
                {
                    "id": b.id,
                    "start": local_text(b.start, tz),
                    "end": local_text(b.end, tz),
                    "project": r.project_id,
                    "request": r.id,
                    "task": task.key,
                    "units": ", ".join(units[b.id]),
                    "people": ", ".join(people[b.id]),
                    "status": b.status.value,
                }
            ]
        ],
        zone_note(session, tz),
    )


def _redacted(row: dict[str, Any], actor: Actor, people: list[str]) -> dict[str, Any]:
    """A booking as its viewer may see it: details for their projects and their own
    assignments, plain busy time otherwise."""
    if actor.id in people or actor.can(Action.READ_PROJECT, row["project"]):
        return row
    return {**row, "project": "", "request": None, "task": "busy", "people": ""}


def booking_resources(
    session: Session, booking_ids: list[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Units (in need order) and people of each booking."""
    units: dict[int, list[str]] = defaultdict(list)
    people: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(booking_ids):
        for row in session.exec(
            select(t.BookingUnit)
            .where(col(t.BookingUnit.booking_id).in_(chunk))
            .order_by(t.BookingUnit.position)
        ):
            units[row.booking_id].append(row.equipment_id)
        for row in session.exec(
            select(t.BookingPerson)
            .where(col(t.BookingPerson.booking_id).in_(chunk))
            .order_by(t.BookingPerson.person_id)
        ):
            people[row.booking_id].append(row.person_id)
    return units, people


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _end(value: dt.time) -> str:
    return "24:00" if value == dt.time.max else f"{value:%H:%M}"


def _compact_hours(days: list[str]) -> str:
    """``mon-fri 08:00-18:00, sat 09:00-13:00`` from one entry per day."""
    groups: list[tuple[list[str], str]] = []
    for entry in days:
        day, _, window = entry.partition(" ")
        if (
            groups
            and groups[-1][1] == window
            and WEEKDAYS.index(day) == WEEKDAYS.index(groups[-1][0][-1]) + 1
        ):
            groups[-1][0].append(day)
        else:
            groups.append(([day], window))
    return ", ".join(f"{d[0]}-{d[-1]} {w}" if len(d) > 1 else f"{d[0]} {w}" for d, w in groups)


# --- show ---------------------------------------------------------------------------------


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
            _equipment(session, tz, site=site_id),
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
            _titled(_bookings(session, tz, actor, unit=unit_id, start=now), "Bookings from now"),
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
            ("home site", person.home_site),
            ("weekly hours", person.weekly_hours),
            ("platform staff", person.platform_staff),
            (
                "working hours",
                _compact_hours(
                    [f"{WEEKDAYS[h.weekday]} {h.starts:%H:%M}-{_end(h.ends)}" for h in hours]
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
            _titled(
                _bookings(session, tz, actor, person=person_id, start=now), "Assignments from now"
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
            _requests(session, tz, actor, project=project_id),
            _bookings(session, tz, actor, project=project_id),
        ],
    )


def _show_request(
    session: Session, tz: str, record_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    request = _get(session, t.Request, _int_id(record_id, "request"), "request")
    if request.requester_id != actor.id:
        actor.require(Action.READ_PROJECT, request.project_id)
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
        what = n.equipment_id or f"any {n.kind_id}" + (f" at {n.site_id}" if n.site_id else "")
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
                    f"{s.skill}>={s.min_level}" if s.skill else None,
                ],
            )
        )
        staff[s.task_id].append(f"{s.count}x {who or 'anyone'}")
    after: dict[int, list[str]] = defaultdict(list)
    key_of = {task.id: task.key for task in tasks}
    for p in session.exec(
        select(t.TaskPrecedence).where(col(t.TaskPrecedence.after_id).in_(task_ids))
    ):
        lag = f" +{format_minutes(p.lag_minutes)}" if p.lag_minutes else ""
        after[p.after_id].append(key_of.get(p.before_id, "?") + lag)
    return Detail(
        f"Request {request.id}: {request.title}",
        [
            ("project", request.project_id),
            ("requester", request.requester_id),
            ("status", request.status.value),
            ("created", local_text(request.created_at, tz)),
            ("submitted", local_text(request.submitted_at, tz)),
            ("decided", local_text(request.decided_at, tz)),
            ("decided by", request.decided_by),
            ("decision note", request.decision_note),
            ("note", request.note),
            (
                "waiting because",
                "\n".join(waiting_reasons(session, [request.id]).get(request.id, ())),
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
                        "duration": format_minutes(task.duration_minutes)
                        + (
                            f" (staffed {format_minutes(task.staff_minutes)})"
                            if task.staff_minutes is not None
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
            _bookings(session, tz, actor, request=request.id),
        ],
    )


def _show_booking(
    session: Session, tz: str, record_id: str, now: dt.datetime, actor: Actor
) -> Detail:
    booking = _get(session, t.Booking, _int_id(record_id, "booking"), "booking")
    task = session.get(t.Task, booking.task_id)
    request = session.get(t.Request, task.request_id)
    units, people = booking_resources(session, [booking.id])
    if actor.id not in people[booking.id]:
        actor.require(Action.READ_PROJECT, request.project_id)
    return Detail(
        f"Booking {booking.id}",
        [
            ("status", booking.status.value),
            ("start", local_text(booking.start, tz)),
            ("end", local_text(booking.end, tz)),
            ("request", f"{request.id}: {request.title}"),
            ("project", request.project_id),
            ("task", f"{task.key} {task.name}".strip()),
            ("units", ", ".join(units[booking.id])),
            ("people", ", ".join(people[booking.id])),
            ("created", f"{local_text(booking.created_at, tz)} by {booking.created_by}"),
        ],
    )


def _titled(listing: Listing, title: str) -> Listing:
    return Listing(title, listing.columns, listing.rows, listing.note)
