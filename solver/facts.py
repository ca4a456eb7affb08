"""What each task could possibly do, worked out once before any search.

For every task: the modes and candidate units that can work at all, with the starts each
allows (task window, opening hours, downtime, certificate expiry), the people eligible for
each staff need, and the earliest and latest start after propagating precedences. Options
ruled out leave a ``Note`` saying which rule ruled them out, for the explanations. The CP-SAT
model, the constructive schedule and the pre-checks all read these facts; the validator does
not (it stays independent). One task's options are worked out in ``solver.task_options``.
"""

from __future__ import annotations

import dataclasses
import heapq
from bisect import bisect_right
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from typing import Any

from solver import ranges as R
from solver import shifts as S
from solver.problem import Assignment, Person, Problem, StaffNeed, Task
from solver.ranges import Ranges
from solver.rules import Rule
from solver.task_facts import NEVER, ModeOption, Note, TaskFacts, UnitOption
from solver.task_options import TaskOptions

# The task records are imported from here too (they live in solver.task_facts).
__all__ = ["Facts", "ModeOption", "TaskFacts", "UnitOption"]


class Facts(TaskOptions):
    """The facts of every task of a problem; ``end_cap`` bounds every end (makespan search)."""

    def __init__(self, problem: Problem, end_cap: int | None = None) -> None:
        self.problem = problem
        self.required_requests = frozenset(
            r.id for r in problem.requests if r.required
        ) | frozenset(problem.task[t].request for t in problem.locked)
        self.travel_times = sorted({0, *(t for t in problem.travel.values() if t > 0)})
        # People with the same working hours (most of them) share one class and its fits.
        classes: dict[tuple | None, int] = {}
        self._hours = {p.id: classes.setdefault(p.available, len(classes)) for p in problem.people}
        self._person_fit: dict[tuple[int, int], Ranges] = {}
        self._fit_unions: dict[frozenset[Ranges], Ranges] = {}
        self._unit_fits: dict[tuple[str, int, int], Ranges] = {}
        self._need_fits: dict[tuple[tuple[str, ...], int], Ranges] = {}
        self._admitted: dict[StaffNeed, list[Person]] = {}
        self.tasks: dict[str, TaskFacts] = {t.id: self._task_facts(t) for t in problem.tasks}
        for task_id in problem.locked:
            self.tasks[task_id] = _pinned(self.tasks[task_id], problem.current[task_id])
        self.propagate(end_cap)

    def __getitem__(self, task_id: str) -> TaskFacts:
        return self.tasks[task_id]

    # Weeks and sites ----------------------------------------------------------------------

    def week_of(self, slot: int) -> int:
        """Index of the week containing ``slot``; -1 before the first week (no cap there)."""
        return bisect_right(self.problem.week_starts, slot) - 1

    def week_span(self, week: int) -> tuple[int, int]:
        """Inclusive slot range of a week (the last one runs to the horizon)."""
        starts = self.problem.week_starts
        if week < 0:
            return (-NEVER, starts[0] - 1)
        end = starts[week + 1] - 1 if week + 1 < len(starts) else NEVER
        return (starts[week], end)

    def request_possible(self, request_id: str) -> bool:
        return all(self.tasks[t.id].possible for t in self.problem.request_tasks[request_id])

    def linked(self, task_a: str, task_b: str) -> bool:
        """True when both tasks are placed together or not at all, so bounds may propagate."""
        a, b = self.problem.task[task_a], self.problem.task[task_b]
        return a.request == b.request or (
            a.request in self.required_requests and b.request in self.required_requests
        )

    def in_order(
        self, tasks: Iterable[Task], key: Callable[[Task], Any] | None = None
    ) -> list[Task]:
        """``tasks`` with every predecessor before its successors, ties broken by ``key``
        (default: earliest, then latest start); tasks on a precedence cycle come last."""
        tasks = list(tasks)
        if key is None:
            key = lambda t: (self.tasks[t.id].earliest, self.tasks[t.id].latest)  # noqa: E731
        ids = {t.id for t in tasks}
        waiting = {t.id: 0 for t in tasks}
        after: dict[str, list[str]] = defaultdict(list)
        for prec in self.problem.precedences:
            if prec.before in ids and prec.after in ids:
                waiting[prec.after] += 1
                after[prec.before].append(prec.after)
        rank = {t.id: (key(t), i) for i, t in enumerate(tasks)}
        ready = [rank[t.id] + (t.id,) for t in tasks if waiting[t.id] == 0]
        heapq.heapify(ready)
        out: list[Task] = []
        while ready:
            task_id = heapq.heappop(ready)[-1]
            out.append(self.problem.task[task_id])
            for other in after[task_id]:
                waiting[other] -= 1
                if waiting[other] == 0:
                    heapq.heappush(ready, rank[other] + (other,))
        done = {t.id for t in out}
        return out + [t for t in tasks if t.id not in done]

    def propagate(self, end_cap: int | None = None) -> None:
        """Earliest and latest starts from the precedences between linked tasks."""
        succ: dict[str, list[tuple[str, int]]] = defaultdict(list)
        pred: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for prec in self.problem.precedences:
            if self.linked(prec.before, prec.after):
                succ[prec.before].append((prec.after, prec.lag))
                pred[prec.after].append((prec.before, prec.lag))
        for facts in self.tasks.values():
            starts = facts.starts
            if end_cap is not None:
                starts = R.intersect(starts, R.span(-NEVER, end_cap - facts.min_duration))
            facts.starts = starts
            facts.earliest = starts[0][0] if starts else NEVER
            facts.latest = starts[-1][1] if starts else -NEVER
        self._relax(succ, forward=True)
        self._relax(pred, forward=False)
        for facts in self.tasks.values():
            if facts.modes and facts.starts and facts.earliest > facts.latest:
                facts.notes.append(
                    Note(
                        Rule.PRECEDENCE,
                        _squeeze(self.problem, facts.earliest, facts.latest),
                    )
                )

    def _relax(self, edges: dict[str, list[tuple[str, int]]], *, forward: bool) -> None:
        queue = deque(self.tasks)
        queued = set(queue)
        while queue:
            task_id = queue.popleft()
            queued.discard(task_id)
            here = self.tasks[task_id]
            if not here.possible:
                continue
            for other_id, lag in edges.get(task_id, ()):
                other = self.tasks[other_id]
                if forward:
                    bound = here.earliest + here.min_duration + lag
                    if bound <= other.earliest:
                        continue
                    value = R.next_at_or_after(other.starts, bound)
                    other.earliest = value if value is not None else NEVER
                else:
                    bound = here.latest - lag - other.min_duration
                    if bound >= other.latest:
                        continue
                    value = R.last_at_or_before(other.starts, bound)
                    other.latest = value if value is not None else -NEVER
                if other.possible and other_id not in queued:
                    queue.append(other_id)
                    queued.add(other_id)


