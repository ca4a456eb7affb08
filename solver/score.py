"""The objective levels of a plan, defined once and evaluated in plain Python.

The CP-SAT objective (``solver.model.objective``) encodes exactly these quantities; the
tests check the two agree. For the "lab" objective, most important first:

- ``promises`` (minimised): promised bookings of the plan in force (confirmed ones) that
  are moved, re-staffed or dropped although no change broke them;
- ``kept`` (maximised): scheduled requests that stay scheduled, untouched ones weighing
  more than all the hit ones of their priority together;
- ``scheduled`` (maximised): the priorities of the new requests scheduled;
- ``waiting`` (maximised): the priorities of the waiting requests scheduled (they take
  only room that is free: they are placed outside CP-SAT, see ``solver.solve``);
- then, in ``Weights.order``: ``disruption`` (the move costs of the changed bookings of the
  plan in force), ``tardiness`` (slots late against soft due dates, times priority),
  ``continuity`` (distinct people per team), ``cost`` (money on units and people) and
  ``finish`` (the latest end).

When a change hit some scheduled request, or with ``Weights.preempt``, the first levels go
by priority, highest first: ``promises:5``, ``kept:5`` (and ``scheduled:5`` with preempt),
then ``promises:4``..., so a promised booking is moved, or an untouched request dropped,
only for a request of a higher priority. Without a hit nothing of the plan in force need
change, and one ``promises`` and one ``kept`` level cover every priority.

The "makespan" objective has ``scheduled`` (when some request is optional) and
``makespan``, the latest end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from solver.problem import Assignment, Problem, Standing

MAXIMISED = frozenset({"kept", "scheduled", "waiting"})
OUTSIDE_MODEL = frozenset({"waiting"})
"""Levels CP-SAT leaves alone: waiting requests are placed on the board, into free room."""


@dataclass(frozen=True, slots=True)
class LevelSpec:
    """One objective level: its name, sense and weight in the weighted sum; a request level
    counts ``requests`` (id -> weight) scheduled, a change level counts ``changes`` (current
    task id -> weight) not kept as they are."""

    name: str
    maximize: bool
    weight: int
    requests: Mapping[str, int] = field(default_factory=dict)
    changes: Mapping[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        """The level's name without its priority class ("kept" for "kept:5")."""
        return self.name.split(":", 1)[0]

    @property
    def empty(self) -> bool:
        """A request or change level with nothing to count."""
        counted = self.base in ("promises", "kept", "scheduled", "waiting", "disruption")
        return counted and not self.requests and not self.changes


def plan_levels(problem: Problem) -> tuple[LevelSpec, ...]:
    """Every level of the problem's objective, most important first (empty ones too)."""
    return problem.level_specs


def build_levels(problem: Problem) -> tuple[LevelSpec, ...]:
    """The levels of ``problem`` (see the module docstring); cached as ``level_specs``."""
    weights = problem.weights
    if problem.objective == "makespan":
        if all(r.required for r in problem.requests):
            return (LevelSpec("makespan", False, 1),)
        priorities = {r.id: r.priority for r in problem.requests}
        return (LevelSpec("scheduled", True, 1, priorities), LevelSpec("makespan", False, 1))
    hit = problem.stability.hit
    broken = problem.stability.broken
    by_standing: dict[Standing, list] = defaultdict(list)
    for request in problem.requests:
        by_standing[request.standing].append(request)
    scheduled, new = by_standing[Standing.SCHEDULED], by_standing[Standing.NEW]
    classes: list[int | None] = [None]
    if hit or weights.preempt:
        mine = scheduled + (new if weights.preempt else [])
        classes = sorted({r.priority for r in mine}, reverse=True)
    out: list[LevelSpec] = []
    for priority in classes:
        suffix = "" if priority is None else f":{priority}"
        kept = [r for r in scheduled if priority is None or r.priority == priority]
        promised = {
            t.id: 1
            for r in kept
            for t in problem.request_tasks[r.id]
            if t.id in problem.promised and t.id not in broken and t.id not in problem.locked
        }
        out.append(LevelSpec(f"promises{suffix}", False, weights.promises, changes=promised))
        if priority is None:
            counts = {r.id: r.priority for r in kept}
        else:  # an untouched request outweighs all the hit ones of its priority together
            heavy = 1 + sum(1 for r in kept if r.id in hit)
            counts = {r.id: 1 if r.id in hit else heavy for r in kept}
        out.append(LevelSpec(f"kept{suffix}", True, weights.kept, counts))
        if weights.preempt:
            own = {r.id: r.priority for r in new if r.priority == priority}
            out.append(LevelSpec(f"scheduled{suffix}", True, weights.scheduled, own))
    if not weights.preempt:
        priorities = {r.id: r.priority for r in new}
        out.append(LevelSpec("scheduled", True, weights.scheduled, priorities))
    waiting = {r.id: r.priority for r in by_standing[Standing.WAITING]}
    out.append(LevelSpec("waiting", True, weights.waiting, waiting))
    for name in weights.order:
        if name == "disruption":
            costs = {
                t: problem.move_cost.get(t, 1) for t in problem.current if t not in problem.locked
            }
            out.append(LevelSpec(name, False, weights.disruption, changes=costs))
        else:
            out.append(LevelSpec(name, False, getattr(weights, name)))
    return tuple(out)


