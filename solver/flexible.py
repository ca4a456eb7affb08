"""Scheduling with alternative units, index-based and fast: the view ``solver.flexsearch``
searches on.

``Flexible.of(problem)`` gives a compact view when a makespan problem is RCPSP apart from
the choice of units: every request required, one mode per task, each need ``amount`` of
one unit out of its candidates, no people, calendars, downtime, setup, deadlines, budgets
or current plan (precedence lags and earliest starts are fine). The needs of a task must
have disjoint candidates (so two needs never land on the same unit) all on one site.
Candidates too small for the amount are dropped; a need left without one makes the view
None (the general machinery then reports the problem). The test laboratories of
``benchmarks/testlab_generator.py`` are of this kind: each test on one machine out of a set,
plus fixed shared instruments.

Needs are numbered across tasks (``need_ptr``), so a schedule is the start of every task and
the unit of every need.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.network import Network, arcs, plain_makespan
from solver.problem import Assignment, Problem


@dataclass
class Flexible(Network):
    """Tasks 0..n-1 in problem order; needs 0..K-1, task j's are need_ptr[j]..need_ptr[j+1]."""

    ids: list[str]
    durations: list[int]
    releases: list[int]
    succs: list[list[tuple[int, int]]]  # (task, lag)
    preds: list[list[tuple[int, int]]]
    need_ptr: list[int]
    amounts: list[int]  # per need
    candidates: list[list[int]]  # per need: unit indices
    capacities: list[int]  # per unit
    unit_ids: list[str]

    @classmethod
    def of(cls, problem: Problem) -> Flexible | None:
        """The view of a makespan problem with alternative units, or None (see the module
        docstring)."""
        if not plain_makespan(problem):
            return None
        unit_index = {u.id: i for i, u in enumerate(problem.units)}
        durations, releases, need_ptr, amounts, candidates = [], [], [0], [], []
        for task in problem.tasks:
            if len(task.modes) != 1 or task.staff or task.deadline is not None:
                return None
            mode = task.modes[0]
            if mode.consumes:
                return None
            seen: set[str] = set()
            sites: set[str] = set()
            for need in mode.needs:
                if seen & set(need.candidates):
                    return None
                seen |= set(need.candidates)
                fit = [
                    unit_index[u]
                    for u in dict.fromkeys(need.candidates)
                    if problem.unit[u].capacity >= need.amount
                ]
                if not fit:
                    return None
                sites |= {problem.units[u].site for u in fit}
                amounts.append(need.amount)
                candidates.append(fit)
            if len(sites) > 1:
                return None
            durations.append(mode.duration)
            releases.append(max(0, task.earliest))
            need_ptr.append(len(amounts))
        network = arcs(problem)
        if network is None:
            return None
        succs, preds = network
        view = cls(
            ids=[t.id for t in problem.tasks],
            durations=durations,
            releases=releases,
            succs=succs,
            preds=preds,
            need_ptr=need_ptr,
            amounts=amounts,
            candidates=candidates,
            capacities=[u.capacity for u in problem.units],
            unit_ids=[u.id for u in problem.units],
        )
        return view if len(view.topo) == view.n else None  # a cycle: leave it to CP-SAT

    # Bounds ---------------------------------------------------------------------------------

    def lower_bound(self) -> int:
        """max(critical path, the energy bound of every unit needed alone, and of every
        pool: the units of a need's candidates, or of every need that shares a unit with
        them, transitively, against the work of every need whose candidates lie within)."""
        path = max((h + t for h, t in zip(self.heads, self.tails, strict=True)), default=0)
        start = min(self.releases, default=0)
        work: list[tuple[frozenset[int], int]] = []
        for j in range(self.n):
            for k in range(self.need_ptr[j], self.need_ptr[j + 1]):
                work.append((frozenset(self.candidates[k]), self.durations[j] * self.amounts[k]))
        pools = {pool for pool, _ in work}
        if len(pools) > 64:  # many distinct pools: single units and connected components
            pools = {pool for pool in pools if len(pool) == 1} | set(_components(pools))
        by_energy = 0
        for pool in pools:
            energy = sum(e for need_pool, e in work if need_pool <= pool)
            capacity = sum(self.capacities[u] for u in pool)
            if energy:
                by_energy = max(by_energy, start + -(-energy // capacity))
        return max(path, by_energy)

    # Schedules ------------------------------------------------------------------------------

    def assignments(self, starts: list[int], units: list[int]) -> dict[str, Assignment]:
        """The plan of task starts and one unit index per need."""
        return {
            task_id: Assignment(
                task=task_id,
                start=starts[j],
                units=tuple(
                    self.unit_ids[units[k]] for k in range(self.need_ptr[j], self.need_ptr[j + 1])
                ),
            )
            for j, task_id in enumerate(self.ids)
        }


def _components(pools: set[frozenset[int]]) -> list[frozenset[int]]:
    """The unions of pools that share units, transitively."""
    parent: dict[int, int] = {}

    def root(u: int) -> int:
        while parent.setdefault(u, u) != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for pool in pools:
        first = min(pool)
        for u in pool:
            parent[root(u)] = root(first)
    groups: dict[int, set[int]] = {}
    for u in parent:
        groups.setdefault(root(u), set()).add(u)
    return [frozenset(group) for group in groups.values()]
