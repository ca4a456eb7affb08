"""One record in detail: what `labops show` prints and the TUI's detail panes."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from labops import tables as t
from labops.db import Database
from labops.equipment.model import EquipmentFields
from labops.errors import InputError, PermissionDenied
from labops.localtime import local_text, to_local
from labops.permissions import Action, Actor
from labops.records.catalog import clock_text, compact_hours, platform_info, zone_note
from labops.records.detail_parts import FIRST, section, stored, titled
from labops.records.forms import detail_lines
from labops.records.listings import equipment_listing
from labops.records.project_details import show_booking, show_project, show_request
from labops.records.project_listings import bookings_listing
from labops.views import Detail, Listing, columns
from labops.vocabulary import WEEKDAYS


def show_record(
    db: Database, kind: str, record_id: str, *, now: dt.datetime, actor: Actor | None = None
) -> Detail:
    """One record in detail; projects, requests and bookings need an identity."""
    shows = {
        "site": _show_site,
        "equipment": _show_equipment,
        "person": _show_person,
        "project": show_project,
        "request": show_request,
        "booking": show_booking,
    }
    if kind not in shows:
        raise InputError(f"cannot show {kind!r}: choose one of {', '.join(shows)}")
    with db.read() as session:
        info = platform_info(session)
        viewer = actor or Actor.anonymous()
        if actor is None and kind in ("project", "request", "booking"):
            raise PermissionDenied("who is acting? give --as PERSON or set LABOPS_USER")
        return shows[kind](session, info.timezone, record_id, now, viewer)


def _show_site(session: Session, tz: str, site_id: str, now: dt.datetime, actor: Actor) -> Detail:
    site = stored(session, t.Site, site_id, "site")
    closures = session.exec(
        select(t.SiteClosure)
        .where(t.SiteClosure.site_id == site_id)
        .order_by(col(t.SiteClosure.first_day))
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
    unit = stored(session, t.Equipment, unit_id, "equipment unit")
    downtime = session.exec(
        select(t.Downtime)
        .where(col(t.Downtime.equipment_id) == unit_id)
        .order_by(col(t.Downtime.start))
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
            section(
                titled(
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
    person = stored(session, t.Person, person_id, "person")
    certs = session.exec(
        select(t.Certification)
        .where(t.Certification.person_id == person_id)
        .order_by(t.Certification.kind_id)
    )
    absences = session.exec(
        select(t.Absence)
        .where(col(t.Absence.person_id) == person_id)
        .order_by(col(t.Absence.start))
    )
    skills = session.exec(
        select(t.Skill).where(t.Skill.person_id == person_id).order_by(t.Skill.skill)
    )
    hours = session.exec(
        select(t.PersonHours)
        .where(t.PersonHours.person_id == person_id)
        .order_by(col(t.PersonHours.weekday))
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
            section(
                titled(
                    bookings_listing(session, tz, actor, person=person_id, start=now, page=FIRST),
                    "Assignments from now",
                ),
                f"labops list bookings --person {person_id} "
                f"--from '{local_text(now, tz)}' --page 2",
            ),
        ],
    )
