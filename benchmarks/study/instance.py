"""A compact index-based view of an RCPSP/MRCPSP :class:`solver.problem.Problem`.

Tasks are indexed 0..n-1 in problem order; resources are the units (renewable) and the
budgets (non-renewable). Only what benchmark problems use is supported: one candidate unit
per need; staff needs as "count people among these" (iMOPSE), without calendars. Also the
CPM bounds the models and heuristics share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from solver.problem import Problem


@dataclass
class Instance:
    name: str
    ids: list[str]
    durations: list[list[int]]  # [task][mode]
    demands: list[list[list[int]]]  # [task][mode][renewable resource]
    consumes: list[list[list[int]]]  # [task][mode][budget]
    capacities: list[int]
    limits: list[int]
    succs: list[list[int]]
    preds: list[list[int]]
    horizon: int
    people: list[str] = field(default_factory=list)
    staff: list[list[tuple[int, list[int]]]] = field(default_factory=list)  # [task] (count, who)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def single_mode(self) -> bool:
        return all(len(d) == 1 for d in self.durations)

    @cached_property
    def topo(self) -> list[int]:
        indeg = [len(p) for p in self.preds]
        order = [j for j in range(self.n) if indeg[j] == 0]
        for j in order:
            for k in self.succs[j]:
                indeg[k] -= 1
                if indeg[k] == 0:
                    order.append(k)
        if len(order) != self.n:
            raise ValueError(f"{self.name}: precedence cycle")
        return order

    def min_durations(self) -> list[int]:
        return [min(d) for d in self.durations]

    @cached_property
    def heads(self) -> list[int]:
        """Earliest start of each task (longest path from time 0, shortest modes)."""
        dur = self.min_durations()
        es = [0] * self.n
        for j in self.topo:
            for k in self.succs[j]:
                es[k] = max(es[k], es[j] + dur[j])
        return es

    @cached_property
    def tails(self) -> list[int]:
        """Longest path from each task's start to the end of the project (incl. itself)."""
        dur = self.min_durations()
        tail = [0] * self.n
        for j in reversed(self.topo):
            tail[j] = dur[j] + max((tail[k] for k in self.succs[j]), default=0)
        return tail

    @cached_property
    def critical_path(self) -> int:
        return max((self.heads[j] + self.tails[j] for j in range(self.n)), default=0)

    @cached_property
    def energy_bound(self) -> int:
        """max over resources of ceil(sum of the least energy / capacity)."""
        best = 0
        for r, cap in enumerate(self.capacities):
            total = sum(
                min(d * dem[r] for d, dem in zip(self.durations[j], self.demands[j], strict=True))
                for j in range(self.n)
            )
            best = max(best, -(-total // cap))
        return best

    @cached_property
    def closure(self) -> list[set[int]]:
        """All (transitive) successors of each task."""
        after: list[set[int]] = [set() for _ in range(self.n)]
        for j in reversed(self.topo):
            for k in self.succs[j]:
                after[j].add(k)
                after[j] |= after[k]
        return after


def to_instance(problem: Problem) -> Instance:
    units = [u.id for u in problem.units]
    unit_index = {u: i for i, u in enumerate(units)}
    budgets = [b.id for b in problem.budgets]
    budget_index = {b: i for i, b in enumerate(budgets)}
    ids = [t.id for t in problem.tasks]
    index = {t: i for i, t in enumerate(ids)}
    durations, demands, consumes = [], [], []
    staff: list[list[tuple[int, list[int]]]] = []
    for task in problem.tasks:
        staff.append(
            [
                (need.count, [i for i, p in enumerate(problem.people) if need.admits(p)])
                for need in task.staff
            ]
        )
        durations.append([m.duration for m in task.modes])
        rows, cons = [], []
        for mode in task.modes:
            row = [0] * len(units)
            for need in mode.needs:
                if len(need.candidates) != 1:
                    raise ValueError(f"task {task.id!r}: the study model needs one candidate")
                row[unit_index[need.candidates[0]]] += need.amount
            rows.append(row)
            c = [0] * len(budgets)
            for b, amount in mode.consumes.items():
                c[budget_index[b]] += amount
            cons.append(c)
        demands.append(rows)
        consumes.append(cons)
    succs: list[list[int]] = [[] for _ in ids]
    preds: list[list[int]] = [[] for _ in ids]
    for p in problem.precedences:
        if p.lag:
            raise ValueError("the study model has no precedence lags")
        a, b = index[p.before], index[p.after]
        if b not in succs[a]:
            succs[a].append(b)
            preds[b].append(a)
    return Instance(
        name=problem.name,
        ids=ids,
        durations=durations,
        demands=demands,
        consumes=consumes,
        capacities=[u.capacity for u in problem.units],
        limits=[b.limit for b in problem.budgets],
        succs=succs,
        preds=preds,
        horizon=problem.horizon,
        people=[p.id for p in problem.people],
        staff=staff,
    )
