"""The plain scheduling problem: what goes into the solver.

Everything is in integer time slots (``Problem.slot_minutes`` long, slot 0 is the start of
the horizon) and ids are strings chosen by the caller. Nothing here knows about databases,
calendars or time zones: labops turns its records into this, the benchmark readers turn
PSPLIB/MMLIB/iMOPSE files into this. Construction checks the problem is well formed and
raises ``ProblemError`` with one line naming the first thing that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from solver.score import LevelSpec
    from solver.stability import Stability

Window = tuple[int, int]
"""A half-open range of slots ``[start, end)``."""


class ProblemError(ValueError):
    """A malformed problem; the message is one line naming what is wrong."""


def _frozen_map(value: Mapping | None) -> Mapping:
    return MappingProxyType(dict(value or {}))


def _check_windows(owner: str, windows: tuple[Window, ...] | None) -> None:
    if windows is None:
        return
    last_end = None
    for start, end in windows:
        if end <= start:
            raise ProblemError(f"{owner}: window [{start}, {end}) ends before it starts")
        if last_end is not None and start < last_end:
            raise ProblemError(f"{owner}: windows must be sorted and disjoint")
        last_end = end


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """One equipment unit, or a renewable resource of a benchmark.

    ``open`` lists the windows in which attended work may use the unit (site opening hours
    with closures taken out); None means always open. ``down`` lists downtime, in which the
    unit cannot be used at all, attended or not. Setup and cleanup extend the unit's
    occupation before and after the task, outside the task's own duration.
    """

    id: str
    kind: str = ""
    site: str = ""
    capacity: int = 1
    cost_per_slot: int = 0  # money per capacity unit per slot
    setup: int = 0
    cleanup: int = 0
    needs_certified: bool = False
    unattended_ok: bool = False
    open: tuple[Window, ...] | None = None
    down: tuple[Window, ...] = ()

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ProblemError(f"unit {self.id!r}: capacity must be at least 1")
        if min(self.setup, self.cleanup, self.cost_per_slot) < 0:
            raise ProblemError(f"unit {self.id!r}: setup, cleanup and cost must not be negative")
        _check_windows(f"unit {self.id!r} open", self.open)
        _check_windows(f"unit {self.id!r} down", self.down)


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """Someone who can be assigned to tasks.

    ``certs`` maps an equipment kind to the first slot at which the certification is no
    longer valid: a task on that kind must start before it. ``available`` is working hours
    minus unavailability (None: always). ``weekly_cap`` bounds the staffed slots of the
    tasks that start in each week of ``Problem.week_starts``. A student works on a task only
    with someone who may supervise them on it: a person who ``supervises`` (None: anyone
    but a student), or the student's named ``supervisor``.
    """

    id: str
    role: str = ""
    skills: Mapping[str, int] = field(default_factory=dict)
    certs: Mapping[str, int] = field(default_factory=dict)
    available: tuple[Window, ...] | None = None
    weekly_cap: int | None = None
    home_site: str | None = None
    cost_per_slot: int = 0
    supervises: bool | None = None
    supervisor: str | None = None

    def __post_init__(self) -> None:
        if self.supervises is None:
            object.__setattr__(self, "supervises", not self.is_student)
        object.__setattr__(self, "skills", _frozen_map(self.skills))
        object.__setattr__(self, "certs", _frozen_map(self.certs))
        if any(not 1 <= level <= 3 for level in self.skills.values()):
            raise ProblemError(f"person {self.id!r}: skill levels are 1 to 3")
        if self.weekly_cap is not None and self.weekly_cap < 0:
            raise ProblemError(f"person {self.id!r}: weekly cap must not be negative")
        _check_windows(f"person {self.id!r} available", self.available)

    @property
    def is_student(self) -> bool:
        return self.role == STUDENT_ROLE

    def can_supervise(self, student: Person) -> bool:
        """Whether this person, on a task with ``student``, supervises them."""
        if self.id == student.id or self.is_student:
            return False
        return bool(self.supervises) or self.id == student.supervisor


STUDENT_ROLE = "student"


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceNeed:
    """``amount`` units of capacity on one unit chosen among ``candidates``."""

    candidates: tuple[str, ...]
    amount: int = 1

    def __post_init__(self) -> None:
        if not self.candidates:
            raise ProblemError("a resource need has no candidate unit")
        if self.amount < 1:
            raise ProblemError("a resource need asks for at least 1 unit of capacity")


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffNeed:
    """``count`` people, each with ``role`` (if set) and ``skill`` at ``min_level`` (if set)."""

    count: int = 1
    role: str | None = None
    skill: str | None = None
    min_level: int = 1
    among: frozenset[str] | None = None  # only these people (a project's team); None: anyone

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ProblemError("a staff need asks for at least 1 person")
        if not 1 <= self.min_level <= 3:
            raise ProblemError("a staff need's minimum level is 1 to 3")
        if self.among is not None:
            object.__setattr__(self, "among", frozenset(self.among))

    def admits(self, person: Person) -> bool:
        if self.among is not None and person.id not in self.among:
            return False
        if self.role is not None and person.role != self.role:
            return False
        return self.skill is None or person.skills.get(self.skill, 0) >= self.min_level


@dataclass(frozen=True, slots=True, kw_only=True)
class Shifts:
    """A task watched throughout in shifts: one person at a time who meets ``need`` (a
    student never: nobody would supervise them), each working one of their available windows
    clipped to the run, the next one arriving ``handover`` slots before the last one leaves."""

    need: StaffNeed
    handover: int = 0

    def __post_init__(self) -> None:
        if self.need.count != 1:
            raise ProblemError("a shift need asks for 1 person at a time")
        if self.handover < 0:
            raise ProblemError("a shift hand-over must not be negative")


@dataclass(frozen=True, slots=True, kw_only=True)
class Shift:
    """One person's shift on a shift-staffed task: slots ``[start, end)``."""

    person: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Mode:
    """One way to run a task: its duration and the equipment it holds meanwhile.

    ``consumes`` takes fixed amounts from budgets (MMLIB's non-renewable resources).
    """

    duration: int
    needs: tuple[ResourceNeed, ...] = ()
    consumes: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "consumes", _frozen_map(self.consumes))
        if self.duration < 0:
            raise ProblemError("a mode's duration must not be negative")


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """A piece of work of a request, placed once in one of its modes.

    ``staff_slots`` is the part at the start during which staff are needed: None means the
    whole duration; an unattended task needs its people only for that setup period and may
    run outside opening hours on units that allow it. ``deadline`` is a hard bound on the
    end, ``due`` a soft one. Costs of its units and people are charged to ``budget``.
    ``team`` names the TeamRule its people count towards. ``at_most`` caps the people of a
    role on the task ("at most 2 students"), whichever needs they fill. ``shifts`` staffs
    the whole run in shifts instead of ``staff`` (see ``Shifts``).
    """

    id: str
    request: str
    modes: tuple[Mode, ...]
    staff: tuple[StaffNeed, ...] = ()
    staff_slots: int | None = None
    earliest: int = 0
    deadline: int | None = None
    due: int | None = None
    budget: str | None = None
    team: str | None = None
    at_most: Mapping[str, int] = field(default_factory=dict)
    shifts: Shifts | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "at_most", _frozen_map(self.at_most))
        if self.shifts is not None and (self.staff or self.staff_slots is not None):
            raise ProblemError(f"task {self.id!r}: a shift-staffed task has no other staff")
        if not self.modes:
            raise ProblemError(f"task {self.id!r} has no mode")
        if any(cap < 0 for cap in self.at_most.values()):
            raise ProblemError(f"task {self.id!r}: a cap on people must not be negative")
        if self.staff_slots is not None and self.staff_slots < 0:
            raise ProblemError(f"task {self.id!r}: staff_slots must not be negative")
        if self.deadline is not None and self.deadline < self.earliest:
            raise ProblemError(f"task {self.id!r}: deadline is before its earliest start")

    @property
    def unattended(self) -> bool:
        return self.staff_slots is not None


