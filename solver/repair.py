"""Repairing a plan that breaks the travel rule, so a good CP-SAT solution is not lost.

When the model holds travel pairs back (big instances), CP-SAT may return plans in which a
person cannot get from one site to the other in time. ``repair_travel`` keeps everything
else and places the tasks involved again on a board: same start, mode and units with other
people if possible, else the earliest place that keeps every rule, else their request goes.
The result is checked by the validator; None means no valid repair was found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from solver.facts import Facts
from solver.placement import Board
from solver.plan import Plan
from solver.problem import Assignment, Problem
from solver.score import as_current
from solver.validate import validate


def repair_travel(
    problem: Problem,
    facts: Facts,
    plan: Mapping[str, Assignment],
    conflicts: Iterable[tuple[str, str]],
) -> dict[str, Assignment] | None:
    """``plan`` with the tasks of ``conflicts`` placed again, or None."""
    involved = {task_id for pair in conflicts for task_id in pair}
    board = Board(problem, facts)
    board.load(a for t, a in plan.items() if t not in involved)
    dropped: set[str] = set()
    for task_id in sorted(involved, key=lambda t: (plan[t].start, t)):
        request = problem.task[task_id].request
        if request in dropped:
            continue
        task_facts = facts[task_id]
        choice = board.exact(task_facts, plan[task_id], any_people=True)
        if choice is None or not _fits_neighbours(board, task_id, choice.start, choice.end):
            choice = board.find(task_facts)
        if choice is None:
            dropped.add(request)
            for other in problem.request_tasks[request]:
                if other.id in board.placed:
                    board.remove(other.id)
            continue
        board.commit(choice)
    if any(r in facts.required_requests for r in dropped):
        return None
    repaired = {
        task_id: as_current(choice.assignment(), problem.current.get(task_id))
        for task_id, choice in board.placed.items()
        if problem.task[task_id].request not in dropped
    }
    if validate(problem, Plan(assignments=repaired)):
        return None
    return repaired


def _fits_neighbours(board: Board, task_id: str, start: int, end: int) -> bool:
    lb, end_ub = board.window(task_id)
    return start >= lb and end <= end_ub
