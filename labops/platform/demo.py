"""The demo platform: a realistic technology-transfer center, shown in the current weeks.

``labops demo`` loads it, approves its requests and commits a plan. Those steps are the
demo's own, recorded as done by ``demo`` (not by one of its people, who never did them).
Anyone may start an untouched demo afresh; once someone changed it (an approval, a booking,
a plan), replacing it takes an admin, as replacing any platform does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.db import Database
from labops.errors import InputError, NotFound
from labops.localtime import to_local, to_utc
from labops.permissions import Actor, resolve_actor
from labops.platform.load import LoadSummary, load_platform
from labops.platform.read import read_platform_file
from labops.records.catalog import platform_info
from labops.requests.service import approve_request
from labops.tables import AuditEvent
from labops.views import Listing, columns
from labops.vocabulary import ACTIVE_BOOKING, Access, RequestStatus

DEMO_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "demo.toml"
# Who the audit trail names for the demo's own approvals and plan: labops's demo script.
DEMO = Actor(id="demo", access=Access.OPERATOR, name="the labops demo", person=False)
# Events after a load that change nothing (besides the demo's own steps).
_NOT_CHANGES = ("database.backup",)


def demo_file() -> Path:
    if not DEMO_FILE.exists():
        raise NotFound(f"the demo platform file is missing: {DEMO_FILE}")
    return DEMO_FILE


def load_demo(
    db: Database, *, actor: Actor | None, now: dt.datetime, replace: bool = False
) -> LoadSummary:
    """Load the demo so that its first week is the current week; an earlier demo is replaced,
    any other platform only when ``replace`` is set."""
    data = read_platform_file(demo_file())
    with db.read() as session:
        try:
            current = platform_info(session).name
        except NotFound:
            current = None
    if current is not None and current != data.platform.name and not replace:
        raise InputError(
            f"the database holds platform '{current}', not the demo: "
            "use another --db, or --replace to overwrite it"
        )
    today = to_local(now, data.platform.timezone).date()
    return load_platform(
        db, data, actor=actor, now=now, replace=current is not None, rebase_to=today,
        open_to_all=untouched_demo if current == data.platform.name else None,
    )  # fmt: skip


def untouched_demo(session: Session) -> bool:
    """Whether nobody changed the platform since it was last loaded: no event after the
    load but the demo's own steps (and backups)."""
    loaded = session.exec(
        select(sa.func.max(AuditEvent.id)).where(AuditEvent.action == "platform.load")
    ).one()
    if loaded is None:
        return False
    changed = session.exec(
        select(AuditEvent.id)
        .where(AuditEvent.id > loaded)
        .where(AuditEvent.actor != DEMO.id)
        .where(col(AuditEvent.action).not_in(_NOT_CHANGES))
        .limit(1)
    ).first()
    return changed is None


def planned_as_of(db: Database, now: dt.datetime) -> dt.datetime:
    """When the demo's first plan is made: the start of today on the platform's clock, so
    that every run on one day (deterministic, seed 0) gives the same plan."""
    with db.read() as session:
        tz = platform_info(session).timezone
    return to_utc(dt.datetime.combine(to_local(now, tz).date(), dt.time()), tz)


def demo_operator(db: Database) -> Actor:
    """The demo's first operator, who approves and plans on the demo's behalf."""
    with db.read() as session:
        person_id = session.exec(
            select(t.Person.id).where(t.Person.access == Access.OPERATOR).order_by(t.Person.id)
        ).first()
        if person_id is None:
            raise NotFound("the demo platform has no operator")
        return resolve_actor(session, person_id)


def approve_submitted(db: Database, *, now: dt.datetime, actor: Actor = DEMO) -> list[int]:
    """Approve every submitted request (what an operator does first on the demo)."""
    with db.read() as session:
        ids = list(
            session.exec(
                select(t.Request.id)
                .where(t.Request.status == RequestStatus.SUBMITTED)
                .order_by(col(t.Request.id))
            )
        )
    for request_id in ids:
        approve_request(db, actor=actor, request_id=request_id, now=now, note="demo")
    return ids


def bookings_per_site(db: Database, *, now: dt.datetime) -> Listing:
    """Live bookings from now on, per site: how many and how many unit-hours."""
    with db.read() as session:
        rows = session.exec(
            select(t.Equipment.site, t.BookingUnit.busy_start, t.BookingUnit.busy_end)
            .join(t.Booking, col(t.Booking.id) == t.BookingUnit.booking_id)
            .join(t.Equipment, col(t.Equipment.id) == t.BookingUnit.equipment_id)
            .where(col(t.Booking.status).in_(ACTIVE_BOOKING), t.Booking.end > now)
        ).all()
    per_site: dict[str, list[float]] = {}
    for site, start, end in rows:
        entry = per_site.setdefault(site, [0, 0.0])
        entry[0] += 1
        entry[1] += (end - start).total_seconds() / 3600
    return Listing(
        "Bookings per site from now on",
        columns("site:Site", "units:Unit bookings#", "hours:Unit-hours#"),
        [
            {"site": site, "units": n, "hours": round(hours, 1)}
            for site, (n, hours) in sorted(per_site.items())
        ],
    )
