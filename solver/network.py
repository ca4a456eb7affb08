"""The precedence network the index-based views share (``solver.rcpsp``, ``solver.flexible``):
tasks 0..n-1 with their durations, releases and lagged successors and predecessors, and what
follows from them alone: the topological order, heads (earliest starts) and tails."""

from __future__ import annotations

from functools import cached_property

from solver.problem import Problem

Arcs = list[list[tuple[int, int]]]  # per task: (other task, lag)


class Network:
    """The precedence part of a view; the view (a dataclass) holds these fields."""

    ids: list[str]
    durations: list[int]
    releases: list[int]
    succs: Arcs
    preds: Arcs

    @property
    def n(self) -> int:
        return len(self.ids)

    @cached_property
    def topo(self) -> list[int]:
        waiting = [len(p) for p in self.preds]
        order = [j for j in range(self.n) if waiting[j] == 0]
        for j in order:
            for k, _ in self.succs[j]:
                waiting[k] -= 1
                if waiting[k] == 0:
                    order.append(k)
        return order

    @cached_property
    def heads(self) -> list[int]:
        """Earliest starts (longest paths from the releases)."""
        head = list(self.releases)
        for j in self.topo:
            for k, lag in self.succs[j]:
                head[k] = max(head[k], head[j] + self.durations[j] + lag)
        return head

    @cached_property
    def tails(self) -> list[int]:
        """Longest path from each task's start to the end of the project, itself included."""
        tail = [0] * self.n
        for j in reversed(self.topo):
            tail[j] = self.durations[j] + max(
                (lag + tail[k] for k, lag in self.succs[j]), default=0
            )
        return tail


def plain_makespan(problem: Problem) -> bool:
    """A makespan problem without people, a plan in force, optional requests, budgets,
    calendars, downtime, setup or cleanup: what both views ask before looking at the tasks."""
    if problem.objective != "makespan" or problem.people or problem.current:
        return False
    if not all(r.required for r in problem.requests) or problem.budgets:
        return False
    return not any(u.open is not None or u.down or u.setup or u.cleanup for u in problem.units)


def arcs(problem: Problem) -> tuple[Arcs, Arcs] | None:
    """Each task's successors and predecessors with their lags, by index in problem order;
    None when a lag is negative (the views take none)."""
    task_index = {t.id: i for i, t in enumerate(problem.tasks)}
    succs: Arcs = [[] for _ in problem.tasks]
    preds: Arcs = [[] for _ in problem.tasks]
    for prec in problem.precedences:
        if prec.lag < 0:
            return None
        a, b = task_index[prec.before], task_index[prec.after]
        succs[a].append((b, prec.lag))
        preds[b].append((a, prec.lag))
    return succs, preds