class Standing(StrEnum):
    """Where a request stands with the plan in force, which decides what a re-plan owes it."""

    NEW = "new"  # no plan in force has decided it yet: planned as in a first plan
    SCHEDULED = "scheduled"  # in the plan in force: it stays unless a change leaves it no room
    WAITING = "waiting"  # left out by the plan in force: it takes only room that is free


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """Tasks that are scheduled together or not at all.

    ``priority`` weighs the request in the objective; ``arrival`` orders the first-come-
    first-served baseline; a request with ``required`` set must be scheduled (benchmarks);
    ``standing`` says what the plan in force promised it (see ``solver.score``); ``due`` is
    a soft due date on its finish (the end of its last task): its lateness counts once,
    however many of its tasks end late.
    """

    id: str
    priority: int = 1
    arrival: int = 0
    required: bool = False
    standing: Standing = Standing.NEW
    due: int | None = None

    def __post_init__(self) -> None:
        if self.priority < 1:
            raise ProblemError(f"request {self.id!r}: priority must be at least 1")
        object.__setattr__(self, "standing", Standing(self.standing))


@dataclass(frozen=True, slots=True, kw_only=True)
class Precedence:
    """``after`` starts no earlier than ``lag`` slots after ``before`` ends."""

    before: str
    after: str
    lag: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """Money (or a benchmark's non-renewable resource) that its tasks may spend."""

    id: str
    limit: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamRule:
    """Team composition over the people of the scheduled tasks whose ``team`` is ``id``.

    At least ``min_roles[role]`` distinct people of each role, and at most
    ``max_students_per_senior`` students per non-student, when any of its tasks is scheduled.
    ``members`` are on the team already, through bookings outside the problem (kept as they
    are), and count with the people of its tasks.
    """

    id: str
    min_roles: Mapping[str, int] = field(default_factory=dict)
    max_students_per_senior: int | None = None
    members: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_roles", _frozen_map(self.min_roles))
        object.__setattr__(self, "members", frozenset(self.members))


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """Where and when a task runs: its start, mode, one unit per need, and its people
    (a shift-staffed task's people are in ``shifts``, in time order)."""

    task: str
    start: int
    mode: int = 0
    units: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    shifts: tuple[Shift, ...] = ()


