"""Queueing messages in the transaction of a change: one message per person per commit.

The services call one function at the point of each write, inside their transaction, so a
message exists if and only if the change was committed (a rolled-back write queues
nothing). What one transaction queues for a person is gathered into one message: the
session remembers the messages it queued (``session.info``), and a second call in the same
transaction adds its lines to them instead of queueing another.

Messages say in plain words what changed, the old and new times in the platform's time
zone, the units and their sites, and whom to ask (the person who made the change, or the
platform's operators when labops itself did).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlmodel import Session, col, select

from labops import tables as t
from labops.localtime import span
from labops.permissions import Actor
from labops.vocabulary import Access, RequestStatus

_PENDING = "labops_outbox"  # session.info: person id -> the message being gathered


class Placed(Protocol):  # read-only members, so that frozen dataclasses match
    @property
    def start(self) -> dt.datetime: ...
    @property
    def end(self) -> dt.datetime: ...
    @property
    def units(self) -> tuple[str, ...]: ...
    @property
    def people(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Where:
    start: dt.datetime
    end: dt.datetime
    units: tuple[str, ...]
    people: tuple[str, ...]


@dataclass(frozen=True)
class BookingNews:
    """What happened to one booking: ``old`` and ``new`` placements (None: not there)."""

    what: str  # "moved", "cancelled", "booked by hand", ...
    request_id: int
    task: str  # the task's key
    project: str
    title: str
    old: Placed | None
    new: Placed | None
    booking_id: int | None = None

    @property
    def people(self) -> list[str]:
        found = [*(self.old.people if self.old else ()), *(self.new.people if self.new else ())]
        return list(dict.fromkeys(found))


@dataclass
class _Gathered:
    message: t.Notification
    sections: dict[str, list[str]] = field(default_factory=dict)  # opening -> its lines
    closing: list[str] = field(default_factory=list)


def queue_plan_changes(
    session: Session, changes: Iterable[Any], *, by: Actor, now: dt.datetime, why: str
) -> int:
    """Queue the changes of a committed plan (labops.planning.proposal.BookingChange)."""
    news = [
        BookingNews(
            what=change.change.value,
            request_id=change.request_id,
            task=change.task.split(".", 1)[1],
            project=change.project,
            title=change.title,
            old=change.old,
            new=change.new,
            booking_id=change.booking_id,
        )
        for change in changes
    ]
    return queue_booking_news(session, news, by=by, now=now, why=why)


def queue_booking_changes(
    session: Session,
    booking_ids: Iterable[int],
    *,
    what: str,
    by: Actor,
    now: dt.datetime,
    why: str,
    new: bool = False,
) -> int:
    """Queue news of bookings as they are now in the transaction: a status change (the
    same times before and after) or, with ``new``, a booking made."""
    ids = list(booking_ids)
    if not ids:
        return 0
    rows = session.exec(
        select(t.Booking, t.Task, t.Request)
        .join(t.Task, col(t.Task.id) == t.Booking.task_id)
        .join(t.Request, col(t.Request.id) == t.Task.request_id)
        .where(col(t.Booking.id).in_(ids))
        .order_by(col(t.Booking.start))
    ).all()
    units: dict[int, list[str]] = defaultdict(list)
    for row in session.exec(
        select(t.BookingUnit)
        .where(col(t.BookingUnit.booking_id).in_(ids))
        .order_by(col(t.BookingUnit.position))
    ):
        units[row.booking_id].append(row.equipment_id)
    people: dict[int, list[str]] = defaultdict(list)
    for staffed in session.exec(
        select(t.BookingPerson)
        .where(col(t.BookingPerson.booking_id).in_(ids))
        .order_by(t.BookingPerson.person_id)
    ):
        if staffed.person_id not in people[staffed.booking_id]:  # a person of several shifts: once
            people[staffed.booking_id].append(staffed.person_id)
    news = []
    for booking, task, request in rows:
        where = Where(
            booking.start, booking.end, tuple(units[booking.id]), tuple(people[booking.id])
        )
        news.append(
            BookingNews(
                what=what,
                request_id=request.id,
                task=task.key,
                project=request.project,
                title=request.title,
                old=None if new else where,
                new=where,
                booking_id=booking.id,
            )
        )
    return queue_booking_news(session, news, by=by, now=now, why=why)


def queue_booking_news(
    session: Session, news: list[BookingNews], *, by: Actor, now: dt.datetime, why: str
) -> int:
    """Queue (or add to) one message per person concerned; returns how many people."""
    if not news:
        return 0
    info = session.get_one(t.PlatformInfo, 1)
    tz = info.timezone
    sites = _unit_sites(session)
    per_person: dict[str, list[str]] = defaultdict(list)
    for item in news:
        lines = _booking_lines(item, tz, sites)
        for person in item.people:
            per_person[person].extend(lines)
    for person_id, lines in per_person.items():
        _gather(
            session,
            person_id=person_id,
            topic="bookings",
            subject=f"{info.name}: your bookings changed",
            opening=f"{_who(session, by)} changed your bookings ({why}):",
            lines=lines,
            by=by,
            now=now,
            closing=f"Times are {tz} time.",
        )
    return len(per_person)


def queue_decision(session: Session, request: t.Request, *, by: Actor, now: dt.datetime) -> int:
    """Tell the request's lead and requester that it was approved or rejected."""
    project = session.get(t.Project, request.project)
    info = session.get_one(t.PlatformInfo, 1)
    verb = request.status.value
    approved = request.status == RequestStatus.APPROVED
    label = "Note" if approved else "Reason"
    note = f"\n{label}: {request.decision_note}" if request.decision_note else ""
    if approved:
        note += "\nThe next plan schedules its tasks; you hear again when they are booked."
    recipients = dict.fromkeys(
        x for x in (project.lead if project else None, request.requester) if x
    )
    for person_id in recipients:
        _gather(
            session,
            person_id=person_id,
            topic="request",
            subject=f"{info.name}: request {request.id} {verb}",
            opening=f"{_who(session, by)} {verb} request {request.id}:",
            lines=[f'- "{request.title}" (project {request.project}){note}'],
            by=by,
            now=now,
        )
    return len(recipients)


def queue_downtime_hits(
    session: Session,
    booking_ids: Iterable[int],
    *,
    unit_id: str,
    start: dt.datetime,
    end: dt.datetime,
    by: Actor,
    now: dt.datetime,
) -> int:
    """Tell the people of bookings that downtime hits: the booking stands until a repair
    re-plans it, so they hear now and again when it moves."""
    tz = session.get_one(t.PlatformInfo, 1).timezone
    return queue_booking_changes(
        session,
        booking_ids,
        what=f"hit by downtime of {unit_id} ({span(start, end, tz)}); it may move",
        by=by,
        now=now,
        why="downtime",
    )


def _booking_lines(item: BookingNews, tz: str, sites: dict[str, str]) -> list[str]:
    head = (
        f"- {item.what[:1].upper()}{item.what[1:]}: task {item.task} of request {item.request_id} "
        f'"{item.title}" (project {item.project})'
    )
    lines = [head]
    if item.old is not None and item.new is not None and _same(item.old, item.new):
        lines.append(f"  when: {_place(item.new, tz, sites)}")
        return lines
    if item.old is not None:
        lines.append(f"  was:  {_place(item.old, tz, sites)}")
    if item.new is not None and item.what != "cancelled":
        lines.append(f"  now:  {_place(item.new, tz, sites)}")
    elif item.what == "cancelled":
        lines.append("  now:  cancelled")
    return lines


def _same(a: Placed, b: Placed) -> bool:
    return (a.start, a.end, tuple(a.units), tuple(a.people)) == (
        b.start,
        b.end,
        tuple(b.units),
        tuple(b.people),
    )


