"""Constructive plans: the serial schedule generation scheme with priority rules.

Requests are taken one at a time in the order of a priority rule, and each task of a
request, predecessors first, goes to its earliest-finishing feasible place on the board. A
request whose tasks cannot all fit (or whose team rule would break) is taken out again and
left out with the reason that blocked it. Everything placed keeps every hard rule, so the
plan passes the validator. It warm-starts CP-SAT, and in arrival order it is the
first-come-first-served baseline a booking calendar produces.

Rules: ``arrival`` (first come, first served), ``priority`` (highest priority first, then
earliest due date), ``density`` (highest priority per unit of contested capacity first, see
``solver.contention``), ``due`` (earliest due date first), ``lft`` and ``mts`` (requests by
priority; tasks by latest finish time, or by most total successors).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from solver import score
from solver.contention import Contention
from solver.explain import TIME_LIMIT, blocked_reason, not_reached, precheck
from solver.facts import Facts
from solver.placement import Board
from solver.plan import Plan, Reason
from solver.problem import Problem, Request, Standing, Task
from solver.rules import Rule

RULES = ("arrival", "priority", "density", "due", "lft", "mts")


def first_come_first_served(problem: Problem, facts: Facts | None = None) -> Plan:
    """The plan a booking calendar gives: requests in arrival order, each placed as early as
    it fits, never moved for a later one."""
    return serial_schedule(problem, rule="arrival", facts=facts)


def serial_schedule(
    problem: Problem,
    rule: str = "priority",
    facts: Facts | None = None,
    *,
    until: Callable[[], bool] | None = None,
) -> Plan:
    """A plan built by the serial schedule generation scheme under ``rule``.

    Everything placed keeps every hard rule. Status "feasible" when every required request
    is placed (the plan is valid); "unknown" when one could not be, and then the plan
    lacks it (and its locked tasks), so only required_request and locked_booking fail.
    ``until`` (the clock or a stop request) is asked before each task: once it says stop,
    the request being placed and those after it are left out as not reached, except the
    untouched requests of the plan in force, which go back where they are whatever the
    clock says (leaving them out would cancel their bookings).
    """
    if rule not in RULES:
        raise ValueError(f"unknown priority rule {rule!r}; use one of {RULES}")
    began = time.perf_counter()
    facts = facts or Facts(problem)
    board = locked_board(problem, facts)
    never = precheck(problem, facts)
    task_key = task_order(problem, facts, rule)
    unplaced: dict[str, tuple[Reason, ...]] = {}
    stopped = False
    for request in request_order(problem, facts, rule):
        if request.id in never:
            unplaced[request.id] = never[request.id]
            continue
        kept = problem.stability.untouched(problem, request.id)
        if stopped and not kept:
            unplaced[request.id] = (not_reached(request.id),)
            continue
        reason = place_request(problem, board, request, task_key, until=None if kept else until)
        if reason is not None:
            unplaced[request.id] = (reason,)
            stopped = reason.rule == TIME_LIMIT
    return board_plan(problem, facts, board, unplaced, time.perf_counter() - began)


def locked_board(problem: Problem, facts: Facts) -> Board:
    """A board holding the locked tasks at their current assignments."""
    board = Board(problem, facts)
    for task_id in sorted(problem.locked):
        current = problem.current[task_id]
        choice = board.exact(facts[task_id], current)
        if choice is not None:
            board.commit(choice)
        else:  # kept anyway: the problem is infeasible and the plan will say so
            board.load([current])
    return board


def board_plan(
    problem: Problem,
    facts: Facts,
    board: Board,
    unplaced: dict[str, tuple[Reason, ...]],
    seconds: float,
) -> Plan:
    """The plan on a board; ``unplaced`` gives the reasons of the requests left out."""
    assignments = {
        task_id: score.as_current(choice.assignment(), problem.current.get(task_id))
        for task_id, choice in board.placed.items()
    }
    complete = not any(r in unplaced for r in facts.required_requests)
    breakdown = score.evaluate(problem, assignments)
    return Plan(
        assignments=assignments,
        unplaced=unplaced,
        status="feasible" if complete else "unknown",
        objective=score.weighted(problem, breakdown),
        seconds=seconds,
        solutions=1 if complete else 0,
        breakdown=breakdown,
    )


def best_schedule(
    problem: Problem,
    facts: Facts | None = None,
    rules: Iterable[str] = ("priority", "mts"),
    *,
    left: Callable[[], float] | None = None,
    stop: Callable[[], bool] | None = None,
    every: bool = False,
) -> Plan:
    """The best of the serial schedules under several rules (all required requests placed
    first, then the objective, level by level when it is lexicographic).

    With ``left`` (seconds left) a schedule stops when none are left (see
    ``serial_schedule``), and a rule after the first is tried only when the last one took
    less time than is left (or ``every`` rule, for a deterministic solve) and no ``stop``
    is asked (so a stop still gets a plan).
    """
    facts = facts or Facts(problem)
    until = None if left is None else lambda: left() <= 0
    plans: list[Plan] = []
    for rule in rules:
        if plans and left is not None and not every and plans[-1].seconds >= left():
            break
        if plans and stop is not None and stop():
            break
        plans.append(serial_schedule(problem, rule, facts, until=until))
    return min(plans, key=lambda p: (p.status != "feasible", score.rank(problem, p.breakdown)))


def place_request(
    problem: Problem,
    board: Board,
    request: Request,
    task_key: Callable[[Task], Any],
    not_before: int | None = None,
    *,
    until: Callable[[], bool] | None = None,
) -> Reason | None:
    """Place all tasks of a request (none starting before ``not_before``, when given), or
    none of them and say why; ``until`` is asked before each task (stop: not reached)."""
    facts = board.facts
    tasks = facts.in_order(problem.request_tasks[request.id], task_key)
    added: list[str] = []
    reason = None
    for i, task in enumerate(tasks):
        if task.id in board.placed:  # locked
            continue
        if until is not None and until():
            reason = not_reached(request.id)
            break
        diagnose: Counter[Rule] = Counter()
        reserve = _reserve(facts, tasks[i + 1 :])
        choice = board.find(facts[task.id], reserve, diagnose, not_before)
        if choice is None:
            reason = blocked_reason(problem, board, facts[task.id], diagnose)
            break
        board.commit(choice)
        added.append(task.id)
    if reason is None and added:  # locked tasks alone: their team is checked as a whole
        for team in sorted({t.team for t in tasks if t.team is not None}):
            shortfall = board.team_shortfall(team)
            if shortfall is not None:
                reason = Reason(
                    rule=Rule.TEAM_COMPOSITION.value,
                    message=f"with the people free for it, {shortfall}",
                    request=request.id,
                    refs=(team,),
                )
                break
    if reason is not None:
        for task_id in reversed(added):
            board.remove(task_id)
        # A request with locked tasks is required: failing it fails the plan (status
        # "unknown"), but the plan still holds no request in part.
        for task in tasks:
            if task.id in board.placed:
                board.remove(task.id)
    return reason


def _reserve(facts: Facts, tasks: list[Task]) -> dict[str, int]:
    """Budget to hold back for the tasks still to place: their least consumption."""
    held: Counter[str] = Counter()
    for task in tasks:
        modes = facts[task.id].modes
        for budget_id in {b for m in modes for b in m.mode.consumes}:
            held[budget_id] += min(m.mode.consumes.get(budget_id, 0) for m in modes)
    return held


def _due(problem: Problem, facts: Facts, request: Request) -> int:
    """The earliest soft due date or deadline of a request's tasks (horizon if none)."""
    dates = [
        date
        for t in problem.request_tasks[request.id]
        if (date := t.due if t.due is not None else t.deadline) is not None
    ]
    return min(dates, default=problem.horizon)


