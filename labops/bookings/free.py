"""Free windows of equipment: what a lead can ask for before asking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise

from sqlmodel import col, select

from labops import tables as t
from labops.calendars import Calendars
from labops.db import Database
from labops.errors import InputError, NotFound
from labops.localtime import local_text, monday_of, to_local, to_utc
from labops.planning.grid import SlotGrid
from labops.records.catalog import platform_info, zone_note
from labops.views import Listing, columns
from labops.vocabulary import ACTIVE_BOOKING


def free_windows(
    db: Database,
    *,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    site: str | None = None,
    min_hours: float = 0.0,
    amount: int = 1,
) -> Listing:
    """Windows in which a unit of ``kind`` is open and has ``amount`` capacity free."""
    if end <= start:
        raise InputError("--to must be after --from")
    if end - start > dt.timedelta(days=366):
        raise InputError("look at most a year ahead")
    if min_hours < 0 or amount < 1:
        raise InputError("--hours must not be negative and --amount must be at least 1")
    with db.read() as session:
        info = platform_info(session)
        tz, slot_minutes = info.timezone, info.slot_minutes
        if session.get(t.Kind, kind) is None:
            raise NotFound(f"no equipment kind {kind!r}")
        if site is not None and session.get(t.Site, site) is None:
            raise NotFound(f"no site {site!r}")
        calendars = Calendars(session, start, end)
        units = [
            u
            for u in sorted(calendars.units.values(), key=lambda u: u.id)
            if u.kind == kind and (site is None or u.site == site) and u.capacity >= amount
        ]
        usage: dict[str, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
        for row in session.exec(
            select(t.BookingUnit)
            .join(t.Booking, col(t.Booking.id) == t.BookingUnit.booking_id)
            .where(col(t.BookingUnit.equipment_id).in_([u.id for u in units]))
            .where(t.BookingUnit.busy_start < end, t.BookingUnit.busy_end > start)
            .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
        ):
            usage[row.equipment_id].append((row.busy_start, row.busy_end, row.amount))
        rows = []
        for unit in units:
            for a, b, free in _free(
                calendars.unit_open(unit.id), usage[unit.id], unit.capacity, amount
            ):
                # Only what the plan's slot grid can book: whole slots, no slivers.
                a = _on_grid(a, slot_minutes, tz, up=True)
                b = _on_grid(b, slot_minutes, tz, up=False)
                if b - a < dt.timedelta(minutes=slot_minutes):
                    continue
                hours = (b - a).total_seconds() / 3600
                if hours + 1e-9 >= min_hours:
                    rows.append(
                        {
                            "unit": unit.id,
                            "site": unit.site,
                            "start": local_text(a, tz),
                            "end": local_text(b, tz),
                            "hours": round(hours, 2),
                            "free": free,
                        }
                    )
        note = zone_note(session, tz, {unit.site for unit in units})
    rows.sort(key=lambda r: (r["start"], r["unit"]))
    return Listing(
        f"Free {kind} time",
        columns(
            "unit:Unit", "site:Site", "start:From", "end:To", "hours:Hours#", "free:Free cap.#"
        ),
        rows,
        note,
    )


def _free(
    open_spans: list[tuple[dt.datetime, dt.datetime]],
    usage: list[tuple[dt.datetime, dt.datetime, int]],
    capacity: int,
    amount: int,
) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """Maximal spans inside the open spans where at least ``amount`` capacity is free, with
    the smallest free capacity over each span."""
    events: dict[dt.datetime, int] = defaultdict(int)
    for a, b, used in usage:
        events[a] += used
        events[b] -= used
    result = []
    for open_a, open_b in open_spans:
        cuts = sorted({open_a, open_b, *(x for x in events if open_a < x < open_b)})
        used = sum(delta for x, delta in events.items() if x <= open_a)
        current: list = []
        for a, b in pairwise(cuts):
            if a != open_a:
                used += events.get(a, 0)
            free = capacity - used
            if free >= amount:
                if current and current[1] == a:
                    current = [current[0], b, min(current[2], free)]
                else:
                    if current:
                        result.append(tuple(current))
                    current = [a, b, free]
            elif current:
                result.append(tuple(current))
                current = []
        if current:
            result.append(tuple(current))
    return result


def _on_grid(instant: dt.datetime, slot_minutes: int, tz: str, *, up: bool) -> dt.datetime:
    """The slot boundary of the plan's grid at or after (``up``) or before ``instant``: the
    grid counts slots from the local Monday midnight of its week (labops.planning.build)."""
    monday = monday_of(to_local(instant, tz).date())
    grid = SlotGrid(to_utc(dt.datetime.combine(monday, dt.time()), tz), slot_minutes, 0)
    return grid.at(grid.ceil(instant) if up else grid.floor(instant))
