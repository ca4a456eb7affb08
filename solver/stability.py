"""What a re-plan owes the plan in force: the bookings a change broke and the requests it hit.

The plan in force (``Problem.current``) is checked as it stands against today's problem by
the validator. A current assignment is *broken* when a violation goes through it: a rule of
its own (its unit is down, a person is absent, a certificate expired) or a clash with
another booking, where the unlocked side is the one that must give way. A scheduled request
is *hit* when one of its tasks is broken or has no current assignment. Everything else is
untouched, and a re-plan owes it more than it owes what was hit (``solver.score``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

from solver.plan import Plan, Violation
from solver.problem import Problem, Standing
from solver.rules import Rule

# Rules broken between bookings: the side that can move is the one to move.
_BETWEEN = {
    Rule.EQUIPMENT_CAPACITY,
    Rule.PERSON_OVERLAP,
    Rule.TRAVEL_TIME,
    Rule.PRECEDENCE,
}
# Rules of the plan as a whole, not of a booking: the requests' own checks.
_WHOLE = {Rule.WHOLE_REQUEST, Rule.REQUIRED_REQUEST, Rule.LOCKED_BOOKING}


@dataclass(frozen=True, slots=True)
class Stability:
    """``broken``: current tasks that break a hard rule as they stand; ``hit``: scheduled
    requests with a broken task or a task without a current assignment."""

    broken: frozenset[str]
    hit: frozenset[str]

    def untouched(self, problem: Problem, request_id: str) -> bool:
        """A scheduled request whose bookings all still hold."""
        request = problem.request[request_id]
        return request.standing == Standing.SCHEDULED and request_id not in self.hit


def assess(problem: Problem) -> Stability:
    """The broken current assignments and hit requests of ``problem``."""
    from solver.validate import validate  # the validator imports the problem module

    current = problem.current
    violations = validate(problem, Plan(assignments=dict(current)))
    broken: set[str] = set()
    for violation in violations:
        broken |= _through(problem, violation)
    hit = {
        r.id
        for r in problem.requests
        if r.standing == Standing.SCHEDULED
        and any(t.id in broken or t.id not in current for t in problem.request_tasks[r.id])
    }
    return Stability(frozenset(broken), frozenset(hit))


def _through(problem: Problem, violation: Violation) -> set[str]:
    """The current tasks a violation goes through, that a re-plan should change."""
    rule = Rule(violation.rule)
    current = problem.current
    if rule in _WHOLE:
        return set()
    if rule in _BETWEEN:
        involved = {t for t in (violation.task, *violation.refs) if t is not None and t in current}
        movable = involved - problem.locked
        return movable or involved
    if rule == Rule.PERSON_WEEKLY_CAP:
        return _over_cap(problem, violation.refs[0])
    if rule == Rule.TEAM_COMPOSITION:
        team = violation.refs[0]
        return {t for t in current if problem.task[t].team == team} - problem.locked
    if rule == Rule.BUDGET:
        budget = violation.refs[0]
        spend = {
            t
            for t, a in current.items()
            if problem.task[t].budget == budget or budget in problem.task[t].modes[a.mode].consumes
        }
        return spend - problem.locked
    return {violation.task} if violation.task is not None and violation.task in current else set()


def _over_cap(problem: Problem, person_id: str) -> set[str]:
    """The person's unlocked current tasks that start in a week over their cap."""
    person = problem.person[person_id]
    weeks = problem.week_starts
    load: dict[int, int] = defaultdict(int)
    tasks: dict[int, set[str]] = defaultdict(set)
    for task_id, a in problem.current.items():
        if person_id not in a.people:
            continue
        task = problem.task[task_id]
        week = bisect_right(weeks, a.start) - 1
        length = task.staff_slots if task.staff_slots is not None else task.modes[a.mode].duration
        load[week] += length
        tasks[week].add(task_id)
    cap = person.weekly_cap if person.weekly_cap is not None else load.get(-1, 0)
    over = {t for week, ids in tasks.items() if week >= 0 and load[week] > cap for t in ids}
    return over - problem.locked
