"""From the database to the solver's problem, keeping the way back.

The horizon starts at the first slot boundary at or after max(now, --from) and covers the
requested weeks. Into the problem go the tasks of the requests being planned (approved and
scheduled ones; only scheduled ones when repairing), with their live bookings as the current
plan, plus every other live booking in the horizon as a frozen task that holds its units
and people. Frozen bookings are the locked and done ones and those already started; a frozen
booking that no longer fits the platform (its unit broke down, its operator is on leave) is
released so the solver can re-plan it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from labops import tables as t
from labops.calendars import Calendars
from labops.costs import booking_costs
from labops.localtime import monday_of, to_local, to_utc
from labops.scheduling.grid import SlotGrid, SlotLabels, merge
from labops.vocabulary import ACTIVE_BOOKING, BookingStatus, RequestStatus
from solver.plan import Plan
from solver.problem import (
    Assignment,
    Budget,
    Mode,
    Person,
    Precedence,
    Problem,
    Request,
    ResourceNeed,
    StaffNeed,
    Task,
    TeamRule,
    Unit,
    Weights,
)
from solver.validate import validate

FROZEN_SUFFIX = ":frozen"


def request_key(request_id: int) -> str:
    return f"R{request_id}"


def task_key(request_id: int, key: str) -> str:
    return f"R{request_id}.{key}"


@dataclass
class BookedTask:
    """A live booking as the solver sees it."""

    booking: t.Booking
    units: list[str]
    people: list[str]


@dataclass
class Snapshot:
    """A problem built from the database, with what is needed to map a plan back."""

    problem: Problem
    grid: SlotGrid
    timezone: str
    tasks: dict[str, t.Task]  # solver task id -> task row (planned and frozen tasks)
    requests: dict[str, t.Request]  # solver request id -> request row (planned ones)
    booked: dict[str, BookedTask]  # solver task id -> its live booking
    frozen: set[str]  # solver task ids that keep their booking
    released: set[str]  # frozen bookings released because they no longer fit
    fingerprint: str  # of everything the plan depends on, to detect a racing writer
    planned_ids: list[int]  # the requests the fingerprint covers
    repair: bool = False
    costs: dict[str, int] = field(default_factory=dict)  # project -> cents committed outside


def build_snapshot(
    session: Session,
    *,
    now: dt.datetime,
    start: dt.datetime | None = None,
    weeks: int = 4,
    repair: bool = False,
    weights: Weights | None = None,
    only: list[int] | None = None,
) -> Snapshot:
    """The scheduling problem of the platform in ``session`` from ``start`` for ``weeks``.

    With ``only``, just those requests (whatever their status) on an otherwise empty
    platform: what submission checks to refuse a request that could never fit.
    """
    builder = _Builder(session, now=now, start=start, weeks=weeks, repair=repair, only=only)
    snapshot = builder.build(release=set(), weights=weights)
    released = builder.misfits(snapshot)
    if released:
        snapshot = builder.build(release=released, weights=weights)
    return snapshot


class _Builder:
    def __init__(
        self,
        session: Session,
        *,
        now: dt.datetime,
        start: dt.datetime | None,
        weeks: int,
        repair: bool,
        only: list[int] | None = None,
    ) -> None:
        self.session = session
        self.repair = repair
        self.only = only
        info = session.get(t.PlatformInfo, 1)
        self.info = info
        self.tz = info.timezone
        begin = max(now, start or now)
        # The grid starts on the Monday of that week, so this week's hours already worked
        # count against weekly caps; nothing new is placed before ``ready``.
        monday = monday_of(to_local(begin, self.tz).date())
        self.grid_start = to_utc(dt.datetime.combine(monday, dt.time()), self.tz)
        probe = SlotGrid(self.grid_start, info.slot_minutes, 0)
        self.ready_slot = probe.ceil(begin)
        self.ready = probe.at(self.ready_slot)
        self.horizon_end = self.ready + dt.timedelta(weeks=weeks)
        self._load()

    # --- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        s = self.session
        self.calendars = Calendars(s, self.grid_start, self.horizon_end)
        self.units = {u.id: u for u in sorted(self.calendars.units.values(), key=lambda u: u.id)}
        self.people = {p.id: p for p in sorted(self.calendars.people.values(), key=lambda p: p.id)}
        self.travel = list(s.exec(select(t.Travel)))
        self.skills = _group(s.exec(select(t.Skill)), "person_id")
        self.certs = _group(s.exec(select(t.Certification)), "person_id")
        self.projects = {p.id: p for p in s.exec(select(t.Project))}
        self.members = _group(s.exec(select(t.ProjectMember)), "project_id")
        self.minimums = _group(s.exec(select(t.ProjectRoleMinimum)), "project_id")
        if self.repair:
            wanted = col(t.Request.status) == RequestStatus.SCHEDULED
        elif self.only is not None:
            wanted = col(t.Request.id).in_(self.only)
        else:
            wanted = col(t.Request.status).in_([RequestStatus.APPROVED, RequestStatus.SCHEDULED])
        self.planned = {
            r.id: r for r in s.exec(select(t.Request).where(wanted).order_by(t.Request.id))
        }
        # Live bookings in the horizon, and those of planned requests wherever they are.
        live = (
            []
            if self.only is not None
            else list(
                s.exec(
                    select(t.Booking, t.Task)
                    .join(t.Task, t.Task.id == t.Booking.task_id)
                    .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
                    .where(
                        (t.Booking.end > self.grid_start) & (t.Booking.start < self.horizon_end)
                        | col(t.Task.request_id).in_(list(self.planned))
                    )
                )
            )
        )
        booking_ids = [b.id for b, _ in live]
        units = _group(
            s.exec(
                select(t.BookingUnit)
                .where(col(t.BookingUnit.booking_id).in_(booking_ids))
                .order_by(t.BookingUnit.position)
            ),
            "booking_id",
        )
        people = _group(
            s.exec(
                select(t.BookingPerson)
                .where(col(t.BookingPerson.booking_id).in_(booking_ids))
                .order_by(t.BookingPerson.person_id)
            ),
            "booking_id",
        )
        self.live: dict[int, BookedTask] = {}  # task row id -> booking
        self.task_rows: dict[int, t.Task] = {}
        for booking, task in live:
            self.live[task.id] = BookedTask(
                booking,
                [u.equipment_id for u in units[booking.id]],
                [p.person_id for p in people[booking.id]],
            )
            self.task_rows[task.id] = task
        planned_tasks = list(
            s.exec(
                select(t.Task)
                .where(col(t.Task.request_id).in_(list(self.planned)))
                .order_by(t.Task.id)
            )
        )
        for task in planned_tasks:
            self.task_rows[task.id] = task
        self.planned_task_ids = [task.id for task in planned_tasks]
        task_ids = list(self.task_rows)
        self.needs = _group(
            s.exec(
                select(t.TaskEquipment)
                .where(col(t.TaskEquipment.task_id).in_(task_ids))
                .order_by(t.TaskEquipment.id)
            ),
            "task_id",
        )
        self.staff = _group(
            s.exec(
                select(t.TaskStaff)
                .where(col(t.TaskStaff.task_id).in_(task_ids))
                .order_by(t.TaskStaff.id)
            ),
            "task_id",
        )
        self.precedences = list(
            s.exec(
                select(t.TaskPrecedence).where(
                    col(t.TaskPrecedence.after_id).in_(self.planned_task_ids)
                )
            )
        )
        all_request_ids = {task.request_id for task in self.task_rows.values()}
        self.request_rows = {
            r.id: r
            for r in s.exec(select(t.Request).where(col(t.Request.id).in_(list(all_request_ids))))
        }
        # Money committed outside the problem (past bookings, bookings beyond the horizon).
        self.spent_elsewhere = booking_costs(s, exclude_tasks=set(self.live))

    # --- building --------------------------------------------------------------------------

    def build(self, *, release: set[str], weights: Weights | None) -> Snapshot:
        live_ends = [b.booking.end for b in self.live.values()]
        end = max([self.horizon_end, *live_ends])
        slot_minutes = self.info.slot_minutes
        probe = SlotGrid(self.grid_start, slot_minutes, 0)
        grid = SlotGrid(self.grid_start, slot_minutes, max(probe.ceil(end), 1))
        self.grid = grid

        tasks: dict[str, t.Task] = {}
        requests: dict[str, t.Request] = {}
        booked: dict[str, BookedTask] = {}
        frozen: set[str] = set()
        problem_tasks: list[Task] = []
        problem_requests: list[Request] = []
        current: dict[str, Assignment] = {}
        locked: set[str] = set()
        arrival = {
            rid: rank
            for rank, rid in enumerate(
                sorted(
                    self.planned,
                    key=lambda rid: (
                        self.planned[rid].submitted_at or self.planned[rid].created_at,
                        rid,
                    ),
                )
            )
        }
        frozen_requests: set[str] = set()

        for task_id, row in sorted(self.task_rows.items()):
            key = task_key(row.request_id, row.key)
            booking = self.live.get(task_id)
            is_frozen = (
                booking is not None
                and key not in release
                and (
                    row.request_id not in self.planned
                    or booking.booking.status in (BookingStatus.LOCKED, BookingStatus.DONE)
                    or booking.booking.start < self.ready
                )
            )
            if booking is None and row.request_id not in self.planned:
                continue
            if key in release and booking is not None and booking.booking.end <= self.ready:
                continue  # history that no longer fits today's calendars: leave it be
            tasks[key] = row
            if is_frozen:
                request_id = request_key(row.request_id) + FROZEN_SUFFIX
                problem_tasks.append(self._frozen_task(key, request_id, row, booking))
                frozen.add(key)
                booked[key] = booking
                current[key] = self._assignment(key, booking)
                locked.add(key)
                if request_id not in frozen_requests:
                    frozen_requests.add(request_id)
                    problem_requests.append(Request(id=request_id, priority=1, required=True))
                continue
            request_id = request_key(row.request_id)
            problem_tasks.append(self._task(key, request_id, row))
            if booking is not None:
                booked[key] = booking
                if booking.booking.start >= self.ready:
                    current[key] = self._assignment(key, booking)
                # else: released while running, so re-planned from scratch

        for rid, request in self.planned.items():
            key = request_key(rid)
            if not any(task.request == key for task in problem_tasks):
                continue
            requests[key] = request
            project = self.projects[request.project_id]
            problem_requests.append(
                Request(id=key, priority=project.priority, arrival=arrival[rid])
            )

        # Only between tasks in the problem: a predecessor booked before the window (or
        # left out with its request) has no task here, and its order is settled already.
        present = {task.id for task in problem_tasks}
        precedences = []
        for p in self.precedences:
            if p.before_id not in self.task_rows or p.after_id not in self.task_rows:
                continue
            before, after = self.task_rows[p.before_id], self.task_rows[p.after_id]
            pair = task_key(before.request_id, before.key), task_key(after.request_id, after.key)
            if pair[0] in present and pair[1] in present:
                precedences.append(
                    Precedence(before=pair[0], after=pair[1], lag=grid.length(p.lag_minutes))
                )
        problem = Problem(
            horizon=grid.slots,
            units=tuple(self._unit(unit) for unit in self.units.values()),
            people=tuple(self._person(person) for person in self.people.values()),
            tasks=tuple(problem_tasks),
            requests=tuple(problem_requests),
            precedences=tuple(precedences),
            budgets=tuple(self._budgets(problem_tasks)),
            teams=tuple(self._teams()),
            travel={(r.site_a, r.site_b): grid.length(r.minutes) for r in self.travel},
            week_starts=self._week_starts(),
            current=current,
            locked=frozenset(locked),
            slot_minutes=slot_minutes,
            weights=weights or Weights(),
            name=self.info.name,
            slot_label=SlotLabels(grid, self.tz),
        )
        return Snapshot(
            problem=problem,
            grid=grid,
            timezone=self.tz,
            tasks=tasks,
            requests=requests,
            booked=booked,
            frozen=frozen,
            released=set(release),
            fingerprint=fingerprint(self.session, self.grid_start, list(self.planned)),
            planned_ids=list(self.planned),
            repair=self.repair,
            costs=dict(self.spent_elsewhere),
        )

    def misfits(self, snapshot: Snapshot) -> set[str]:
        """Frozen tasks whose booking breaks a hard rule of today's platform."""
        frozen_plan = Plan(
            assignments={k: snapshot.problem.current[k] for k in snapshot.frozen},
            status="feasible",
        )
        misfits: set[str] = set()
        for violation in validate(snapshot.problem, frozen_plan):
            involved = {violation.task, *violation.refs}
            misfits |= involved & snapshot.frozen
        return misfits

    def _assignment(self, key: str, booked: BookedTask) -> Assignment:
        start = max(self.grid.floor(booked.booking.start), 0)
        return Assignment(
            task=key, start=start, mode=0, units=tuple(booked.units), people=tuple(booked.people)
        )

    def _task(self, key: str, request_id: str, row: t.Task) -> Task:
        grid = self.grid
        request = self.planned[row.request_id]
        project = self.projects[request.project_id]
        pool = frozenset(m.person_id for m in self.members[project.id]) | frozenset(
            p.id for p in self.people.values() if p.platform_staff
        )
        needs = tuple(
            ResourceNeed(candidates=self._candidates(need), amount=need.amount)
            for need in self.needs[row.id]
        )
        staff = tuple(
            StaffNeed(
                count=need.count,
                role=need.role.value if need.role else None,
                skill=need.skill,
                min_level=need.min_level,
                among=pool,
            )
            for need in self.staff[row.id]
        )
        earliest = (
            max(grid.ceil(row.earliest), self.ready_slot) if row.earliest else self.ready_slot
        )
        due = grid.floor(row.due) if row.due else None
        return Task(
            id=key,
            request=request_id,
            modes=(Mode(duration=grid.length(row.duration_minutes), needs=needs),),
            staff=staff,
            staff_slots=grid.length(row.staff_minutes) if row.staff_minutes is not None else None,
            earliest=earliest,
            deadline=max(due, earliest) if due is not None and row.due_hard else None,
            due=due if due is not None and not row.due_hard else None,
            budget=project.id if project.enforce_budget else None,
            team=project.id if self._has_team_rule(project) else None,
        )

    def _frozen_task(self, key: str, request_id: str, row: t.Task, booked: BookedTask) -> Task:
        """A booking that keeps its place: exactly its units and people, from its start."""
        grid = self.grid
        start = 0 if booked.booking.start < self.grid_start else grid.floor(booked.booking.start)
        end = grid.ceil(booked.booking.end)
        amounts = [need.amount for need in self.needs[row.id]]
        needs = tuple(
            ResourceNeed(candidates=(unit,), amount=amounts[i] if i < len(amounts) else 1)
            for i, unit in enumerate(booked.units)
        )
        staffed = None
        if row.staff_minutes is not None:
            staffed_end = booked.booking.start + dt.timedelta(minutes=row.staff_minutes)
            staffed = max(0, min(grid.ceil(staffed_end), end) - start)
        return Task(
            id=key,
            request=request_id,
            modes=(Mode(duration=max(end - start, 1), needs=needs),),
            staff=tuple(StaffNeed(count=1, among=frozenset({p})) for p in booked.people),
            staff_slots=staffed,
            earliest=start,
        )

    def _candidates(self, need: t.TaskEquipment) -> tuple[str, ...]:
        if need.equipment_id is not None:
            return (need.equipment_id,)
        found = tuple(
            unit.id
            for unit in self.units.values()
            if unit.kind_id == need.kind_id
            and (need.site_id is None or unit.site_id == need.site_id)
        )
        return found

    def _unit(self, unit: t.Equipment) -> Unit:
        grid = self.grid
        calendars = self.calendars
        return Unit(
            id=unit.id,
            kind=unit.kind_id,
            site=unit.site_id,
            capacity=unit.capacity,
            cost_per_slot=unit.hourly_rate_cents * grid.slot_minutes,  # cent-minutes per slot
            setup=grid.length(unit.setup_minutes),
            cleanup=grid.length(unit.cleanup_minutes),
            needs_certified=unit.needs_certified,
            unattended_ok=unit.unattended_ok,
            open=self._slots(calendars.site_open(unit.site_id), grid.inner),
            down=self._slots(calendars.unit_down(unit.id), grid.outer),
        )

    def _person(self, person: t.Person) -> Person:
        grid = self.grid
        certs = {}
        for cert in self.certs[person.id]:
            first_invalid = to_utc(
                dt.datetime.combine(cert.expires + dt.timedelta(days=1), dt.time()), self.tz
            )
            certs[cert.kind_id] = min(max(grid.ceil(first_invalid), 0), grid.slots + 1)
        return Person(
            id=person.id,
            role=person.role.value,
            skills={s.skill: s.level for s in self.skills[person.id]},
            certs=certs,
            available=self._slots(self.calendars.person_available(person.id), grid.inner),
            weekly_cap=int(person.weekly_hours * 60 // grid.slot_minutes),
            home_site=person.home_site_id,
        )

    @staticmethod
    def _slots(spans: list, rounding) -> tuple[tuple[int, int], ...]:
        """Instant windows as slot windows, rounded in (open time) or out (blocked time)."""
        return merge([w for w in (rounding(a, b) for a, b in spans) if w])

    def _week_starts(self) -> tuple[int, ...]:
        starts = {0}
        day = monday_of(to_local(self.grid.start, self.tz).date()) + dt.timedelta(days=7)
        while True:
            slot = self.grid.floor(to_utc(dt.datetime.combine(day, dt.time()), self.tz))
            if slot >= self.grid.slots:
                break
            starts.add(slot)
            day += dt.timedelta(days=7)
        return tuple(sorted(starts))

    def _budgets(self, tasks: list[Task]) -> Iterable[Budget]:
        used = {task.budget for task in tasks if task.budget}
        for project_id in sorted(used):
            project = self.projects[project_id]
            left = max(project.budget_cents - self.spent_elsewhere.get(project_id, 0), 0)
            yield Budget(id=project_id, limit=left * 60)  # cent-minutes, like the unit costs

    def _has_team_rule(self, project: t.Project) -> bool:
        return bool(self.minimums[project.id]) or project.max_students_per_senior is not None

    def _teams(self) -> Iterable[TeamRule]:
        for project in sorted(self.projects.values(), key=lambda p: p.id):
            if self._has_team_rule(project) and any(
                r.project_id == project.id for r in self.planned.values()
            ):
                yield TeamRule(
                    id=project.id,
                    min_roles={m.role.value: m.count for m in self.minimums[project.id]},
                    max_students_per_senior=project.max_students_per_senior,
                )


def fingerprint(session: Session, since: dt.datetime, request_ids: list[int]) -> str:
    """A digest of what a plan from ``since`` depends on: bookings, downtime, absences and
    the planned requests' statuses. A commit re-computes it inside its transaction, so a
    plan made stale by another operator is refused instead of written."""
    digest = hashlib.sha256()
    rows: Iterable = session.exec(
        select(t.Booking.id, t.Booking.start, t.Booking.end, t.Booking.status)
        .where(t.Booking.end > since)
        .order_by(t.Booking.id)
    )
    for row in rows:
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.BookingUnit.booking_id, t.BookingUnit.equipment_id)
        .where(t.BookingUnit.busy_end > since)
        .order_by(t.BookingUnit.booking_id, t.BookingUnit.position)
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.BookingPerson.booking_id, t.BookingPerson.person_id)
        .where(t.BookingPerson.busy_end > since)
        .order_by(t.BookingPerson.booking_id, t.BookingPerson.person_id)
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.Downtime.id, t.Downtime.start, t.Downtime.end)
        .where(t.Downtime.end > since)
        .order_by(t.Downtime.id)
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.Absence.id, t.Absence.start, t.Absence.end)
        .where(t.Absence.end > since)
        .order_by(t.Absence.id)
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.exec(
        select(t.Request.id, t.Request.status)
        .where(col(t.Request.id).in_(request_ids))
        .order_by(t.Request.id)
    ):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _group(rows: Iterable, key: str) -> dict:
    groups: dict = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups
