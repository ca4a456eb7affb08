"""A genetic algorithm with forward-backward justification for plain RCPSP, compiled with
numba: the primal heuristic behind CP-SAT's hint on PSPLIB-like problems.

An individual is an activity list (a precedence-feasible order) decoded by the serial
schedule generation scheme. Every child is justified (right-shifted in decreasing finish
order, then left-shifted in increasing start order, repeated while the makespan shrinks:
Valls, Ballestin & Quintanilla 2005) and takes the order of its justified schedule.
Parents come by 2-tournament. Two-point order crossover (Hartmann 1998), then one to k
moves of a task to a random place between its last predecessor and its first successor,
keep lists precedence-feasible. These moves beat adjacent swaps (ten hard j60 instances,
8 s: 0.77% mean deviation from best known against 1.7%; ten hard j120: 2.1% against
3.7%). The most moves per child, k, shrinks with the size: strong mutation keeps a small
problem's population from settling but scatters a large one's. k = 16 on 30 tasks (j30's
two hardest instances at 0.8 s reach best known in 25/30 and 22/30 runs, against 8/30 and
6/30 with k = 4), 8 on 60 (16 and 4 tie there: 0.097% and 0.101% on every 4th j60
instance at 10 s), 4 on 120 (16 gives 0.95% against 0.81% on every 8th j120). The
survivors are the best distinct schedules among parents and children. When the best stops
improving, the population restarts from random LST-biased lists, the best kept; after a
few fruitless restarts the search ends early (small problems converge in milliseconds,
and CP-SAT can prove them).

With several threads, islands evolve side by side (the kernels release the GIL) and a
restarting island takes in the best schedule of all: on 2 cores this is twice the search.
Every second island evolves the mirrored problem (time reversed, see ``_mirror``), unless
a task has a release: some instances are far easier one way (j3013_7 at 0.8 s reaches
its optimum in 29/30 runs, within 0.13 s, against 26/30 with both islands forward;
j3029_8 25/30 against 22/30).
The kernels run a whole generation per call (a few milliseconds on 120 tasks), so Python
only checks the clock between generations. numba caches the compiled code on disk; the
first use on a machine compiles it once (``warm``, run by the Makefile).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import numpy as np

from solver.genetic_kernels import _generation, _hash, _populate, _seed
from solver.rcpsp import Rcpsp

POPULATION = 60  # per second of the budget, at least 40: longer runs need diversity
POPULATION_MAX = 500
MOVES = 512  # over the task count: the most moves per child (k), kept within 4..16
STALL = 100  # generations without a better best before a restart
RESTARTS = 5  # restarts in a row that find nothing better: the search has converged


def evolve(
    view: Rcpsp,
    *,
    seconds: float,
    seed: int = 0,
    target: int | None = None,
    stop: Callable[[], bool] | None = None,
    threads: int = 1,
) -> tuple[list[int], int, int]:
    """The best schedule found in ``seconds``, or once ``target`` is reached or the search
    has converged: (starts, makespan, schedules made, justification passes included).
    ``threads`` islands evolve side by side (the kernels release the GIL); a restarting
    island takes in the best schedule found so far."""
    if view.n == 0:
        return [], 0, 0
    best = _Best(time.monotonic() + seconds, target, stop)
    islands = [
        _Island(view, seconds, seed + k, mirrored=k % 2 == 1) for k in range(max(1, threads))
    ]
    run_islands([partial(island.run, best) for island in islands])
    assert best.starts is not None
    return [int(s) for s in best.starts], best.span, sum(island.count for island in islands)


def run_islands(runs: list[Callable[[], None]]) -> None:
    """Runs every island's search (``solver.flexsearch``'s too): side by side in threads
    when there are several (the kernels release the GIL), else in this thread."""
    if len(runs) == 1:
        runs[0]()
        return
    runners = [threading.Thread(target=run) for run in runs]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()


class _Best:
    """The best schedule of all islands, and when to end."""

    def __init__(self, deadline: float, target: int | None, stop: Callable[[], bool] | None):
        self.deadline, self.target, self.stop = deadline, target, stop
        self.span = 0
        self.starts: np.ndarray | None = None  # forward, whichever island found it
        self.lock = threading.Lock()

    def offer(self, starts: np.ndarray, span: int) -> None:
        with self.lock:
            if self.starts is None or span < self.span:
                self.starts, self.span = starts.copy(), span

    def done(self) -> bool:
        return (
            (self.target is not None and self.starts is not None and self.span <= self.target)
            or time.monotonic() >= self.deadline
            or (self.stop is not None and self.stop())
        )


class _Island:
    """One population with its work arrays (parents in the first half, children after)."""

    def __init__(self, view: Rcpsp, seconds: float, seed: int, mirrored: bool = False):
        n = view.n
        self.seed = seed
        # Evolves schedules of the mirrored problem, unless a release (a deadline backward)
        # makes the mirror unsound.
        self.mirrored = mirrored and not any(view.releases)
        self.durations = np.array(view.durations, dtype=np.int64)
        view = _mirror(view) if self.mirrored else view
        self.arrays = _arrays(view)
        self.free = np.empty((len(view.capacities), _horizon(view)), dtype=np.int64)
        for r, cap in enumerate(view.capacities):
            self.free[r, :] = cap
        self.work = np.empty((4, n), dtype=np.int64)
        top = max((h + t for h, t in zip(view.heads, view.tails, strict=True)), default=0)
        self.latest = np.array([top - t for t in view.tails], dtype=np.float64)
        self.spread = max(1.0, 0.2 * float(self.latest.max(initial=1.0)))
        size = 2 * int(min(POPULATION_MAX, max(40, POPULATION * seconds)))
        self.orders = np.empty((size, n), dtype=np.int64)
        self.starts = np.empty((size, n), dtype=np.int64)
        self.spans = np.empty(size, dtype=np.int64)
        self.hashes = np.empty(size, dtype=np.int64)
        self.weights = np.random.default_rng(seed).integers(1, 2**31, size=n, dtype=np.int64)
        self.shifts = max(4, min(16, MOVES // n))  # k in the module docstring
        self.count = 0

    def populate(self, keep: int) -> None:
        self.count += _populate(
            self.arrays, self.latest, self.spread, keep, self.free, self.work, self.weights,
            self.orders, self.starts, self.spans, self.hashes,
        )  # fmt: skip

    def run(self, best: _Best) -> None:
        _seed(self.seed)  # numba's generator is per thread
        self.populate(0)
        self.offer(best)
        own = int(self.spans[0])
        stalled = fruitless = 0
        while fruitless < RESTARTS and not best.done():
            self.count += _generation(
                self.arrays, self.shifts, self.free, self.work, self.weights,
                self.orders, self.starts, self.spans, self.hashes,
            )  # fmt: skip
            if self.spans[0] < own:
                own, stalled, fruitless = int(self.spans[0]), 0, 0
                self.offer(best)
                continue
            stalled += 1
            if stalled >= STALL:
                with best.lock:  # restart around the best of all islands
                    if best.span < own and best.starts is not None:
                        self.starts[0] = self.turned(best.starts, best.span)
                        rank = self.arrays[12]  # topological: ties keep precedence
                        self.orders[0] = np.lexsort((rank, self.starts[0]))
                        self.spans[0] = own = best.span
                        self.hashes[0] = _hash(self.starts[0], self.weights)
                self.populate(1)
                stalled = 0
                fruitless += 1

    def offer(self, best: _Best) -> None:
        """Offers the island's best schedule, forward."""
        span = int(self.spans[0])
        best.offer(self.turned(self.starts[0], span), span)

    def turned(self, starts: np.ndarray, span: int) -> np.ndarray:
        """A schedule of ``span`` seen from this island's side (both ways: time reversed
        from ``span`` for a mirrored island, as is otherwise)."""
        return span - starts - self.durations if self.mirrored else starts