PROMISE_LEVELS = frozenset({"promises", "kept", "scheduled", "waiting", "disruption"})


def keeps_promises(level: str) -> bool:
    """Whether a level is about what plans promise (requests scheduled, bookings kept): such
    a level is optimised on its own, never traded in a weighted sum for lateness or cost."""
    return level.split(":", 1)[0] in PROMISE_LEVELS


def levels(problem: Problem) -> tuple[str, ...]:
    """The names of the levels that count, most important first (weight 0 and empty ones
    left out)."""
    return tuple(s.name for s in plan_levels(problem) if s.weight != 0 and not s.empty)


def evaluate(problem: Problem, assignments: Mapping[str, Assignment]) -> dict[str, int]:
    """The value of every level for a plan (with ``makespan`` and ``finish`` both given)."""
    placed = {t: a for t, a in assignments.items() if t in problem.task}
    ends = {t: a.start + problem.task[t].modes[a.mode].duration for t, a in placed.items()}
    done = {
        r.id for r in problem.requests if all(t.id in placed for t in problem.request_tasks[r.id])
    }
    tardiness = 0
    for task_id, end in ends.items():
        task = problem.task[task_id]
        if task.due is not None and end > task.due:
            tardiness += problem.request[task.request].priority * (end - task.due)
    groups: dict[str, set[str]] = defaultdict(set)
    cost = 0
    for task_id, a in placed.items():
        task = problem.task[task_id]
        mode = task.modes[a.mode]
        groups[task.team if task.team is not None else f"request:{task.request}"].update(a.people)
        for need, unit_id in zip(mode.needs, a.units, strict=False):
            cost += problem.unit[unit_id].cost_per_slot * need.amount * mode.duration
        staffed = task.staff_slots if task.staff_slots is not None else mode.duration
        cost += sum(problem.person[p].cost_per_slot * staffed for p in a.people)
    finish = max(ends.values(), default=0)
    out = {
        "tardiness": tardiness,
        "continuity": sum(len(people) for people in groups.values()),
        "cost": cost,
        "finish": finish,
        "makespan": finish,
        "scheduled": 0,
        "priority": sum(problem.request[r].priority for r in done),  # of every standing
    }
    for spec in plan_levels(problem):
        if spec.requests or spec.base in MAXIMISED:
            out[spec.name] = sum(w for r, w in spec.requests.items() if r in done)
        elif spec.changes or spec.base in ("promises", "disruption"):
            out[spec.name] = sum(
                w
                for t, w in spec.changes.items()
                if not unchanged(placed.get(t), problem.current[t])
            )
    return out


def unchanged(have: Assignment | None, want: Assignment) -> bool:
    """True when a booking keeps its start, mode, units, people and shifts (in any order)."""
    return have is not None and (
        have.start,
        have.mode,
        tuple(have.units),
        set(have.people),
        set(have.shifts),
    ) == (want.start, want.mode, tuple(want.units), set(want.people), set(want.shifts))


def as_current(found: Assignment, current: Assignment | None) -> Assignment:
    """The current booking itself when ``found`` does not change it (keeps its people's
    order, so callers can compare assignments directly)."""
    return current if current is not None and unchanged(found, current) else found


def weighted(problem: Problem, breakdown: Mapping[str, int]) -> int:
    """The single minimisation value of a plan: the makespan for "makespan" objectives,
    else the weighted sum of the levels (maximised levels count negatively)."""
    if problem.objective == "makespan":
        return breakdown["makespan"]
    return sum(
        (-1 if spec.maximize else 1) * spec.weight * breakdown.get(spec.name, 0)
        for spec in plan_levels(problem)
    )


def rank(problem: Problem, breakdown: Mapping[str, int]) -> tuple[int, ...]:
    """A key that orders plans from best to worst: the levels in turn when the objective is
    lexicographic (always for the makespan objective: scheduled requests, then makespan),
    else the weighted value (maximised levels negated)."""
    if problem.objective != "makespan" and not problem.weights.lexicographic:
        return (weighted(problem, breakdown),)
    return tuple(
        (-1 if spec.maximize else 1) * breakdown.get(spec.name, 0)
        for spec in plan_levels(problem)
        if spec.weight != 0 and not spec.empty
    )


def request_rank(problem: Problem, scheduled: set[str]) -> tuple[int, ...]:
    """``rank`` restricted to the request levels, for a set of scheduled requests: how
    searches that only add and remove whole requests compare plans (lower is better)."""
    return tuple(
        -sum(w for r, w in spec.requests.items() if r in scheduled)
        for spec in plan_levels(problem)
        if spec.base in MAXIMISED and not spec.empty
    )
