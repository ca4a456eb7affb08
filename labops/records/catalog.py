"""Looking at the platform: what `labops list` and `labops show` print, and the TUI lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.window import longest_hold
from labops.db import Database
from labops.errors import InputError, NotFound, PermissionDenied
from labops.fields import format_money
from labops.localtime import same_clock, to_local
from labops.permissions import Action, Actor
from labops.views import Listing, Page, columns
from labops.vocabulary import ACTIVE_BOOKING, WEEKDAYS, BookingStatus, RequestStatus, Role

KINDS = ("sites", "equipment", "people", "projects", "funds", "requests", "bookings")
PRIVATE = ("projects", "funds", "requests", "bookings")
PAGED = ("requests", "bookings")


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


def list_records(
    db: Database,
    what: str,
    *,
    actor: Actor | None = None,
    page: Page | None = None,
    **filters: Any,
) -> Listing:
    """The rows of one kind of record, narrowed by ``filters`` (None means no filter).
    Requests and bookings, which a platform gathers by the hundred thousand, are read one
    ``page`` at a time when one is given (the listing says how many match in all).

    Sites, equipment and people are open to everyone; projects, requests and bookings need
    an identity, and show other projects' bookings as busy time only (see permissions)."""
    listers = {
        "sites": sites_listing,
        "equipment": equipment_listing,
        "people": people_listing,
        "projects": projects_listing,
        "funds": funds_listing,
        "requests": requests_listing,
        "bookings": bookings_listing,
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
        if what in PAGED:
            chosen["page"] = page
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
            given = [value] if isinstance(value, str) else list(value)
            if any(v not in {member.value for member in vocabulary} for v in given):
                choices = ", ".join(member.value for member in vocabulary)
                raise InputError(f"--{name} {value}: choose one of {choices}")
        elif (
            name == "skill"
            and session.exec(select(t.Skill.skill).where(t.Skill.skill == value).limit(1)).first()
            is None
        ):
            raise InputError(f"--skill {value}: nobody has the skill {value!r}")


def sites_listing(session: Session, tz: str) -> Listing:
    hours: dict[str, list[str]] = defaultdict(list)
    for row in session.exec(select(t.SiteHours).order_by(t.SiteHours.weekday, t.SiteHours.opens)):
        hours[row.site_id].append(
            f"{WEEKDAYS[row.weekday]} {row.opens:%H:%M}-{clock_text(row.closes)}"
        )
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
                "hours": compact_hours(hours[s.id])
                + ("" if same_clock(s.timezone, tz) else f" ({s.timezone} time)"),
            }
            for s in session.exec(select(t.Site).order_by(t.Site.id))
        ],
    )


def equipment_listing(
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


def people_listing(
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
    query = select(t.Request).order_by(t.Request.id)
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
    for chunk in _chunks([r.id for r in found]):
        for request_id, n, minutes in session.exec(
            select(t.Task.request_id, sa.func.count(), sa.func.sum(t.Task.duration))
            .where(col(t.Task.request_id).in_(chunk))
            .group_by(t.Task.request_id)
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
    query = select(t.Booking).order_by(t.Booking.start, t.Booking.id)
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
        query = query.join(t.Task, t.Task.id == t.Booking.task_id)
    if project:
        # Which slots are a project's is that project's business: no filtering by it for
        # someone who may not see its bookings.
        actor.require(Action.READ_PROJECT, project)
        query = query.join(t.Request, t.Request.id == t.Task.request_id).where(
            t.Request.project == project
        )
    if request:
        query = query.where(t.Task.request_id == request)
    if start:
        query = query.where(t.Booking.end > start, t.Booking.start >= since)
    if end:
        query = query.where(t.Booking.start < end)
    bookings, total = paged(session, query, page)
    ids = [b.id for b in bookings]
    units, people = booking_resources(session, ids)
    tasks: dict[int, tuple[t.Task, t.Request]] = {}
    for chunk in _chunks(sorted({b.task_id for b in bookings})):
        for task, r in session.exec(
            select(t.Task, t.Request)
            .join(t.Request, t.Request.id == t.Task.request_id)
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


def paged(session: Session, query: Any, page: Page | None) -> tuple[list[Any], int | None]:
    """The rows of ``query`` on ``page`` (all of them for None), and how many match in all
    (None when every row was read): a page reads its rows with LIMIT/OFFSET and counts the
    matches with COUNT, so a long history is never loaded to show a screenful."""
    if page is None or page.size is None:
        return list(session.exec(query)), None
    rows = list(session.exec(query.limit(page.size).offset(page.offset)))
    if page.offset == 0 and len(rows) < page.size:
        return rows, len(rows)  # everything fits on the first page: no need to count
    counted = select(sa.func.count()).select_from(query.order_by(None).subquery())
    return rows, session.exec(counted).one()


def _escaped(text: str) -> str:
    """``text`` for a LIKE pattern, its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _redacted(row: dict[str, Any], actor: Actor, people: list[str]) -> dict[str, Any]:
    """A booking as its viewer may see it: details for their projects and their own
    assignments, plain busy time otherwise."""
    if actor.id in people or actor.can(Action.READ_PROJECT, row["project"]):
        return row
    return {**row, "project": "", "request": None, "task": "busy", "people": ""}


def booking_resources(
    session: Session, booking_ids: list[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Units (in need order) and people of each booking (a shift person once, however
    many shifts they cover: ``booking_shifts`` has the shifts)."""
    units: dict[int, list[str]] = defaultdict(list)
    people: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(booking_ids):
        # Plain columns, not rows as objects: a dashboard asks for thousands of bookings.
        for booking_id, unit in session.exec(
            select(t.BookingUnit.booking_id, t.BookingUnit.equipment_id)
            .where(col(t.BookingUnit.booking_id).in_(chunk))
            .order_by(t.BookingUnit.position)
        ):
            units[booking_id].append(unit)
        for booking_id, person in session.exec(
            select(t.BookingPerson.booking_id, t.BookingPerson.person_id)
            .where(col(t.BookingPerson.booking_id).in_(chunk))
            .order_by(t.BookingPerson.person_id)
        ):
            if person not in people[booking_id][-1:]:
                people[booking_id].append(person)
    return units, people


def booking_shifts(
    session: Session, booking_ids: list[int]
) -> dict[int, list[tuple[str, dt.datetime, dt.datetime]]]:
    """The shifts of each booking of a task in shifts: (person, start, end) in time order."""
    shifts: dict[int, list[tuple[str, dt.datetime, dt.datetime]]] = defaultdict(list)
    bp = t.BookingPerson
    for chunk in _chunks(booking_ids):
        for booking_id, person, lo, hi in session.exec(
            select(bp.booking_id, bp.person_id, bp.busy_start, bp.busy_end)
            .where(col(bp.booking_id).in_(chunk), bp.shift > 0)
            .order_by(bp.shift)
        ):
            shifts[booking_id].append((person, lo, hi))
    return shifts


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def clock_text(value: dt.time) -> str:
    return "24:00" if value == dt.time.max else f"{value:%H:%M}"


def compact_hours(days: list[str]) -> str:
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
