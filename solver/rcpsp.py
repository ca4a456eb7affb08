"""Pure resource-constrained project scheduling (PSPLIB-like problems), index-based and fast.

``Rcpsp.of(problem)`` gives a compact view when a problem is plain RCPSP: makespan objective,
every request required, one mode per task, one candidate unit per need, no people, calendars,
downtime, setup, deadlines, budgets or current plan (precedence lags and earliest starts are
fine); otherwise None and the general machinery is used. On the view:

- lower bounds on the makespan: the critical path (CPM heads and tails) and, per resource,
  the energy bound ceil(sum of duration x demand / capacity);
- heads, tails and the topological order that ``solver.genetic`` (the heuristic) uses;
- ``cliques``: sets of tasks that can never run at the same time (a resource pair over
  capacity, or one transitively precedes the other), for redundant no-overlap constraints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from solver.network import Network, arcs, plain_makespan
from solver.problem import Assignment, Problem


@dataclass
class Rcpsp(Network):
    """Tasks 0..n-1 in problem order; demands as (resource, amount) pairs, amount > 0."""

    ids: list[str]
    durations: list[int]
    demands: list[list[tuple[int, int]]]
    capacities: list[int]
    releases: list[int]
    succs: list[list[tuple[int, int]]]  # (task, lag)
    preds: list[list[tuple[int, int]]]
    units: list[tuple[str, ...]] = field(default_factory=list)  # per task: unit per need

    @classmethod
    def of(cls, problem: Problem) -> Rcpsp | None:
        """The view of a plain RCPSP problem, or None (see the module docstring)."""
        if not plain_makespan(problem):
            return None
        unit_index = {u.id: i for i, u in enumerate(problem.units)}
        durations, demands, releases, units = [], [], [], []
        for task in problem.tasks:
            if len(task.modes) != 1 or task.staff or task.deadline is not None:
                return None
            mode = task.modes[0]
            if mode.consumes or any(len(need.candidates) != 1 for need in mode.needs):
                return None
            per_unit: dict[int, int] = {}
            for need in mode.needs:
                r = unit_index[need.candidates[0]]
                per_unit[r] = per_unit.get(r, 0) + need.amount
            if any(amount > problem.units[r].capacity for r, amount in per_unit.items()):
                return None
            durations.append(mode.duration)
            demands.append(sorted(per_unit.items()))
            releases.append(max(0, task.earliest))
            units.append(tuple(need.candidates[0] for need in mode.needs))
        network = arcs(problem)
        if network is None:
            return None
        succs, preds = network
        view = cls(
            ids=[t.id for t in problem.tasks],
            durations=durations,
            demands=demands,
            capacities=[u.capacity for u in problem.units],
            releases=releases,
            succs=succs,
            preds=preds,
            units=units,
        )
        return view if len(view.topo) == view.n else None  # a cycle: leave it to CP-SAT

    # Bounds ---------------------------------------------------------------------------------

    @cached_property
    def closure(self) -> list[set[int]]:
        """All (transitive) successors of each task."""
        after: list[set[int]] = [set() for _ in range(self.n)]
        for j in reversed(self.topo):
            for k, _ in self.succs[j]:
                after[j].add(k)
                after[j] |= after[k]
        return after

    def lower_bound(self) -> int:
        """max(critical path, energy bound of every resource)."""
        path = max((h + t for h, t in zip(self.heads, self.tails, strict=True)), default=0)
        energy = [0] * len(self.capacities)
        for j in range(self.n):
            for r, amount in self.demands[j]:
                energy[r] += self.durations[j] * amount
        start = min(self.releases, default=0)
        by_energy = max(
            (start + -(-e // cap) for e, cap in zip(energy, self.capacities, strict=True) if e),
            default=0,
        )
        return max(path, by_energy)

    # Schedules ------------------------------------------------------------------------------

    def makespan(self, starts: list[int]) -> int:
        return max((s + d for s, d in zip(starts, self.durations, strict=True)), default=0)

    def assignments(self, starts: list[int]) -> dict[str, Assignment]:
        return {
            task_id: Assignment(task=task_id, start=start, units=self.units[j])
            for j, (task_id, start) in enumerate(zip(self.ids, starts, strict=True))
        }

    # Redundant structure --------------------------------------------------------------------

    def cliques(self, min_size: int = 3) -> list[list[int]]:
        """Greedy cliques of the "never together" graph (a resource pair over capacity, or
        one transitively precedes the other), highest degree first; each keeps at least
        ``min_size`` tasks of positive duration and some pair not covered before."""
        n = self.n
        closure = self.closure
        amounts = [dict(d) for d in self.demands]
        clash: list[set[int]] = [set() for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                together = amounts[i].keys() & amounts[j].keys()
                if (
                    j in closure[i]
                    or i in closure[j]
                    or any(amounts[i][r] + amounts[j][r] > self.capacities[r] for r in together)
                ):
                    clash[i].add(j)
                    clash[j].add(i)
        covered: set[tuple[int, int]] = set()
        out = []
        for seed in sorted(range(n), key=lambda v: -len(clash[v])):
            clique = [seed]
            for v in sorted(clash[seed], key=lambda v: -len(clash[v])):
                if all(v in clash[u] for u in clique):
                    clique.append(v)
            real = [j for j in clique if self.durations[j] > 0]
            pairs = {(a, b) for a in real for b in real if a < b}
            if len(real) >= min_size and not pairs <= covered:
                out.append(real)
                covered |= pairs
        return out