def request_order(problem: Problem, facts: Facts, rule: str) -> list[Request]:
    index = {r.id: i for i, r in enumerate(problem.requests)}

    density = Contention(problem, facts).density if rule == "density" else None

    def key(r: Request) -> tuple:
        first = (r.id not in facts.required_requests, *promise_order(problem, r))
        if density is not None:
            return (*first, -density(r), r.arrival, index[r.id])
        if rule == "arrival":
            return (*first, r.arrival, index[r.id])
        if rule == "due":
            return (*first, _due(problem, facts, r), -r.priority, r.arrival, index[r.id])
        return (*first, -r.priority, _due(problem, facts, r), r.arrival, index[r.id])

    return sorted(problem.requests, key=key)


def promise_order(problem: Problem, request: Request) -> tuple[int, int, int]:
    """What the plan in force owes a request, as a sort key: untouched scheduled requests
    first (they go back where they are), then the hit ones and the new ones (by priority
    first with preempt, else hit before new), waiting ones last (they take free room)."""
    if problem.stability.untouched(problem, request.id):
        return (0, 0, 0)
    if request.standing == Standing.WAITING:
        return (2, 0, 0)
    by_priority = -request.priority if problem.weights.preempt else 0
    return (1, by_priority, 0 if request.standing == Standing.SCHEDULED else 1)


def task_order(problem: Problem, facts: Facts, rule: str) -> Callable[[Task], Any]:
    """Order of the ready tasks inside a request."""
    if rule == "mts":
        successors = _successor_counts(problem)
        return lambda t: (-successors[t.id], facts[t.id].latest)
    if rule == "arrival":
        return lambda t: (facts[t.id].earliest, facts[t.id].latest)
    return lambda t: (facts[t.id].latest + facts[t.id].min_duration, facts[t.id].earliest)


def _successor_counts(problem: Problem) -> dict[str, int]:
    """Number of tasks reachable from each task through precedences."""
    succ: dict[str, list[str]] = {t.id: [] for t in problem.tasks}
    for prec in problem.precedences:
        succ[prec.before].append(prec.after)
    bit = {t.id: 1 << i for i, t in enumerate(problem.tasks)}
    reach: dict[str, int] = {}
    order = _topological(problem)
    for task_id in reversed(order):
        mask = 0
        for other in succ[task_id]:
            mask |= bit[other] | reach.get(other, 0)
        reach[task_id] = mask
    return {t: mask.bit_count() for t, mask in reach.items()}


def _topological(problem: Problem) -> list[str]:
    waiting = {t.id: 0 for t in problem.tasks}
    succ: dict[str, list[str]] = {t.id: [] for t in problem.tasks}
    for prec in problem.precedences:
        waiting[prec.after] += 1
        succ[prec.before].append(prec.after)
    ready = [t for t, n in waiting.items() if n == 0]
    out = []
    while ready:
        task_id = ready.pop()
        out.append(task_id)
        for other in succ[task_id]:
            waiting[other] -= 1
            if waiting[other] == 0:
                ready.append(other)
    done = set(out)
    return out + [t for t in waiting if t not in done]
