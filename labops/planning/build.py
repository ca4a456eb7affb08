"""From the database to the solver's problem, keeping the way back.

The horizon starts at the first slot boundary at or after max(now, --from) and covers the
requested weeks, to the midnight that begins their last day. Into the problem go the tasks
of the requests being planned (approved and scheduled ones; only scheduled ones when
repairing) with their live bookings as the plan in force, and every other live booking
that matters as fixed context: it holds its units and people, and no plan moves it. Fixed
are the bookings of other requests, locked and done ones, those already started, those
starting within the freeze window (the next working days, ``[planning] freeze_days``) and
those beyond the horizon.

A fixed booking that breaks a rule of today's platform (its unit broke down, its operator is
on leave) is handled by what it is: a repair re-plans one that started or lies in the freeze
window; every other one (locked, beyond the horizon, or in the freeze window of a plain
re-plan) stays as it is and is reported as a conflict for a person to resolve. It still
holds its units and people: its time is taken out of theirs.

Each planned request gets its standing (``solver.problem.Standing``): scheduled, new, or
waiting when a committed plan left it out since its approval; confirmed bookings are the
plan's promises, and each booking's move cost follows the planning settings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from labops import tables as t
from labops.bookings.costs import booking_costs
from labops.calendars import Calendars, subtract
from labops.fields import format_money
from labops.funds.limits import pool_budgets, task_consumes
from labops.localtime import monday_of, to_local, to_utc
from labops.planning.fingerprint import fingerprint
from labops.planning.freeze import freeze_end
from labops.planning.grid import SlotGrid, SlotLabels, merge
from labops.planning.settings import PlanningSettings
from labops.planning.shares import shares
from labops.planning.snapshot import (
    BookedTask,
    Conflict,
    Fixed,
    Snapshot,
    request_key,
    task_key,
)
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
    Shift,
    Shifts,
    StaffNeed,
    Standing,
    Task,
    TeamRule,
    Unit,
    Weights,
)
from solver.rules import Rule
from solver.validate import validate

FROZEN_SUFFIX = ":frozen"
FAR_AHEAD = dt.timedelta(weeks=26)  # past the horizon: bookings kept out of the problem


def build_snapshot(
    session: Session,
    *,
    now: dt.datetime,
    start: dt.datetime | None = None,
    weeks: int = 4,
    repair: bool = False,
    weights: Weights | None = None,
    only: list[int] | None = None,
    freeze_days: int | None = None,
    retry_waiting: bool = False,
) -> Snapshot:
    """The scheduling problem of the platform in ``session`` from ``start`` for ``weeks``.

    With ``only``, just those requests (whatever their status) on an otherwise empty
    platform: what submission checks to refuse a request that could never fit.
    ``freeze_days`` overrides the platform's freeze window; with ``retry_waiting`` the
    requests earlier plans left out are planned as new ones (they may move bookings).
    """
    builder = _Builder(
        session,
        now=now,
        start=start,
        weeks=weeks,
        repair=repair,
        only=only,
        freeze_days=freeze_days,
        retry_waiting=retry_waiting,
    )
    snapshot = builder.build(weights=weights)
    if builder.settle(snapshot):
        snapshot = builder.build(weights=weights)
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
        freeze_days: int | None = None,
        retry_waiting: bool = False,
    ) -> None:
        self.session = session
        self.now, self.start, self.weeks = now, start, weeks
        self.repair = repair
        self.only = only
        self.retry_waiting = retry_waiting
        self.freeze_days = freeze_days
        info = session.get_one(t.PlatformInfo, 1)
        self.info = info
        self.tz = info.timezone
        self.settings = PlanningSettings.model_validate(info.planning)
        begin = max(now, start or now)
        # The grid starts on the Monday of that week, so this week's hours already worked
        # count against weekly caps; nothing new is placed before ``ready``.
        monday = monday_of(to_local(begin, self.tz).date())
        self.grid_start = to_utc(dt.datetime.combine(monday, dt.time()), self.tz)
        probe = SlotGrid(self.grid_start, info.slot_minutes, 0)
        self.ready_slot = probe.ceil(begin)
        self.ready = probe.at(self.ready_slot)
        # The horizon ends at a midnight: every plan made on one day covers the same days
        # (counted from that day, not from ``ready``, which rounds past midnight at 23:50).
        last_day = to_local(begin, self.tz).date() + dt.timedelta(weeks=weeks)
        self.horizon_end = to_utc(dt.datetime.combine(last_day, dt.time()), self.tz)
        days = self.settings.freeze_days if freeze_days is None else freeze_days
        self.frozen_until = freeze_end(session, now, days, self.tz) if only is None else now
        self.release: set[str] = set()  # fixed bookings a repair re-plans
        self.conflicts: dict[str, Conflict] = {}  # fixed bookings kept although they break
        self.conflict_rows: dict[str, t.Task] = {}
        self.ignored: dict[str, t.Task] = {}  # past bookings that no longer fit: history
        # Pools and projects short of their target share of booked hours lately.
        targets, period = self.settings.shares, self.settings.share_weeks
        self.short = {s.id for s in shares(session, targets, now, period) if s.short}
        self._load()

    # --- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        s = self.session
        self.travel = list(s.exec(select(t.Travel)))
        self.skills = _group(s.exec(select(t.Skill)), "person_id")
        self.certs = _group(s.exec(select(t.Certification)), "person_id")
        self.projects = {p.id: p for p in s.exec(select(t.Project))}
        self.pools = {p.id: p for p in s.exec(select(t.FundPool))}
        self.members = _group(s.exec(select(t.ProjectMember)), "project_id")
        self.minimums = _group(s.exec(select(t.ProjectRoleMinimum)), "project_id")
        if self.repair:
            wanted = col(t.Request.status) == RequestStatus.SCHEDULED
        elif self.only is not None:
            wanted = col(t.Request.id).in_(self.only)
        else:
            wanted = col(t.Request.status).in_([RequestStatus.APPROVED, RequestStatus.SCHEDULED])
        self.planned = {
            r.id: r for r in s.exec(select(t.Request).where(wanted).order_by(col(t.Request.id)))
        }
        self.waiting = set() if self.only is not None else self._waiting()
        # Live bookings in the horizon, and those of planned requests wherever they are.
        live = (
            []
            if self.only is not None
            else list(
                s.exec(
                    select(t.Booking, t.Task)
                    .join(t.Task, col(t.Task.id) == t.Booking.task_id)
                    .where(col(t.Booking.status).in_(ACTIVE_BOOKING))
                    .where(
                        (col(t.Booking.end) > self.grid_start)
                        & (col(t.Booking.start) < self.horizon_end)
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
                .order_by(col(t.BookingUnit.position))
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
        # Bookings starting after FAR_AHEAD past the horizon stay out of the grid (a
        # booking years ahead would make it years of slots): they are fixed, unseen.
        far = self.horizon_end + FAR_AHEAD
        self.far: dict[int, BookedTask] = {}
        # A checked-out booking is over: it stays (its task is done) but holds nothing, so
        # the rest of its time is free when it ended early (labops.usage).
        over = set(
            s.exec(
                select(t.Usage.booking_id)
                .where(col(t.Usage.booking_id).in_(booking_ids))
                .where(col(t.Usage.end).is_not(None))
            )
        )
        for booking, task in live:
            rows = people[booking.id]
            booked = BookedTask(
                booking,
                [] if booking.id in over else [u.equipment_id for u in units[booking.id]],
                [] if booking.id in over else [p.person_id for p in rows if not p.shift],
                []
                if booking.id in over
                else sorted((p.person_id, p.busy_start, p.busy_end) for p in rows if p.shift),
            )
            (self.far if booking.start >= far else self.live)[task.id] = booked
            self.task_rows[task.id] = task
        # Calendars reach every live booking, so one beyond the horizon is checked too.
        self.grid_end = max([self.horizon_end, *(b.booking.end for b in self.live.values())])
        self.calendars = Calendars(s, self.grid_start, self.grid_end)
        self.units = {u.id: u for u in sorted(self.calendars.units.values(), key=lambda u: u.id)}
        self.people = {p.id: p for p in sorted(self.calendars.people.values(), key=lambda p: p.id)}
        planned_tasks = list(
            s.exec(
                select(t.Task)
                .where(col(t.Task.request_id).in_(list(self.planned)))
                .order_by(col(t.Task.id))
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
                .order_by(col(t.TaskEquipment.id))
            ),
            "task_id",
        )
        self.staff = _group(
            s.exec(
                select(t.TaskStaff)
                .where(col(t.TaskStaff.task_id).in_(task_ids))
                .order_by(col(t.TaskStaff.id))
            ),
            "task_id",
        )
        self.caps = _group(
            s.exec(select(t.TaskRoleCap).where(col(t.TaskRoleCap.task_id).in_(task_ids))),
            "task_id",
        )
        planned_projects = {r.project for r in self.planned.values()}
        self.team_projects = {
            p.id
            for p in self.projects.values()
            if self._has_team_rule(p) and p.id in planned_projects
        }
        all_request_ids = {task.request_id for task in self.task_rows.values()}
        self.request_rows = {
            r.id: r
            for r in s.exec(select(t.Request).where(col(t.Request.id).in_(list(all_request_ids))))
        }
        self.precedences = list(
            s.exec(
                select(t.TaskPrecedence).where(
                    col(t.TaskPrecedence.after_id).in_(self.planned_task_ids)
                )
            )
        )

    def _waiting(self) -> set[int]:
        """Approved requests a committed plan left out since their approval."""
        if self.retry_waiting:
            return set()
        rows = self.session.exec(
            select(t.LeftOut.request_id, t.PlanRun.at)
            .join(t.PlanRun, col(t.PlanRun.id) == t.LeftOut.plan_run_id)
            .where(col(t.LeftOut.request_id).in_(list(self.planned)))
        )
        out = set()
        for request_id, at in rows:
            request = self.planned[request_id]
            if request.status == RequestStatus.APPROVED and (
                request.decided_at is None or at >= request.decided_at
            ):
                out.add(request_id)
        return out

    def fixed_as(self, row: t.Task, booked: BookedTask) -> Fixed | None:
        """Why a live booking is fixed context, or None when the plan may change it."""
        booking = booked.booking
        if row.request_id not in self.planned:
            return Fixed.OTHER
        if booking.status == BookingStatus.LOCKED:
            return Fixed.LOCKED
        if booking.status == BookingStatus.DONE:
            return Fixed.DONE
        if booking.start < self.ready:
            return Fixed.STARTED
        if booking.start < self.frozen_until:
            return Fixed.FROZEN
        if booking.start >= self.horizon_end:
            return Fixed.BEYOND
        return None

    # --- building --------------------------------------------------------------------------

    def build(self, *, weights: Weights | None) -> Snapshot:
        slot_minutes = self.info.slot_minutes
        probe = SlotGrid(self.grid_start, slot_minutes, 0)
        grid = SlotGrid(self.grid_start, slot_minutes, max(probe.ceil(self.grid_end), 1))
        self.grid = grid
        self.horizon_slot = grid.floor(self.horizon_end)
        self._held_units, self._held_people = self._held()

        tasks: dict[str, t.Task] = {}
        requests: dict[str, t.Request] = {}
        booked: dict[str, BookedTask] = {}
        frozen: set[str] = set()
        self.fixed: dict[str, Fixed] = {}
        problem_tasks: list[Task] = []
        problem_requests: list[Request] = []
        current: dict[str, Assignment] = {}
        locked: set[str] = set()
        promised: set[str] = set()
        move_cost: dict[str, int] = {}
        arrival = {
            rid: rank
            for rank, rid in enumerate(
                sorted(
                    self.planned,
                    key=lambda rid: (
                        self.planned[rid].submitted or self.planned[rid].created,
                        rid,
                    ),
                )
            )
        }
        frozen_requests: set[str] = set()

        for task_id, row in sorted(self.task_rows.items()):
            key = task_key(row.request_id, row.key)
            if task_id in self.far:  # booked far ahead: it stays, out of the problem
                tasks[key], booked[key] = row, self.far[task_id]
                frozen.add(key)
                continue
            booking = self.live.get(task_id)
            if booking is None and row.request_id not in self.planned:
                continue
            if key in self.ignored or key in self.conflicts:
                continue  # history left be, or a conflict: its time is taken out instead
            fixed = self.fixed_as(row, booking) if booking is not None else None
            tasks[key] = row
            if fixed is not None and key not in self.release:
                assert booking is not None  # only a booked task is fixed
                request_id = request_key(row.request_id) + FROZEN_SUFFIX
                problem_tasks.append(self._frozen_task(key, request_id, row, booking))
                frozen.add(key)
                self.fixed[key] = fixed
                booked[key] = booking
                current[key] = self._assignment(key, booking)
                locked.add(key)
                if request_id not in frozen_requests:
                    frozen_requests.add(request_id)
                    problem_requests.append(Request(id=request_id, priority=1, required=True))
                continue
            request_id = request_key(row.request_id)
            if booking is not None:
                booked[key] = booking
                if booking.booking.start >= self.ready:
                    current[key] = self._assignment(key, booking)
                    status = booking.booking.status
                    if status == BookingStatus.CONFIRMED:
                        promised.add(key)
                    move_cost[key] = self.settings.move_cost(
                        confirmed=status == BookingStatus.CONFIRMED,
                        start=booking.booking.start,
                        now=self.now,
                    )
                # else: released while running, so re-planned from scratch
            problem_tasks.append(self._task(key, request_id, row, current.get(key)))

        # Money committed outside the plan: past and fixed bookings.
        movable = {row.id for k, row in tasks.items() if k in booked and k not in frozen}
        self.spent_elsewhere = booking_costs(self.session, exclude_tasks=movable)

        for rid, request in self.planned.items():
            key = request_key(rid)
            if not any(task.request == key for task in problem_tasks):
                continue
            requests[key] = request
            standing, priority = self.standing(request)
            due = request.due if request.due is not None and not request.due_hard else None
            problem_requests.append(
                Request(
                    id=key,
                    priority=priority,
                    arrival=arrival[rid],
                    standing=standing,
                    due=self.grid.floor(due) if due is not None else None,
                )
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
                    Precedence(before=pair[0], after=pair[1], lag=grid.length(p.lag))
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
            promised=frozenset(promised),
            move_cost=move_cost,
            slot_minutes=slot_minutes,
            weights=weights or self.settings.solver_weights(),
            name=self.info.name,
            slot_label=SlotLabels(grid, self.tz),
            amount_label=money_of_cent_minutes,
        )
        return Snapshot(
            problem=problem,
            grid=grid,
            timezone=self.tz,
            tasks=tasks,
            requests=requests,
            booked=booked,
            frozen=frozen,
            released=set(self.release),
            fingerprint=fingerprint(self.session, self.grid_start, list(self.planned)),
            planned_ids=list(self.planned),
            now=self.now,
            start=self.start,
            weeks=self.weeks,
            ready=self.ready,
            frozen_until=max(self.frozen_until, self.ready),
            horizon_end=self.horizon_end,
            repair=self.repair,
            retry_waiting=self.retry_waiting,
            freeze_days=self.freeze_days,
            conflicts=sorted(self.conflicts.values(), key=lambda c: (c.start, c.booking_id)),
        )

    def standing(self, request: t.Request) -> tuple[Standing, int]:
        """The request's standing and priority in this plan. A request not scheduled ages
        (``PlanningSettings.ageing_weeks``); a waiting one whose wait has raised its priority
        competes for room again as a new one, where it would otherwise take only free room."""
        project = self.projects[request.project]
        priority = project.priority
        if request.status == RequestStatus.SCHEDULED:
            return Standing.SCHEDULED, priority
        approved = request.decided_at or request.submitted  # a file's approved request
        short = bool({project.id, project.fund_pool} & self.short)
        aged = self.settings.aged(priority, approved, self.now, short)
        if request.id in self.waiting and aged == priority:
            return Standing.WAITING, priority
        return Standing.NEW, aged

    def settle(self, snapshot: Snapshot) -> bool:
        """Sort the fixed bookings that break a rule of today's platform: a repair re-plans
        those it may move, past ones are left be, the rest become conflicts. True when any
        was found (the problem must be built again)."""
        violations = validate(
            snapshot.problem,
            Plan(
                assignments={
                    k: snapshot.problem.current[k]
                    for k in snapshot.frozen
                    if k in snapshot.problem.current
                },
                status="feasible",
            ),
        )
        why: dict[str, list[str]] = defaultdict(list)
        for violation in violations:
            for key in self._through(snapshot, violation):
                why[key].append(violation.message)
        for key, messages in why.items():
            booked = snapshot.booked[key]
            fixed = self.fixed[key]
            if booked.booking.end <= self.ready:
                self.ignored[key] = snapshot.tasks[key]  # history that no longer fits today's
            elif self.repair and fixed in (Fixed.FROZEN, Fixed.STARTED):
                self.release.add(key)
            else:
                row = snapshot.tasks[key]
                self.conflict_rows[key] = row
                self.conflicts[key] = Conflict(
                    booking_id=booked.booking.id,
                    request_id=row.request_id,
                    task=row.key,
                    status=booked.booking.status,
                    start=booked.booking.start,
                    end=booked.booking.end,
                    why=tuple(dict.fromkeys(messages)),
                    fixed=fixed,
                )
        return bool(why)

    @staticmethod
    def _through(snapshot: Snapshot, violation) -> set[str]:
        """The fixed bookings a violation among fixed bookings goes through."""
        problem = snapshot.problem
        involved = {violation.task, *violation.refs} & snapshot.frozen
        if violation.rule == Rule.PERSON_WEEKLY_CAP:  # every fixed booking of that person
            person = violation.refs[0]
            involved = {
                k
                for k in snapshot.frozen
                if k in problem.current and person in problem.current[k].people
            }
        return involved

    def _assignment(self, key: str, booked: BookedTask) -> Assignment:
        grid = self.grid
        start = max(grid.floor(booked.booking.start), 0)
        shifts = (
            Shift(person=p, start=max(grid.floor(lo), start), end=grid.ceil(hi))
            for p, lo, hi in booked.shifts
        )
        return Assignment(
            task=key,
            start=start,
            mode=0,
            units=tuple(booked.units),
            people=tuple(booked.people),
            shifts=tuple(sorted(shifts, key=lambda s: (s.start, s.end, s.person))),
        )

    def _task(self, key: str, request_id: str, row: t.Task, current: Assignment | None) -> Task:
        grid = self.grid
        request = self.planned[row.request_id]
        project = self.projects[request.project]
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
                min_level=need.level,
                among=pool,
            )
            for need in self.staff[row.id]
        )
        if row.operator:
            staff += (StaffNeed(count=1, among=self._operators(needs)),)
        shifts = None
        if row.shifts and staff:  # one need of one person (the platform file sees to it)
            handover = grid.length(self.settings.handover)
            shifts, staff = Shifts(need=staff[0], handover=handover), ()
        duration = grid.length(row.duration)
        # The request's own dates hold for each of its tasks: its earliest start, and a
        # hard due date on its finish (each task ends by then); a soft one is the request's
        # lateness, counted once (solver.problem.Request.due).
        request = self.request_rows[row.request_id]
        starts = [d for d in (row.earliest, request.earliest) if d is not None]
        earliest = max([grid.ceil(max(starts)), self.ready_slot] if starts else [self.ready_slot])
        # Nothing new ends after the horizon; a booking reaching past it may stay there.
        end_by = self.horizon_slot
        if current is not None:
            end_by = max(end_by, current.start + duration)
        due = grid.floor(row.due) if row.due else None
        deadline = end_by if due is None or not row.due_hard else min(due, end_by)
        if request.due is not None and request.due_hard:
            deadline = min(deadline, grid.floor(request.due))
        consumes = task_consumes(
            self.pools.get(project.fund_pool),
            (
                [
                    self.units[u].hourly_rate * grid.slot_minutes * need.amount
                    for u in need.candidates
                ]
                for need in needs
            ),
            duration,
        )
        return Task(
            id=key,
            request=request_id,
            modes=(Mode(duration=duration, needs=needs, consumes=consumes),),
            staff=staff,
            staff_slots=grid.length(row.staff_for) if row.staff_for is not None else None,
            earliest=earliest,
            deadline=max(deadline, earliest),
            due=due if due is not None and not row.due_hard else None,
            budget=project.id if project.enforce_budget else None,
            team=project.id if self._has_team_rule(project) else None,
            at_most={cap.role.value: cap.count for cap in self.caps[row.id]},
            shifts=shifts,
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
        if row.staff_for is not None:
            staffed_end = booked.booking.start + dt.timedelta(minutes=row.staff_for)
            staffed = max(0, min(grid.ceil(staffed_end), end) - start)
        # Its people count towards its project's team when the project is being planned.
        project = self.projects[self.request_rows[row.request_id].project]
        team = project.id if project.id in self.team_projects else None
        shifts = None
        if booked.shifts:  # kept as they are: among their own people
            who = frozenset(p for p, _, _ in booked.shifts)
            shifts, staffed = Shifts(need=StaffNeed(among=who)), None
        return Task(
            id=key,
            request=request_id,
            modes=(Mode(duration=max(end - start, 1), needs=needs),),
            staff=tuple(StaffNeed(count=1, among=frozenset({p})) for p in booked.people),
            shifts=shifts,
            staff_slots=staffed,
            earliest=start,
            team=team if row.request_id in self.planned else None,
        )

    def _operators(self, needs: tuple[ResourceNeed, ...]) -> frozenset[str]:
        """Who the platform sends as a task's operator: its staff certified for a kind of
        the task's units that needs a certified operator (any of its kinds when none does).
        The certificate's dates are the certified-operator rule's to check."""
        units = [self.units[u] for need in needs for u in need.candidates]
        kinds = {u.kind for u in units if u.certified_operator} or {u.kind for u in units}
        return frozenset(
            person.id
            for person in self.people.values()
            if person.platform_staff and any(c.kind_id in kinds for c in self.certs[person.id])
        )

    def _candidates(self, need: t.TaskEquipment) -> tuple[str, ...]:
        if need.unit is not None:
            return (need.unit,)
        found = tuple(
            unit.id
            for unit in self.units.values()
            if unit.kind == need.kind and (need.site is None or unit.site == need.site)
        )
        return found

    def _held(self) -> tuple[dict[str, list], dict[str, list]]:
        """The time the conflicting bookings hold, per unit (setup to cleanup) and per
        person (the staffed part): nothing else may use it."""
        units: dict[str, list] = defaultdict(list)
        people: dict[str, list] = defaultdict(list)
        for key in self.conflicts:
            row = self.conflict_rows[key]
            booked = self.live[row.id]
            start, end = booked.booking.start, booked.booking.end
            for unit_id in booked.units:
                unit = self.units[unit_id]
                units[unit_id].append(
                    (
                        start - dt.timedelta(minutes=unit.setup),
                        end + dt.timedelta(minutes=unit.cleanup),
                    )
                )
            staffed = row.staff_for if row.staff_for is not None else row.duration
            for person_id in booked.people:
                people[person_id].append((start, start + dt.timedelta(minutes=staffed)))
            for person_id, lo, hi in booked.shifts:
                people[person_id].append((lo, hi))
        return units, people

    def _unit(self, unit: t.Equipment) -> Unit:
        grid = self.grid
        calendars = self.calendars
        held = self._held_units.get(unit.id, [])
        return Unit(
            id=unit.id,
            kind=unit.kind,
            site=unit.site,
            capacity=unit.capacity,
            cost_per_slot=unit.hourly_rate * grid.slot_minutes,  # cent-minutes per slot
            setup=grid.length(unit.setup),
            cleanup=grid.length(unit.cleanup),
            needs_certified=unit.certified_operator,
            unattended_ok=unit.unattended,
            open=self._slots(calendars.site_open(unit.site), grid.inner),
            down=self._slots([*calendars.unit_down(unit.id), *held], grid.outer),
        )

    def _person(self, person: t.Person) -> Person:
        grid = self.grid
        certs = {}
        for cert in self.certs[person.id]:
            first_invalid = to_utc(
                dt.datetime.combine(cert.expires + dt.timedelta(days=1), dt.time()), self.tz
            )
            certs[cert.kind_id] = min(max(grid.ceil(first_invalid), 0), grid.slots + 1)
        available = subtract(
            self.calendars.person_available(person.id), self._held_people.get(person.id, [])
        )
        return Person(
            id=person.id,
            role=person.role.value,
            skills={s.skill: s.level for s in self.skills[person.id]},
            certs=certs,
            available=self._slots(available, grid.inner),
            weekly_cap=int(person.weekly_hours * 60 // grid.slot_minutes),
            home_site=person.home_site,
            supervises=person.role in self.settings.supervising_roles,
            supervisor=person.supervisor,
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
            left = max(project.budget - self.spent_elsewhere.get(project_id, 0), 0)
            yield Budget(id=project_id, limit=left * 60)  # cent-minutes, like the unit costs
        taken = {b for task in tasks for mode in task.modes for b in mode.consumes}
        yield from pool_budgets(self.pools, self.projects.values(), self.spent_elsewhere, taken)

    def _has_team_rule(self, project: t.Project) -> bool:
        return bool(self.minimums[project.id]) or project.max_students_per_senior is not None

    def _teams(self) -> Iterable[TeamRule]:
        # The people of planned requests' bookings kept outside the problem (conflicts,
        # history, bookings far ahead) are on their project's team all the same: without
        # them, history that no longer fits could leave the plan a team it cannot mend.
        outside: dict[str, set[str]] = defaultdict(set)
        rows = [
            *self.conflict_rows.values(),
            *self.ignored.values(),
            *(self.task_rows[i] for i in self.far),
        ]
        for row in rows:
            request = self.planned.get(row.request_id)
            booked = self.live.get(row.id) or self.far.get(row.id)
            if request is not None and booked is not None:
                outside[request.project].update(booked.people)
        for project in sorted(self.projects.values(), key=lambda p: p.id):
            if project.id in self.team_projects:
                yield TeamRule(
                    id=project.id,
                    min_roles={m.role.value: m.count for m in self.minimums[project.id]},
                    max_students_per_senior=project.max_students_per_senior,
                    members=frozenset(outside[project.id]),
                )


def _group(rows: Iterable, key: str) -> dict:
    groups: dict = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


def money_of_cent_minutes(value: int) -> str:
    """A budget amount of the problem (cents times minutes, like the unit costs) as money."""
    return format_money(round(value / 60))