def _place(where: Placed, tz: str, sites: dict[str, str]) -> str:
    units = ", ".join(f"{u} ({sites.get(u, '?')})" for u in where.units) or "no unit"
    people = ", ".join(where.people) or "nobody"
    return f"{span(where.start, where.end, tz)} on {units}; with {people}"


def _unit_sites(session: Session) -> dict[str, str]:
    rows = session.exec(
        select(col(t.Equipment.id), col(t.Site.name)).join(
            t.Site, col(t.Site.id) == t.Equipment.site
        )
    )
    return dict(rows.all())


def _who(session: Session, by: Actor) -> str:
    if by.person:
        return by.name or by.id
    return f"labops ({by.id})"


def _contact(session: Session, by: Actor) -> str:
    """Whom to ask: the person who made the change, else the platform's operators."""
    if by.person:
        person = session.get(t.Person, by.id)
        if person is not None:
            return _address(person)
    operators = session.exec(
        select(t.Person).where(t.Person.access == Access.OPERATOR).order_by(t.Person.id)
    ).all()
    return ", ".join(_address(p) for p in operators) or "the platform's operators"


def _address(person: t.Person) -> str:
    return f"{person.name} <{person.email}>" if person.email else person.name


def _gather(
    session: Session,
    *,
    person_id: str,
    topic: str,
    subject: str,
    opening: str,
    lines: list[str],
    by: Actor,
    now: dt.datetime,
    closing: str = "",
) -> None:
    """Add ``lines`` to the person's message of this transaction, queueing it if new. A
    person without an e-mail address gets none (nothing could deliver it)."""
    person = session.get(t.Person, person_id)
    if person is None or not person.email:
        return
    pending: dict[str, _Gathered] = session.info.setdefault(_PENDING, {})
    gathered = pending.get(person_id)
    if gathered is None:
        message = t.Notification(
            created_at=now,
            actor=by.id,
            topic=topic,
            person_id=person_id,
            recipient=person.email,
            subject=subject,
            body="",
        )
        session.add(message)
        gathered = pending[person_id] = _Gathered(message)
    gathered.sections.setdefault(opening, []).extend(lines)
    if closing and closing not in gathered.closing:
        gathered.closing.append(closing)
    body = [f"Hello {person.name},", ""]
    for head, section in gathered.sections.items():
        body += [head, *section, ""]
    gathered.message.body = "\n".join(
        [
            *body,
            *gathered.closing,
            f"Questions: ask {_contact(session, by)}.",
            "",
            "-- labops",
        ]
    )


def queue_certificate(
    session: Session,
    cert: t.Certification,
    *,
    kind_name: str,
    today: dt.date,
    by: Actor,
    now: dt.datetime,
) -> int:
    """A reminder that a certificate ends soon, once per certificate and expiry date (a
    renewed certificate, with a new date, gets its own). Returns 1 if queued, else 0."""
    key = f"certificate:{cert.person_id}:{cert.kind_id}:{cert.expires.isoformat()}"
    if session.exec(select(t.Notification.id).where(t.Notification.once_key == key)).first():
        return 0
    person = session.get(t.Person, cert.person_id)
    if person is None or not person.email:
        return 0
    info = session.get_one(t.PlatformInfo, 1)
    left = (cert.expires - today).days
    session.add(
        t.Notification(
            created_at=now,
            actor=by.id,
            topic="certificate",
            person_id=person.id,
            recipient=person.email,
            subject=f"{info.name}: your {cert.kind_id} certificate ends on {cert.expires}",
            body="\n".join(
                [
                    f"Hello {person.name},",
                    "",
                    f"your certificate to operate {kind_name} ({cert.kind_id}) is valid until "
                    f"{cert.expires:%a %d %b %Y}, {left} days from today. After that day plans "
                    "no longer give you tasks that need it.",
                    "",
                    f"To renew it, ask {_contact(session, by)}.",
                    "",
                    "-- labops",
                ]
            ),
            once_key=key,
        )
    )
    return 1
