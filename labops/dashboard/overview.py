"""The day at a glance: what runs now and next per site, this week's use, what needs care
(the alerts: ``labops.dashboard.alerts``).

An operator's dashboard reads a few hundred rows at most: bookings from now to a week
ahead, this week's unit use, open requests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.window import longest_hold, overlapping
from labops.calendars import Calendars, clip, hours
from labops.dashboard.alerts import LOOK_AHEAD, NOT_YET_DONE, SEVERITY, Alert, current_alerts
from labops.db import Database
from labops.localtime import day_start, monday_of, to_local
from labops.permissions import Action, Actor
from labops.records.catalog import booking_resources, other_zones, platform_info
from labops.records.listings import list_records
from labops.views import Listing, Page
from labops.vocabulary import ACTIVE_BOOKING, RequestStatus

UPCOMING_PER_SITE = 3
PENDING_SHOWN = 200  # pending requests listed; the dashboard counts them all


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
            for alert in current_alerts(session, now, tz, longest)
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
