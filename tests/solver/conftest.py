"""Helpers for the solver tests: tiny problems in a few lines, and solving with a check.

Every plan a test gets through ``solved`` or ``valid`` has passed the independent validator.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from solver.plan import Plan
from solver.problem import (
    Assignment,
    Mode,
    Person,
    Problem,
    Request,
    ResourceNeed,
    StaffNeed,
    Task,
    Unit,
)
from solver.solve import SolveOptions, solve
from solver.validate import validate


def need(*candidates: str, amount: int = 1) -> ResourceNeed:
    return ResourceNeed(candidates=candidates, amount=amount)


def staff(count: int = 1, **kw) -> StaffNeed:
    return StaffNeed(count=count, **kw)


def task(
    task_id: str,
    request: str | None = None,
    *,
    duration: int = 1,
    needs: Iterable[ResourceNeed] = (),
    modes: Iterable[Mode] | None = None,
    **kw,
) -> Task:
    """A task of its own request (named after it) unless ``request`` is given."""
    if modes is None:
        modes = (Mode(duration=duration, needs=tuple(needs)),)
    return Task(id=task_id, request=request or task_id, modes=tuple(modes), **kw)


def problem(
    tasks: Iterable[Task],
    *,
    units: Iterable[Unit] = (),
    people: Iterable[Person] = (),
    requests: Iterable[Request] = (),
    horizon: int = 20,
    **kw,
) -> Problem:
    """A problem whose requests not listed are made optional with priority 1."""
    tasks = tuple(tasks)
    given = {r.id: r for r in requests}
    for t in tasks:
        given.setdefault(t.request, Request(id=t.request))
    return Problem(
        horizon=horizon,
        units=tuple(units),
        tasks=tasks,
        requests=tuple(given.values()),
        people=tuple(people),
        **kw,
    )


def valid(prob: Problem, plan: Plan) -> Plan:
    """``plan`` after checking it breaks no hard rule."""
    violations = validate(prob, plan)
    assert violations == [], [str(v) for v in violations]
    return plan


def solved(prob: Problem, time_limit: float = 5.0, **kw) -> Plan:
    """Solve with two workers and a short limit; the plan must be valid and found."""
    plan = solve(prob, SolveOptions(time_limit=time_limit, workers=2, **kw))
    assert plan.status in ("optimal", "feasible"), plan.status
    return valid(prob, plan)


def placed(plan: Plan) -> set[str]:
    return set(plan.assignments)


def at(task_id: str, start: int, mode: int = 0, units=(), people=()) -> Assignment:
    return Assignment(
        task=task_id, start=start, mode=mode, units=tuple(units), people=tuple(people)
    )


@pytest.fixture
def check():
    return valid