TAIL_LEVELS = ("disruption", "tardiness", "continuity", "cost", "finish")
"""The lab objective's levels after keeping and scheduling requests, in their default order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Weights:
    """The lab objective: its order and weights (see ``solver.score`` for the levels).

    With ``lexicographic`` set, each level is optimised in turn and never traded for a later
    one; otherwise the weighted sum is used. Keeping scheduled requests and the promised
    bookings always comes first, then new requests, then ``order`` (a permutation of
    ``TAIL_LEVELS``). With ``preempt``, a new request may displace scheduled requests of a
    lower priority; without it, never.
    """

    promises: int = 5000  # per promised booking moved or re-staffed
    kept: int = 2000  # per priority point of a scheduled request kept
    scheduled: int = 1000  # per priority point of a new request scheduled
    waiting: int = 1000  # per priority point of a waiting request scheduled
    disruption: int = 50  # per unit of move cost of a changed booking of the plan in force
    tardiness: int = 10  # per slot late against a soft due date, times priority
    continuity: int = 1  # per extra distinct person on a team's tasks
    cost: int = 0  # per money unit
    finish: int = 1  # per slot of the latest end (early finish)
    order: tuple[str, ...] = TAIL_LEVELS
    preempt: bool = False
    lexicographic: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", tuple(self.order))
        if sorted(self.order) != sorted(TAIL_LEVELS):
            raise ProblemError(
                f"objective order {list(self.order)}: give each of {list(TAIL_LEVELS)} once"
            )


@dataclass(frozen=True, kw_only=True)
class Problem:
    """A whole scheduling problem.

    ``week_starts`` are the slots at which weeks begin (for weekly caps); ``travel`` gives
    slots needed to move between two sites (looked up both ways). ``current`` is the plan in
    force, which the objective tries to keep; ``locked`` tasks must keep their current
    assignment exactly. ``promised`` current assignments (confirmed bookings) move only for
    a request of a higher priority; ``move_cost`` weighs a change of a current assignment
    in the disruption level (default 1). ``objective`` is "lab" (the weighted levels) or
    "makespan".
    """

    horizon: int
    units: tuple[Unit, ...]
    tasks: tuple[Task, ...]
    requests: tuple[Request, ...]
    people: tuple[Person, ...] = ()
    precedences: tuple[Precedence, ...] = ()
    budgets: tuple[Budget, ...] = ()
    teams: tuple[TeamRule, ...] = ()
    travel: Mapping[tuple[str, str], int] = field(default_factory=dict)
    week_starts: tuple[int, ...] = (0,)
    current: Mapping[str, Assignment] = field(default_factory=dict)
    locked: frozenset[str] = frozenset()
    promised: frozenset[str] = frozenset()
    move_cost: Mapping[str, int] = field(default_factory=dict)
    slot_minutes: int = 30
    objective: str = "lab"
    weights: Weights = field(default_factory=Weights)
    name: str = ""
    # How messages name a slot ("Tue 01 Dec 09:30" for labops); None: "slot 42".
    slot_label: Callable[[int], str] | None = field(default=None, compare=False, repr=False)
    # How messages name an amount of a budget ("600.00" for labops's cent-minutes); None: as is.
    amount_label: Callable[[int], str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "travel", _frozen_map(self.travel))
        object.__setattr__(self, "current", _frozen_map(self.current))
        object.__setattr__(self, "locked", frozenset(self.locked))
        object.__setattr__(self, "promised", frozenset(self.promised))
        object.__setattr__(self, "move_cost", _frozen_map(self.move_cost))
        if self.horizon < 1:
            raise ProblemError("the horizon must be at least one slot")
        if self.objective not in ("lab", "makespan"):
            raise ProblemError(f"unknown objective {self.objective!r}")
        units = _unique("unit", self.units)
        people = _unique("person", self.people)
        tasks = _unique("task", self.tasks)
        requests = _unique("request", self.requests)
        budgets = _unique("budget", self.budgets)
        teams = _unique("team", self.teams)
        for person in self.people:
            if person.supervisor is not None and person.supervisor not in people:
                raise ProblemError(
                    f"person {person.id!r}: unknown supervisor {person.supervisor!r}"
                )
        for team in self.teams:
            if not team.members <= people:
                raise ProblemError(f"team {team.id!r}: unknown members")
        for task in self.tasks:
            if task.request not in requests:
                raise ProblemError(f"task {task.id!r}: unknown request {task.request!r}")
            if task.budget is not None and task.budget not in budgets:
                raise ProblemError(f"task {task.id!r}: unknown budget {task.budget!r}")
            if task.team is not None and task.team not in teams:
                raise ProblemError(f"task {task.id!r}: unknown team {task.team!r}")
            for mode in task.modes:
                for need in mode.needs:
                    for unit_id in need.candidates:
                        if unit_id not in units:
                            raise ProblemError(f"task {task.id!r}: unknown unit {unit_id!r}")
                for budget_id in mode.consumes:
                    if budget_id not in budgets:
                        raise ProblemError(f"task {task.id!r}: unknown budget {budget_id!r}")
        for prec in self.precedences:
            for task_id in (prec.before, prec.after):
                if task_id not in tasks:
                    raise ProblemError(f"precedence: unknown task {task_id!r}")
        for task_id, assignment in self.current.items():
            if task_id not in tasks:
                raise ProblemError(f"current plan: unknown task {task_id!r}")
            if not 0 <= assignment.mode < len(self.task[task_id].modes):
                raise ProblemError(f"current plan: task {task_id!r} has no mode {assignment.mode}")
            for person_id in (*assignment.people, *(s.person for s in assignment.shifts)):
                if person_id not in people:
                    raise ProblemError(f"current plan: unknown person {person_id!r}")
            for unit_id in assignment.units:
                if unit_id not in units:
                    raise ProblemError(f"current plan: unknown unit {unit_id!r}")
        for task_id in self.locked:
            if task_id not in self.current:
                raise ProblemError(f"locked task {task_id!r} has no current assignment")
        for task_id in self.promised:
            if task_id not in self.current:
                raise ProblemError(f"promised task {task_id!r} has no current assignment")
        for task_id, cost in self.move_cost.items():
            if task_id not in self.current or cost < 0:
                raise ProblemError(f"move cost of {task_id!r}: a current task, not negative")
        if list(self.week_starts) != sorted(set(self.week_starts)):
            raise ProblemError("week_starts must be increasing")

    # Lookups by id: the problem is frozen, so each is built once, on first use.
    @cached_property
    def unit(self) -> Mapping[str, Unit]:
        return {unit.id: unit for unit in self.units}

    @cached_property
    def person(self) -> Mapping[str, Person]:
        return {person.id: person for person in self.people}

    @cached_property
    def task(self) -> Mapping[str, Task]:
        return {task.id: task for task in self.tasks}

    @cached_property
    def request(self) -> Mapping[str, Request]:
        return {request.id: request for request in self.requests}

    @cached_property
    def request_tasks(self) -> Mapping[str, tuple[Task, ...]]:
        by_request: dict[str, list[Task]] = {request.id: [] for request in self.requests}
        for task in self.tasks:
            by_request[task.request].append(task)
        return {request_id: tuple(tasks) for request_id, tasks in by_request.items()}

    @cached_property
    def stability(self) -> Stability:
        """Which current assignments a change broke, and the scheduled requests it hit."""
        from solver.stability import assess  # it validates the plan in force with this module

        return assess(self)

    @cached_property
    def level_specs(self) -> tuple[LevelSpec, ...]:
        """The objective's levels (``solver.score.plan_levels``), built once."""
        from solver.score import build_levels  # it reads this module's types

        return build_levels(self)

    def when(self, slot: int) -> str:
        """A slot as people read it in messages."""
        return self.slot_label(slot) if self.slot_label is not None else f"slot {slot}"

    def amount(self, value: int) -> str:
        """An amount of a budget as people read it in messages."""
        return self.amount_label(value) if self.amount_label is not None else str(value)

    def length(self, slots: int) -> str:
        """A number of slots as a duration people read ("5h30m")."""
        hours, minutes = divmod(slots * self.slot_minutes, 60)
        if hours and minutes:
            return f"{hours}h{minutes:02d}m"
        return f"{hours}h" if hours else f"{minutes}m"

    def travel_time(self, site_a: str, site_b: str) -> int:
        if site_a == site_b:
            return 0
        return self.travel.get((site_a, site_b), self.travel.get((site_b, site_a), 0))


def _unique(what: str, items: tuple) -> set[str]:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ProblemError(f"duplicate {what} id {item.id!r}")
        seen.add(item.id)
    return seen
