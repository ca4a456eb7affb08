"""The charge lines of a span of time, from what was recorded (or, failing that, planned).

What is charged, per booking, on the local day it began:
- each unit a finished booking held: its hours (checked in to out; the planned hours of a
  booking marked done without recorded use) rounded up to ``[charges] rounding``, times
  the unit's rate for the project's tier, times the capacity it held (``unit_cost``, as
  committed money is reckoned), at least ``minimum_charge``;
- each of the platform's staff on it, by role (``staff_rates``), for the hours they were
  needed (the whole use, or an unattended task's ``staff_for``);
- a no-show: ``no_show_fee``; a booking cancelled by an operator (``booking cancel``) less
  than ``late_cancel_within`` before its start: ``late_cancel_fee``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TypedDict

from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.costs import unit_cost
from labops.charges.settings import ChargeSettings
from labops.localtime import to_local
from labops.vocabulary import BookingStatus

# The plan's own cancellations (labops.planning.commit) are the platform's doing: no fee.
_PLAN_DROPPED = "plan dropped"
WHAT_ORDER = {"unit": 0, "staff": 1, "no-show": 2, "late cancellation": 3}


@dataclass(frozen=True)
class Line:
    day: dt.date
    pool: str
    project: str
    cost_centre: str
    booking_id: int | None
    what: str  # unit, staff, no-show, late cancellation
    unit: str
    person: str
    basis: str  # actual, planned, fee
    minutes: int  # billed
    rate: int  # cents an hour (for the capacity held), or the fee
    amount: int  # cents

    @property
    def month(self) -> str:
        return self.day.strftime("%Y-%m")


class _Charged(TypedDict):
    """What every line of one booking shares."""

    day: dt.date
    pool: str
    project: str
    cost_centre: str
    booking_id: int | None


def charge_settings(info: t.PlatformInfo) -> ChargeSettings:
    return ChargeSettings.model_validate(info.charges)


def charge_lines(session: Session, start: dt.datetime, end: dt.datetime) -> list[Line]:
    """Every charge line of bookings charged between ``start`` and ``end`` (UTC), sorted by
    pool, project, day and booking."""
    info = session.get_one(t.PlatformInfo, 1)
    tz, rules = info.timezone, charge_settings(info)
    used_in = list(
        session.exec(
            select(t.Usage.booking_id).where(col(t.Usage.start) >= start, col(t.Usage.start) < end)
        )
    )
    # Bookings charged by their recorded use's start, the rest by their planned start.
    candidates = session.exec(
        select(t.Booking, t.Task, t.Request)
        .join(t.Task, col(t.Task.id) == t.Booking.task_id)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        .where(
            (col(t.Booking.start) < end) & (col(t.Booking.start) >= start)
            | col(t.Booking.id).in_(used_in)
        )
        .order_by(col(t.Booking.id))
    ).all()
    ids = [b.id for b, _, _ in candidates]
    uses = {
        u.booking_id: u
        for u in session.exec(select(t.Usage).where(col(t.Usage.booking_id).in_(ids)))
    }
    projects = {p.id: p for p in session.exec(select(t.Project))}
    people = {p.id: p for p in session.exec(select(t.Person))}
    units = {u.id: u for u in session.exec(select(t.Equipment))}
    rates = {(r.equipment_id, r.tier): r.hourly_rate for r in session.exec(select(t.UnitRate))}
    held = _group(session, t.BookingUnit, ids)
    staffed = _group(session, t.BookingPerson, ids)
    late = _late_cancellations(session, ids, rules)
    lines: list[Line] = []
    for booking, task, request in candidates:
        use = uses.get(booking.id)
        began = use.start if use is not None and use.start is not None else booking.start
        if not start <= began < end:
            continue
        project = projects[request.project]
        base: _Charged = {
            "day": to_local(began, tz).date(),
            "pool": project.fund_pool,
            "project": project.id,
            "cost_centre": project.cost_centre or project.id,
            "booking_id": booking.id,
        }
        persons = [people[p.person_id] for p in staffed[booking.id]]
        customers = " ".join(p.id for p in persons if not p.platform_staff) or " ".join(
            p.id for p in persons
        )
        first_unit = held[booking.id][0].equipment_id if held[booking.id] else ""
        if use is not None and use.no_show:
            lines += _fee(base, "no-show", first_unit, customers, rules.no_show_fee)
            continue
        if booking.status == BookingStatus.CANCELLED:
            if booking.id in late:
                lines += _fee(
                    base, "late cancellation", first_unit, customers, rules.late_cancel_fee
                )
            continue
        if use is not None and use.end is not None:
            minutes, basis = use.minutes, "actual"
        elif booking.status == BookingStatus.DONE and (use is None or use.start is None):
            minutes, basis = task.duration, "planned"
        else:  # not finished yet: charged when it is
            continue
        billed = rules.billed_minutes(minutes)
        tier = project.tier or rules.default_tier
        for hold in held[booking.id]:
            rate = rates.get((hold.equipment_id, tier), units[hold.equipment_id].hourly_rate)
            amount = max(unit_cost(rate, hold.amount, billed), rules.minimum_charge)
            lines.append(
                Line(
                    **base,
                    what="unit",
                    unit=hold.equipment_id,
                    person=customers,
                    basis=basis,
                    minutes=billed,
                    rate=rate * hold.amount,
                    amount=amount,
                )
            )
        staff_minutes = rules.billed_minutes(
            min(task.staff_for, minutes) if task.staff_for is not None else minutes
        )
        for person in persons:
            rate = rules.staff_rates.get(person.role, 0)
            if not person.platform_staff or rate == 0:
                continue
            lines.append(
                Line(
                    **base,
                    what="staff",
                    unit=first_unit,
                    person=person.id,
                    basis=basis,
                    minutes=staff_minutes,
                    rate=rate,
                    amount=unit_cost(rate, 1, staff_minutes),
                )
            )
    lines.sort(key=lambda x: (x.pool, x.project, x.day, x.booking_id or 0, WHAT_ORDER[x.what]))
    return lines


def _fee(base: _Charged, what: str, unit: str, person: str, fee: int) -> list[Line]:
    if fee <= 0:
        return []
    return [
        Line(**base, what=what, unit=unit, person=person, basis="fee", minutes=0, rate=fee,
             amount=fee)
    ]  # fmt: skip


def _late_cancellations(session: Session, ids: list[int], rules: ChargeSettings) -> set[int]:
    """The bookings among ``ids`` an operator cancelled within the late window."""
    if rules.late_cancel_fee <= 0 or not ids:
        return set()
    window = dt.timedelta(minutes=rules.late_cancel_within)
    starts = dict(
        session.exec(select(t.Booking.id, t.Booking.start).where(col(t.Booking.id).in_(ids))).all()
    )
    late = set()
    for event in session.exec(
        select(t.AuditEvent)
        .where(t.AuditEvent.action == "booking.cancel", t.AuditEvent.record_type == "booking")
        .where(col(t.AuditEvent.record_id).in_([str(i) for i in ids]))
    ):
        if event.summary.startswith(_PLAN_DROPPED):
            continue
        booking_id = int(event.record_id)
        if event.at > starts[booking_id] - window:
            late.add(booking_id)
    return late


def _group(session: Session, table, ids: list[int]) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    order = col(table.position) if table is t.BookingUnit else col(table.person_id)
    for row in session.exec(
        select(table).where(col(table.booking_id).in_(ids)).order_by(col(table.booking_id), order)
    ):
        out[row.booking_id].append(row)
    return out
