"""What `labops list` prints and the TUI lists: list_records, its filters, and the listings of
the platform's shared records (sites, equipment, people); the project-bound ones are in
``labops.records.project_listings``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.db import Database
from labops.errors import InputError, PermissionDenied
from labops.fields import format_money
from labops.localtime import same_clock
from labops.permissions import Actor
from labops.records.catalog import clock_text, compact_hours, platform_info
from labops.records.project_listings import (
    bookings_listing,
    funds_listing,
    projects_listing,
    requests_listing,
)
from labops.views import Listing, Page, columns
from labops.vocabulary import WEEKDAYS, BookingStatus, RequestStatus, Role

KINDS = ("sites", "equipment", "people", "projects", "funds", "requests", "bookings")
PRIVATE = ("projects", "funds", "requests", "bookings")
PAGED = ("requests", "bookings")


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
    listers: dict[str, Callable[..., Listing]] = {
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
    for row in session.exec(
        select(t.SiteHours).order_by(col(t.SiteHours.weekday), col(t.SiteHours.opens))
    ):
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
    for cert in session.exec(select(t.Certification).order_by(t.Certification.kind_id)):
        certs[cert.person_id].append(cert.kind_id)
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
