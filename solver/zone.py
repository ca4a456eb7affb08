"""Where a repair looks first: the requests a change hit and the bookings around them.

A breakdown on a 500-task plan hits a handful of bookings, but CP-SAT over the whole plan
spends the time limit without proving even its first level (measured on the lab
generator: 30 s, nothing proven, 9 changes where 8 do). The repair zone is what may
change: every request the change hit or the constructive plan changed, new requests, and
every booking on one of their units or people within a day of theirs (its request keeps
its other bookings, so it cannot be dropped in this search). The rest of the plan in force
is locked for a first search (``narrowed``), which is small
enough to be solved to the end; its plan then warm-starts the search over the whole plan.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping

from solver.problem import Assignment, Problem
from solver.score import unchanged

NARROW = 0.5
"""A zone worth a search of its own leaves at least half of the plan in force locked."""
BIG_PLAN = 200
"""Bookings of the plan in force (unlocked) from which a zone pays: below, CP-SAT solves the
whole plan within seconds (the demo's 110), and a zone's own model (its presolve, its
levels) would only take time from that search."""


def repair_zone(
    problem: Problem, plan: Mapping[str, Assignment], radius: int | None = None
) -> frozenset[str] | None:
    """The tasks a repair may change (see the module docstring), when they
    are at most ``NARROW`` of the unlocked plan in force; None when the zone would be most
    of it (the search over the whole plan is then the same search), when nothing is hit,
    or when the plan is small enough to search whole (``BIG_PLAN``).
    ``radius``: slots around each changed booking (default one day)."""
    current = problem.current
    free = [t for t in current if t not in problem.locked]
    if not problem.stability.hit or len(free) < BIG_PLAN:
        return None
    if radius is None:
        radius = _day(problem)
    core = {t.id for t in problem.tasks if t.id not in current}  # new and waiting requests
    core |= {t for t, a in current.items() if not unchanged(plan.get(t), a)}
    for request_id in problem.stability.hit:
        core |= {t.id for t in problem.request_tasks[request_id]}
    core = _whole(problem, core)
    # Where the core's bookings are, before and after the change.
    places: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for task_id in core:
        for a in (current.get(task_id), plan.get(task_id)):
            if a is not None:
                start, end = _span(problem, task_id, a)
                for resource in (*a.units, *a.people):
                    places[resource].append((start - radius, end + radius))
    zone = set(core)
    for task_id, a in current.items():
        if task_id in zone or task_id in problem.locked:
            continue
        start, end = _span(problem, task_id, a)
        if any(
            lo < end and start < hi for r in (*a.units, *a.people) for lo, hi in places.get(r, ())
        ):
            zone.add(task_id)
    if len(zone & set(free)) > NARROW * len(free):
        return None
    return frozenset(zone)


def narrowed(problem: Problem, zone: frozenset[str]) -> Problem:
    """``problem`` with every booking of the plan in force outside ``zone`` locked."""
    outside = frozenset(t for t in problem.current if t not in zone)
    return dataclasses.replace(problem, locked=problem.locked | outside)


def _whole(problem: Problem, task_ids: set[str]) -> set[str]:
    """``task_ids`` with every other task of their requests (a request moves as one)."""
    requests = {problem.task[t].request for t in task_ids}
    return {t.id for r in requests for t in problem.request_tasks[r]}


def _span(problem: Problem, task_id: str, a: Assignment) -> tuple[int, int]:
    return a.start, a.start + problem.task[task_id].modes[a.mode].duration


def _day(problem: Problem) -> int:
    return 24 * 60 // problem.slot_minutes
