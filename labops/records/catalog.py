"""What every view of the platform reads alike: the platform's row and time zones, times as
local text, pages of a query, a booking's units and people, weekly hours as text. The views
themselves: ``listings`` and ``project_listings`` (`labops list`), ``details`` (`labops show`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from labops import tables as t
from labops.errors import NotFound
from labops.localtime import same_clock
from labops.views import Page
from labops.vocabulary import WEEKDAYS


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


def booking_resources(
    session: Session, booking_ids: list[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Units (in need order) and people of each booking (a shift person once, however
    many shifts they cover: ``booking_shifts`` has the shifts)."""
    units: dict[int, list[str]] = defaultdict(list)
    people: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks(booking_ids):
        # Plain columns, not rows as objects: a dashboard asks for thousands of bookings.
        for booking_id, unit in session.exec(
            select(t.BookingUnit.booking_id, t.BookingUnit.equipment_id)
            .where(col(t.BookingUnit.booking_id).in_(chunk))
            .order_by(col(t.BookingUnit.position))
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
    for chunk in chunks(booking_ids):
        for booking_id, person, lo, hi in session.exec(
            select(bp.booking_id, bp.person_id, bp.busy_start, bp.busy_end)
            .where(col(bp.booking_id).in_(chunk), bp.shift > 0)
            .order_by(col(bp.shift))
        ):
            shifts[booking_id].append((person, lo, hi))
    return shifts


def chunks(ids: list[int], size: int = 500) -> list[list[int]]:
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
