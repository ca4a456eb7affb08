"""The objective levels of a plan, evaluated in plain Python.

The CP-SAT objective (``solver.model.objective``) encodes exactly these quantities; the
tests check the two agree. Levels, most important first, for the "lab" objective:

- ``scheduled``: sum of the priorities of the scheduled requests (maximised);
- ``tardiness``: for each placed task with a soft due date, slots its end is late, times
  its request's priority;
- ``changes``: tasks of the current plan that are dropped, moved, or given another mode,
  units or people;
- ``continuity``: distinct people per team (per request for tasks without a team), summed;
- ``cost``: money spent on units and people by all placed tasks;
- ``finish``: the latest end of a placed task.

The "makespan" objective has ``scheduled`` (when some request is optional) and
``makespan``, the latest end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from solver.problem import Assignment, Problem

LAB_LEVELS = ("scheduled", "tardiness", "changes", "continuity", "cost", "finish")
MAKESPAN_LEVELS = ("scheduled", "makespan")
MAXIMISED = frozenset({"scheduled"})


def levels(problem: Problem) -> tuple[str, ...]:
    """The objective levels of a problem, most important first, weight 0 levels left out."""
    if problem.objective == "makespan":
        if all(r.required for r in problem.requests):
            return ("makespan",)
        return MAKESPAN_LEVELS
    weights = problem.weights
    return tuple(name for name in LAB_LEVELS if getattr(weights, name) != 0)


def evaluate(problem: Problem, assignments: Mapping[str, Assignment]) -> dict[str, int]:
    """The value of every level (of both objectives) for a plan."""
    placed = {t: a for t, a in assignments.items() if t in problem.task}
    ends = {t: a.start + problem.task[t].modes[a.mode].duration for t, a in placed.items()}
    scheduled = sum(
        r.priority
        for r in problem.requests
        if all(t.id in placed for t in problem.request_tasks[r.id])
    )
    tardiness = 0
    for task_id, end in ends.items():
        task = problem.task[task_id]
        if task.due is not None and end > task.due:
            tardiness += problem.request[task.request].priority * (end - task.due)
    changes = sum(1 for t, want in problem.current.items() if not unchanged(placed.get(t), want))
    groups: dict[str, set[str]] = defaultdict(set)
    cost = 0
    for task_id, a in placed.items():
        task = problem.task[task_id]
        mode = task.modes[a.mode]
        groups[task.team if task.team is not None else f"request:{task.request}"].update(a.people)
        for need, unit_id in zip(mode.needs, a.units, strict=False):
            cost += problem.unit[unit_id].cost_per_slot * need.amount * mode.duration
        staffed = task.staff_slots if task.unattended else mode.duration
        cost += sum(problem.person[p].cost_per_slot * staffed for p in a.people)
    finish = max(ends.values(), default=0)
    return {
        "scheduled": scheduled,
        "tardiness": tardiness,
        "changes": changes,
        "continuity": sum(len(people) for people in groups.values()),
        "cost": cost,
        "finish": finish,
        "makespan": finish,
    }


def unchanged(have: Assignment | None, want: Assignment) -> bool:
    """True when a booking keeps its start, mode, units and people (in any order)."""
    return have is not None and (have.start, have.mode, tuple(have.units), set(have.people)) == (
        want.start,
        want.mode,
        tuple(want.units),
        set(want.people),
    )


def as_current(found: Assignment, current: Assignment | None) -> Assignment:
    """The current booking itself when ``found`` does not change it (keeps its people's
    order, so callers can compare assignments directly)."""
    return current if current is not None and unchanged(found, current) else found


def weighted(problem: Problem, breakdown: Mapping[str, int]) -> int:
    """The single minimisation value of a plan: the makespan for "makespan" objectives,
    else the weighted sum of the levels (scheduled priority counts negatively)."""
    if problem.objective == "makespan":
        return breakdown["makespan"]
    weights = problem.weights
    return sum(
        (-1 if name in MAXIMISED else 1) * getattr(weights, name) * breakdown[name]
        for name in LAB_LEVELS
    )


def rank(problem: Problem, breakdown: Mapping[str, int]) -> tuple[int, ...]:
    """A key that orders plans from best to worst: the levels in turn when the objective is
    lexicographic (always for the makespan objective: scheduled requests, then makespan),
    else the weighted value (maximised levels negated)."""
    if problem.objective != "makespan" and not problem.weights.lexicographic:
        return (weighted(problem, breakdown),)
    return tuple((-1 if name in MAXIMISED else 1) * breakdown[name] for name in levels(problem))
