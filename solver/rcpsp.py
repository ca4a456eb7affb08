"""Pure resource-constrained project scheduling (PSPLIB-like problems), index-based and fast.

``Rcpsp.of(problem)`` gives a compact view when a problem is plain RCPSP: makespan objective,
every request required, one mode per task, one candidate unit per need, no people, calendars,
downtime, setup, deadlines, budgets or current plan (precedence lags and earliest starts are
fine); otherwise None and the general machinery is used. On the view:

- lower bounds on the makespan: the critical path (CPM heads and tails) and, per resource,
  the energy bound ceil(sum of duration x demand / capacity);
- ``best_schedule``: serial schedule generation under the LST, LFT and MTS priority rules,
  then LST-biased random sampling, each schedule improved by forward-backward justification
  (repeated while it shrinks), within a time budget or until the lower bound is reached;
- ``cliques``: sets of tasks that can never run at the same time (a resource pair over
  capacity, or one transitively precedes the other), for redundant no-overlap constraints.
"""

from __future__ import annotations

import heapq
import random
import time
from dataclasses import dataclass, field
from functools import cached_property

from solver.problem import Assignment, Problem


@dataclass
class Rcpsp:
    """Tasks 0..n-1 in problem order; demands as (resource, amount) pairs, amount > 0."""

    ids: list[str]
    durations: list[int]
    demands: list[list[tuple[int, int]]]
    capacities: list[int]
    releases: list[int]
    succs: list[list[tuple[int, int]]]  # (task, lag)
    preds: list[list[tuple[int, int]]]
    units: list[tuple[str, ...]] = field(default_factory=list)  # per task: unit per need

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, problem: Problem) -> Rcpsp | None:
        """The view of a plain RCPSP problem, or None (see the module docstring)."""
        if problem.objective != "makespan" or problem.people or problem.current:
            return None
        if not all(r.required for r in problem.requests) or problem.budgets:
            return None
        if any(u.open is not None or u.down or u.setup or u.cleanup for u in problem.units):
            return None
        unit_index = {u.id: i for i, u in enumerate(problem.units)}
        task_index = {t.id: i for i, t in enumerate(problem.tasks)}
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
        succs: list[list[tuple[int, int]]] = [[] for _ in problem.tasks]
        preds: list[list[tuple[int, int]]] = [[] for _ in problem.tasks]
        for prec in problem.precedences:
            if prec.lag < 0:
                return None
            a, b = task_index[prec.before], task_index[prec.after]
            succs[a].append((b, prec.lag))
            preds[b].append((a, prec.lag))
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

    def serial(self, key: list[float], *, backward: bool = False) -> list[int]:
        """Starts from the serial schedule: the eligible task of smallest ``key`` goes to its
        earliest precedence- and resource-feasible start. ``backward`` schedules the mirrored
        problem from the end (releases ignored) and returns the starts mirrored back, shifted
        so the earliest start is at the earliest release."""
        n = self.n
        dur = self.durations
        preds, succs = (self.succs, self.preds) if backward else (self.preds, self.succs)
        size = sum(dur) + sum(lag for s in self.succs for _, lag in s) + max(self.releases) + 1
        free = [[cap] * size for cap in self.capacities]
        waiting = [len(p) for p in preds]
        heap = [(key[j], j) for j in range(n) if waiting[j] == 0]
        heapq.heapify(heap)
        start = [0] * n
        while heap:
            _, j = heapq.heappop(heap)
            t = 0 if backward else self.releases[j]
            for i, lag in preds[j]:
                t = max(t, start[i] + dur[i] + lag)
            d = dur[j]
            if d:
                t = _earliest_fit(free, self.demands[j], t, d)
                for r, amount in self.demands[j]:
                    profile = free[r]
                    for tau in range(t, t + d):
                        profile[tau] -= amount
            start[j] = t
            for k, _ in succs[j]:
                waiting[k] -= 1
                if waiting[k] == 0:
                    heapq.heappush(heap, (key[k], k))
        if not backward:
            return start
        span = max((s + d for s, d in zip(start, dur, strict=True)), default=0)
        mirrored = [span - start[j] - dur[j] for j in range(n)]
        shift = min(self.releases, default=0) - min(mirrored, default=0)
        return [s + shift for s in mirrored]

    def makespan(self, starts: list[int]) -> int:
        return max((s + d for s, d in zip(starts, self.durations, strict=True)), default=0)

    def justify(self, starts: list[int], rounds: int = 4) -> list[int]:
        """Forward-backward improvement: right-justify in decreasing finish order, then
        left-justify in increasing start order; repeat while the makespan shrinks."""
        best, best_span = starts, self.makespan(starts)
        for _ in range(rounds):
            finish = [s + d for s, d in zip(best, self.durations, strict=True)]
            back = self.serial([-float(f) for f in finish], backward=True)
            forward = self.serial([float(s) for s in back])
            span = self.makespan(forward)
            if span >= best_span:
                break
            best, best_span = forward, span
        return best

    def best_schedule(
        self, *, seconds: float, seed: int = 0, target: int | None = None
    ) -> tuple[list[int], int, int]:
        """Priority rules then LST-biased random sampling, each schedule justified, until
        ``seconds`` pass or ``target`` is reached: (starts, makespan, schedules made)."""
        deadline = time.monotonic() + seconds
        rng = random.Random(seed)
        top = max((h + t for h, t in zip(self.heads, self.tails, strict=True)), default=0)
        latest = [float(top - t) for t in self.tails]
        rules = [
            latest,  # LST
            [latest[j] + self.durations[j] for j in range(self.n)],  # LFT
            [-float(len(c)) for c in self.closure],  # MTS
        ]
        spread = max(1.0, 0.2 * max(latest, default=1.0))
        best: list[int] | None = None
        best_span = count = 0
        while True:
            key = (
                rules[count] if count < len(rules) else [v + rng.random() * spread for v in latest]
            )
            starts = self.justify(self.serial(key))
            count += 1
            span = self.makespan(starts)
            if best is None or span < best_span:
                best, best_span = starts, span
            if (target is not None and best_span <= target) or time.monotonic() >= deadline:
                break
        assert best is not None
        return best, best_span, count

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


def _earliest_fit(free: list[list[int]], demand: list[tuple[int, int]], t: int, d: int) -> int:
    """The earliest start at or after ``t`` at which every demanded resource has the amount
    free for ``d`` slots."""
    while True:
        moved = False
        for r, amount in demand:
            profile = free[r]
            if min(profile[t : t + d]) < amount:
                # Jump past the last slot of the window that lacks capacity.
                last = t + d - 1
                while profile[last] >= amount:
                    last -= 1
                t = last + 1
                moved = True
                break
        if not moved:
            return t
