"""Writing a checked platform file into the database, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlmodel import Session, SQLModel

from labops import tables as t
from labops.audit import record
from labops.charges.model import UnitRate
from labops.columns import self_references
from labops.db import Database, follow_written_ids
from labops.equipment.model import Downtime, Kind, unit_row
from labops.errors import FixtureError, InputError, PermissionDenied
from labops.fields import Window
from labops.limits import too_far_ahead
from labops.localtime import monday_of, to_utc
from labops.people.model import person_row
from labops.permissions import Action, Actor, current_actor
from labops.platform.file_schema import PlatformFile, TaskSpec
from labops.platform.fresh_ids import fresh_ids
from labops.requests.task_rows import add_tasks
from labops.usage.model import Usage, UsageSpec
from labops.usage.service import release_after
from labops.vocabulary import WEEKDAYS


@dataclass(frozen=True)
class LoadSummary:
    platform: str
    counts: dict[str, int]
    shifted_days: int


def load_platform(
    db: Database,
    data: PlatformFile,
    *,
    actor: Actor | None,
    now: dt.datetime,
    replace: bool = False,
    rebase_to: dt.date | None = None,
    open_to_all: Callable[[Session], bool] | None = None,
) -> LoadSummary:
    """Write ``data`` into ``db``; with ``rebase_to`` every date moves by whole weeks so the
    platform's anchor week becomes the week of that day (how the demo shows current weeks).

    An empty database takes the platform from anyone (there are no people to check yet);
    replacing a platform takes an admin of the platform being replaced, unless
    ``open_to_all`` says, inside the load's transaction, that anyone may (an untouched
    demo). The audit names who asked (``system`` when nobody was named).
    """
    shift = dt.timedelta(0)
    if rebase_to is not None:
        shift = monday_of(rebase_to) - data.platform.anchor
    far = _too_far_ahead(data, shift, now)
    if far:
        raise FixtureError(far)
    with db.write() as session:
        existing = session.get(t.PlatformInfo, 1)
        ids = fresh_ids(session)
        if existing is not None:
            if not replace:
                raise InputError(
                    f"the database already holds platform '{existing.name}': "
                    "use --replace to overwrite it"
                )
            if open_to_all is None or not open_to_all(session):
                if actor is None:
                    raise PermissionDenied(
                        f"replacing platform '{existing.name}' needs an admin: give --as PERSON"
                    )
                actor = current_actor(session, actor)
                actor.require(Action.MANAGE)
            clear_platform(session)
        writer = _Writer(session, data, shift, now, ids)
        counts = writer.write_all()
        follow_written_ids(session)
        record(
            session,
            actor=actor.id if actor else "system",
            at=now,
            action="platform.load",
            record_type="platform",
            record_id=data.platform.name,
            summary=", ".join(f"{n} {what}" for what, n in counts.items()),
            changes={"replace": replace, "shift_days": shift.days},
        )
    return LoadSummary(platform=data.platform.name, counts=counts, shifted_days=shift.days)


def _too_far_ahead(data: PlatformFile, shift: dt.timedelta, now: dt.datetime) -> list[str]:
    """One line per booking or task date more than two years after ``now`` (limits)."""
    tz = data.platform.timezone
    problems = []

    def check(what: str, value: dt.datetime | None) -> None:
        if value is not None and too_far_ahead(to_utc(value + shift, tz), now):
            day = (value + shift).date().isoformat()
            problems.append(f"{what}: {day} is more than two years ahead of today")

    for request in data.requests:
        check(f"request {request.id}: earliest", request.earliest)
        check(f"request {request.id}: due", request.due)
        for task in request.tasks:
            check(f"request {request.id}: task {task.key!r}: earliest", task.earliest)
            check(f"request {request.id}: task {task.key!r}: due", task.due)
    for booking in data.bookings:
        check(f"booking {booking.request}/{booking.task}: end", booking.end)
    return problems


def clear_platform(session: Session) -> None:
    """Delete every row of every labops table (children first), except the audit trail,
    which outlives the platforms it recorded (and refuses deletion anyway), and the outbox
    of notifications (what was sent stays sent, what was queued is still news)."""
    kept = {t.AuditEvent.__tablename__, t.Notification.__tablename__}
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name not in kept:
            for column in self_references(table):
                session.execute(table.update().values({column: None}))
            session.execute(table.delete())
    session.expunge_all()  # the rows it had loaded are gone


class _Writer:
    def __init__(
        self,
        session: Session,
        data: PlatformFile,
        shift: dt.timedelta,
        now: dt.datetime,
        ids: dict[str, Iterator[int]],
    ) -> None:
        self.session = session
        self.ids = ids
        self.now = now
        self.data = data
        self.shift = shift
        self.tz = data.platform.timezone
        self.units = {unit.id: unit for unit in data.equipment}
        self.task_ids: dict[tuple[int, str], int] = {}
        self.tasks: dict[tuple[int, str], TaskSpec] = {}

    def instant(self, value: dt.datetime) -> dt.datetime:
        return to_utc(value + self.shift, self.tz)

    def day(self, value: dt.date) -> dt.date:
        return value + self.shift

    def add(self, rows: Iterable[SQLModel]) -> None:
        self.session.add_all(list(rows))

    def write_all(self) -> dict[str, int]:
        data = self.data
        self.add(
            [
                t.PlatformInfo(
                    name=data.platform.name,
                    timezone=data.platform.timezone,
                    anchor=self.day(data.platform.anchor),
                    slot_minutes=data.platform.slot_minutes,
                    planning=data.planning.model_dump(mode="json", exclude_defaults=True),
                    usage=data.usage.model_dump(mode="json", exclude_defaults=True),
                    charges=data.charges.model_dump(mode="json", exclude_defaults=True),
                    self_approval=data.platform.self_approval,
                    identity=data.platform.identity,
                )
            ]
        )
        self._sites()
        self.session.flush()
        self._equipment()
        self._people()
        self.add(
            t.FundPool(
                id=p.id, name=p.name, kind=p.kind, budget=p.budget, enforce_budget=p.enforce_budget
            )
            for p in data.fund_pools
        )
        self.session.flush()
        self._projects()
        self.session.flush()
        self._requests()
        self._bookings()
        self.session.flush()
        return dict(
            Counter(
                {
                    "sites": len(data.sites),
                    "equipment units": len(data.equipment),
                    "people": len(data.people),
                    "fund pools": len(data.fund_pools),
                    "projects": len(data.projects),
                    "requests": len(data.requests),
                    "tasks": sum(len(r.tasks) for r in data.requests),
                    "bookings": len(data.bookings),
                }
            )
        )

    def _sites(self) -> None:
        for site in self.data.sites:
            self.add(
                [
                    t.Site(
                        id=site.id,
                        name=site.name,
                        timezone=site.timezone or self.tz,
                        description=site.description,
                    )
                ]
            )
            self.add(
                t.SiteHours(site_id=site.id, weekday=weekday, opens=start, closes=end)
                for weekday, start, end in _week_rows(site.hours)
            )
            self.add(
                t.SiteClosure(
                    site_id=site.id,
                    first_day=self.day(c.first),
                    last_day=self.day(c.last or c.first),
                    reason=c.reason,
                )
                for c in site.closures
            )
        for travel in self.data.travel:
            a, b = sorted(travel.between)
            self.add([t.Travel(site_a=a, site_b=b, minutes=travel.minutes)])

    def _equipment(self) -> None:
        self.add(Kind(**dict(kind)) for kind in self.data.kinds)
        self.session.flush()
        self.add(unit_row(unit) for unit in self.data.equipment)
        self.session.flush()
        self.add(
            UnitRate(equipment_id=unit.id, tier=tier, hourly_rate=cents)
            for unit in self.data.equipment
            for tier, cents in unit.rates.items()
        )
        for unit in self.data.equipment:
            self.add(
                Downtime(
                    id=next(self.ids["downtime"]),
                    equipment_id=unit.id,
                    start=self.instant(d.start),
                    end=self.instant(d.end),
                    kind=d.kind,
                    reason=d.reason,
                )
                for d in unit.downtime
            )

    def _people(self) -> None:
        self.add(person_row(person, supervisor=None) for person in self.data.people)
        self.session.flush()
        # A supervisor may come later in the file: named once everyone is in.
        for person in self.data.people:
            if person.supervisor is not None:
                row = self.session.get(t.Person, person.id)
                assert row is not None
                row.supervisor = person.supervisor
        self.session.flush()
        for person in self.data.people:
            self.add(
                t.PersonHours(person_id=person.id, weekday=weekday, starts=start, ends=end)
                for weekday, start, end in _week_rows(person.hours)
            )
            self.add(
                t.Skill(person_id=person.id, skill=skill, level=level)
                for skill, level in person.skills.items()
            )
            self.add(
                t.Certification(person_id=person.id, kind_id=kind, expires=self.day(expires))
                for kind, expires in person.certifications.items()
            )
            self.add(
                t.Absence(
                    person_id=person.id,
                    start=self.instant(a.start),
                    end=self.instant(a.end),
                    kind=a.kind,
                    note=a.note,
                )
                for a in person.absences
            )

    def _projects(self) -> None:
        self.add(
            t.Project(
                id=project.id,
                name=project.name,
                source_technology=project.source_technology,
                patent=project.patent,
                demand_partner=project.demand_partner,
                stage=project.stage,
                lead=project.lead,
                priority=project.priority,
                fund_pool=project.fund_pool,
                budget=project.budget,
                enforce_budget=project.enforce_budget,
                tier=project.tier,
                cost_centre=project.cost_centre,
                max_students_per_senior=project.team.max_students_per_senior,
                description=project.description,
            )
            for project in self.data.projects
        )
        self.session.flush()
        for project in self.data.projects:
            self.add(
                t.ProjectMember(project_id=project.id, person_id=member)
                for member in project.members
            )
            self.add(
                t.ProjectRoleMinimum(project_id=project.id, role=role, count=count)
                for role, count in project.team.min_roles.items()
            )

    def _requests(self) -> None:
        anchor = self.instant(dt.datetime.combine(self.data.platform.anchor, dt.time()))
        for request in self.data.requests:
            submitted = self.instant(request.submitted) if request.submitted else None
            created = self.instant(request.created) if request.created else submitted or anchor
            self.add(
                [
                    t.Request(
                        id=request.id,
                        project=request.project,
                        requester=request.requester,
                        title=request.title,
                        status=request.status,
                        created=created,
                        submitted=submitted,
                        earliest=self.instant(request.earliest) if request.earliest else None,
                        due=self.instant(request.due) if request.due else None,
                        due_hard=request.due_hard,
                        note=request.note,
                        decision_note=request.decision_note,
                    )
                ]
            )
            self.session.flush()
            rows = add_tasks(self.session, request.id, request.tasks, self.instant)
            for task in request.tasks:
                self.task_ids[request.id, task.key] = rows[task.key].id
                self.tasks[request.id, task.key] = task

    def _bookings(self) -> None:
        for spec in self.data.bookings:
            task = self.tasks[spec.request, spec.task]
            start, end = self.instant(spec.start), self.instant(spec.end)
            booking = t.Booking(
                id=next(self.ids["booking"]),
                task_id=self.task_ids[spec.request, spec.task],
                start=start,
                end=end,
                status=spec.status,
                created_at=min(start, self.now),  # a file does not say; never in the future
            )
            self.session.add(booking)
            self.session.flush()
            for position, (unit_id, need) in enumerate(
                zip(spec.units, task.equipment, strict=True)
            ):
                unit = self.units[unit_id]
                self.session.add(
                    t.BookingUnit(
                        booking_id=booking.id,
                        position=position,
                        equipment_id=unit_id,
                        amount=need.amount,
                        busy_start=start - dt.timedelta(minutes=unit.setup),
                        busy_end=end + dt.timedelta(minutes=unit.cleanup),
                    )
                )
            staffed_end = start + dt.timedelta(
                minutes=task.staff_for if task.staff_for is not None else task.duration
            )
            self.add(
                t.BookingPerson(
                    booking_id=booking.id, person_id=p, busy_start=start, busy_end=staffed_end
                )
                for p in spec.people
            )
            self.add(
                t.BookingPerson(
                    booking_id=booking.id,
                    person_id=shift.person,
                    shift=k,
                    busy_start=self.instant(shift.start),
                    busy_end=self.instant(shift.end),
                )
                for k, shift in enumerate(
                    sorted(spec.shifts, key=lambda s: (self.instant(s.start), s.person)), start=1
                )
            )
            if spec.use is not None:
                self._use(booking, spec.use)

    def _use(self, booking: t.Booking, use: UsageSpec) -> None:
        start = self.instant(use.start) if use.start else None
        end = self.instant(use.end) if use.end else None
        self.session.add(
            Usage(booking_id=booking.id, no_show=use.no_show, start=start, end=end,
                  recorded_at=min(end or start or booking.start, self.now))
        )  # fmt: skip
        if end is not None:
            self.session.flush()
            release_after(self.session, booking, end)


def _week_rows(hours: dict[str, list[Window]]) -> Iterable[tuple[int, dt.time, dt.time]]:
    for weekday, day in enumerate(WEEKDAYS):
        for start, end in hours.get(day, ()):
            yield weekday, start, end