def _pinned(facts: TaskFacts, want: Assignment) -> TaskFacts:
    """A locked task's facts narrowed to its current start, mode, units and people, so the
    search carries no choice for it (repairs lock most of a big plan); the facts as they are
    when the booking is not among their options (the locked rule then reports it)."""
    option = next((m for m in facts.modes if m.index == want.mode), None)
    if option is None or not R.contains(option.starts, want.start):
        return facts
    if len(want.units) != len(option.needs):
        return facts
    needs = []
    for unit_options, unit_id in zip(option.needs, want.units, strict=True):
        chosen = tuple(o for o in unit_options if o.unit.id == unit_id)
        if not chosen:
            return facts
        needs.append(chosen)
    staff = tuple(tuple(p for p in need if p in want.people) for need in facts.staff)
    counts = [need.count for need in facts.task.staff]
    if any(len(people) < count for people, count in zip(staff, counts, strict=True)):
        return facts
    starts = R.span(want.start, want.start)
    mode = dataclasses.replace(option, needs=tuple(needs), starts=starts)
    # Its shifts as they are (the validator checks them against people's hours).
    windows = tuple(S.Window(s.person, s.start, s.end) for s in want.shifts)
    return TaskFacts(
        task=facts.task,
        modes=(mode,),
        staff=staff,
        starts=starts,
        notes=facts.notes,
        shift_windows=windows or facts.shift_windows,
    )


def _squeeze(problem: Problem, earliest: int, latest: int) -> str:
    """Why precedences leave a task no start, in words."""
    if earliest >= NEVER:
        return "after its predecessors (with their lags) no start is left in its window"
    if latest <= -NEVER:
        return "its successors (with their lags) leave it no start in its window"
    return (
        f"after its predecessors it can start {problem.when(earliest)} at the earliest, but "
        f"must start by {problem.when(latest)} for its deadline and its successors'"
    )