def _mirror(view: Rcpsp) -> Rcpsp:
    """The problem with time reversed: every precedence turned round, lag kept (releases
    must all be 0). A schedule of makespan C maps to it by start -> C - start - duration.
    Serial schedules and justification of the mirror reach other schedules."""
    return replace(view, succs=view.preds, preds=view.succs)  # cached bounds not copied


def _arrays(view: Rcpsp) -> tuple[np.ndarray, ...]:
    """The view as flat int64 arrays: durations, releases, predecessors and successors in
    compressed rows (pointer, task, lag), demands likewise (pointer, resource, amount),
    capacities and each task's rank in a topological order."""

    def rows(lists: list[list[tuple[int, int]]]) -> tuple[np.ndarray, ...]:
        pointer = np.zeros(len(lists) + 1, dtype=np.int64)
        pointer[1:] = np.cumsum([len(row) for row in lists])
        first = np.array([a for row in lists for a, _ in row], dtype=np.int64)
        second = np.array([b for row in lists for _, b in row], dtype=np.int64)
        return pointer, first, second

    rank = np.empty(view.n, dtype=np.int64)
    rank[np.array(view.topo, dtype=np.int64)] = np.arange(view.n)
    return (
        np.array(view.durations, dtype=np.int64),
        np.array(view.releases, dtype=np.int64),
        *rows(view.preds),
        *rows(view.succs),
        *rows(view.demands),
        np.array(view.capacities, dtype=np.int64),
        rank,
    )


def _horizon(view: Rcpsp) -> int:
    """Slots enough for any serial schedule: every task after every other, lags included."""
    lags = sum(lag for row in view.succs for _, lag in row)
    return sum(view.durations) + lags + max(view.releases, default=0) + 1


def warm() -> None:
    """Compiles every kernel (or loads them from numba's cache), so that no solve's time
    limit pays for it: about 35 s the first time on a machine, then about a second. The
    kernels of ``solver.flexsearch`` (alternative units) too."""
    from solver.flexsearch import warm as warm_flexible  # it imports this module

    warm_flexible()
    view = Rcpsp(
        ids=["a", "b"],
        durations=[1, 2],
        demands=[[(0, 1)], [(0, 1)]],
        capacities=[1],
        releases=[0, 0],
        succs=[[(1, 0)], []],
        preds=[[], [(0, 0)]],
    )
    arrays = _arrays(view)
    free = np.ones((1, _horizon(view)), dtype=np.int64)
    work = np.empty((4, 2), dtype=np.int64)
    weights = np.ones(2, dtype=np.int64)
    orders = np.empty((4, 2), dtype=np.int64)
    starts = np.empty((4, 2), dtype=np.int64)
    spans = np.empty(4, dtype=np.int64)
    hashes = np.empty(4, dtype=np.int64)
    latest = np.zeros(2)
    _seed(0)
    _populate(arrays, latest, 1.0, 0, free, work, weights, orders, starts, spans, hashes)
    _generation(arrays, 4, free, work, weights, orders, starts, spans, hashes)
