"""A genetic algorithm for makespan problems with alternative units (``solver.flexible``),
compiled with numba: ``solver.genetic``'s search with a decoder that also picks the units.

An individual is an activity list decoded by the serial schedule generation scheme: each
task, in list order, starts at the earliest time at which every one of its needs has some
candidate unit free for the whole duration, and each need takes, among the candidates free
then, the one idle for the shortest time before the start (best fit: the units idle longest
stay free for others). Every child is justified forward and backward while the makespan
shrinks (the backward pass is the same decoder on the mirrored problem, free to pick other
units), as in ``solver.genetic``, whose list operators (LST-biased random lists, two-point
order crossover, moves of a task within its predecessors and successors, 2-tournaments,
survival of the best distinct schedules, restarts) and island threads are reused.

Units keep their usage as step functions (breakpoint times and the usage from each one on),
so a test of 800 time units costs a few breakpoints, not 800 slots. A schedule is a row of
the task starts followed by the unit index of every need.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from solver.flexible import Flexible
from solver.flexsearch_kernels import _children, _random_lists
from solver.genetic import MOVES, POPULATION, POPULATION_MAX, RESTARTS, STALL, run_islands
from solver.genetic_kernels import _hash, _seed, _survive

GENERATIONS = 30  # at least, in the time given, when decodes are slow (large problems)
MIN_POPULATION = 16
CHUNK = 0.02  # seconds of decodes between reads of the clock
REPORT_EVERY = 1.0  # seconds at least between reports of better schedules


def evolve(
    view: Flexible,
    *,
    seconds: float,
    seed: int = 0,
    target: int | None = None,
    stop: Callable[[], bool] | None = None,
    threads: int = 1,
    on_better: Callable[[list[int], list[int], int], None] | None = None,
) -> tuple[list[int], list[int], int, int]:
    """The best schedule found in ``seconds``, or once ``target`` is reached or the search
    has converged: (starts, unit index per need, makespan, schedules made). ``threads``
    islands evolve side by side, every second one on the mirrored problem. ``on_better``
    gets the first schedule and then a better one at most every ``REPORT_EVERY`` seconds
    (starts, units, makespan), from an island's thread."""
    if view.n == 0:
        return [], [], 0, 0
    n = view.n

    def tell(sched: np.ndarray, span: int) -> None:
        if on_better is not None:
            on_better([int(s) for s in sched[:n]], [int(u) for u in sched[n:]], span)

    best = _Best(time.monotonic() + seconds, target, stop, tell)
    islands = [
        _Island(view, seconds, seed + k, mirrored=k % 2 == 1) for k in range(max(1, threads))
    ]
    run_islands([partial(island.run, best) for island in islands])
    assert best.sched is not None
    starts = [int(s) for s in best.sched[:n]]
    units = [int(u) for u in best.sched[n:]]
    return starts, units, best.span, sum(island.count for island in islands)


class _Best:
    """The best schedule of all islands, and when to end."""

    def __init__(
        self,
        deadline: float,
        target: int | None,
        stop: Callable[[], bool] | None,
        tell: Callable[[np.ndarray, int], None] | None = None,
    ):
        self.deadline, self.target, self.stop, self.tell = deadline, target, stop, tell
        self.span = 0
        self.sched: np.ndarray | None = None  # forward, whichever island found it
        self.lock = threading.Lock()
        self.telling = threading.Lock()  # one report at a time
        self.told = 0  # makespan last reported (0: none yet)
        self.next_tell = 0.0

    def offer(self, sched: np.ndarray, span: int) -> None:
        with self.lock:
            if self.sched is None or span < self.span:
                self.sched, self.span = sched.copy(), span
        if self.tell is not None and time.monotonic() >= self.next_tell:
            with self.telling:
                with self.lock:  # the best as one pair (another island may replace it)
                    best, best_span = self.sched, self.span
                if best is not None and (not self.told or best_span < self.told):
                    self.next_tell = time.monotonic() + REPORT_EVERY
                    self.told = best_span
                    self.tell(best, best_span)

    def done(self) -> bool:
        return (
            (self.target is not None and self.sched is not None and self.span <= self.target)
            or time.monotonic() >= self.deadline
            or (self.stop is not None and self.stop())
        )


class _Island:
    """One population with its work arrays (parents in the first half, children after)."""

    def __init__(self, view: Flexible, seconds: float, seed: int, mirrored: bool = False):
        n = view.n
        self.n = n
        self.seed = seed
        self.mirrored = mirrored and not any(view.releases)
        self.durations = np.array(view.durations, dtype=np.int64)
        self.arrays = _arrays(view, self.mirrored)
        uses = np.zeros(len(view.capacities), dtype=np.int64)
        for pool in view.candidates:
            uses[pool] += 1
        width = 2 * int(uses.max(initial=0)) + 2
        self.board = (
            np.zeros((len(view.capacities), width), dtype=np.int64),  # breakpoint times
            np.zeros((len(view.capacities), width), dtype=np.int64),  # usage from each on
            np.ones(len(view.capacities), dtype=np.int64),  # breakpoints per unit
            np.empty(sum(len(c) for c in view.candidates), dtype=np.int64),  # per candidate
        )
        self.work = np.empty((4, n), dtype=np.int64)
        self.spare = np.empty((2, n + len(view.amounts)), dtype=np.int64)
        tails = view.tails
        if self.mirrored:  # the mirror's tails: the problem's heads, durations added
            tails = [h + d for h, d in zip(view.heads, view.durations, strict=True)]
        top = max((h + t for h, t in zip(view.heads, view.tails, strict=True)), default=0)
        self.latest = np.array([top - t for t in tails], dtype=np.float64)
        self.spread = max(1.0, 0.2 * float(self.latest.max(initial=1.0)))
        self.seconds = seconds
        self.size = int(min(POPULATION_MAX, max(40, POPULATION * seconds)))
        self.chunk = 0  # decodes between reads of the clock, set by the first decode
        # Room for the first decode; the rest once the population is sized (large problems
        # get small populations: no rows for 500 individuals of 10,000 tasks).
        self.orders = np.empty((1, n), dtype=np.int64)
        self.scheds = np.empty((1, n + len(view.amounts)), dtype=np.int64)
        self.spans = np.empty(1, dtype=np.int64)
        self.hashes = np.empty(1, dtype=np.int64)
        self.weights = np.random.default_rng(seed).integers(
            1, 2**31, size=n + len(view.amounts), dtype=np.int64
        )
        self.shifts = max(4, min(16, MOVES // n))
        self.count = 0

    def populate(self, keep: int, best: _Best) -> None:
        """Random lists after the first ``keep`` individuals, in chunks between which the
        clock is read; the first call sizes the population (``_size``)."""
        i = keep
        while i < self.size:
            if self.chunk == 0:  # the first decode measures the speed
                began = time.monotonic()
                self.count += self._fill(i, i + 1)
                self.size, self.chunk = _size(time.monotonic() - began, self.seconds, self.size)
                self._grow(2 * self.size)
                self.offer(best)  # a first plan now: filling the population takes a while
                i += 1
                continue
            end = min(self.size, i + self.chunk)
            self.count += self._fill(i, end)
            i = end
            if best.done():
                break
        self.size = min(i, self.size)  # cut short by the clock: the lists made so far
        _survive(self.orders, self.scheds, self.spans, self.hashes, i, self.size)

    def _grow(self, rows: int) -> None:
        """Parents and children: ``rows`` rows of each array, the first kept."""
        for name in ("orders", "scheds", "spans", "hashes"):
            old = getattr(self, name)
            new = np.empty((rows, *old.shape[1:]), dtype=np.int64)
            new[: len(old)] = old
            setattr(self, name, new)

    def _fill(self, begin: int, end: int) -> int:
        return _random_lists(
            self.arrays, self.latest, self.spread, begin, end, self.board, self.work,
            self.spare, self.weights, self.orders, self.scheds, self.spans, self.hashes,
        )  # fmt: skip

    def breed(self, best: _Best) -> None:
        """One generation: children in chunks between which the clock is read, then the
        best distinct schedules of parents and children survive."""
        c, size = self.size, self.size
        while c < 2 * size:
            end = min(2 * size, c + self.chunk)
            self.count += _children(
                self.arrays, self.shifts, size, c, end, self.board, self.work, self.spare,
                self.weights, self.orders, self.scheds, self.spans, self.hashes,
            )  # fmt: skip
            c = end
            if best.done():
                break
        _survive(self.orders, self.scheds, self.spans, self.hashes, c, size)

    def run(self, best: _Best) -> None:
        _seed(self.seed)  # numba's generator is per thread
        self.populate(0, best)
        self.offer(best)
        own = int(self.spans[0])
        stalled = fruitless = 0
        while fruitless < RESTARTS and not best.done():
            self.breed(best)
            if self.spans[0] < own:
                own, stalled, fruitless = int(self.spans[0]), 0, 0
                self.offer(best)
                continue
            stalled += 1
            if stalled >= STALL:
                with best.lock:  # restart around the best of all islands
                    if best.span < own and best.sched is not None:
                        self.scheds[0] = self.turned(best.sched, best.span)
                        rank = self.arrays[12]  # topological: ties keep precedence
                        self.orders[0] = np.lexsort((rank, self.scheds[0][: self.n]))
                        self.spans[0] = own = best.span
                        self.hashes[0] = _hash(self.scheds[0], self.weights)
                self.populate(1, best)
                stalled = 0
                fruitless += 1

    def offer(self, best: _Best) -> None:
        """Offers the island's best schedule, forward."""
        span = int(self.spans[0])
        best.offer(self.turned(self.scheds[0], span), span)

    def turned(self, sched: np.ndarray, span: int) -> np.ndarray:
        """A schedule of ``span`` seen from this island's side: starts time reversed from
        ``span`` for a mirrored island, units as they are."""
        if not self.mirrored:
            return sched
        out = sched.copy()
        out[: self.n] = span - sched[: self.n] - self.durations
        return out


def _size(decode: float, seconds: float, most: int) -> tuple[int, int]:
    """The population and the chunk of decodes between reads of the clock, from the wall
    time of one decode: enough generations in ``seconds`` (``GENERATIONS``), chunks of
    about ``CHUNK`` seconds."""
    decode = max(decode, 1e-6)
    size = int(min(most, max(MIN_POPULATION, seconds / decode / GENERATIONS)))
    return size, max(1, int(CHUNK / decode))


def _arrays(view: Flexible, mirrored: bool) -> tuple[np.ndarray, ...]:
    """The view as flat int64 arrays, in ``solver.genetic``'s places where its operators
    read them: durations, releases, predecessors and successors in compressed rows
    (pointer, task, lag), then need pointers, amounts, candidate pointers and units, each
    task's rank in a topological order, and the capacities. Mirrored: predecessors and
    successors swapped, ranks reversed."""

    def rows(lists: list[list[tuple[int, int]]]) -> tuple[np.ndarray, ...]:
        pointer = np.zeros(len(lists) + 1, dtype=np.int64)
        pointer[1:] = np.cumsum([len(row) for row in lists])
        first = np.array([a for row in lists for a, _ in row], dtype=np.int64)
        second = np.array([b for row in lists for _, b in row], dtype=np.int64)
        return pointer, first, second

    preds, succs = (view.succs, view.preds) if mirrored else (view.preds, view.succs)
    topo = list(reversed(view.topo)) if mirrored else view.topo
    rank = np.empty(view.n, dtype=np.int64)
    rank[np.array(topo, dtype=np.int64)] = np.arange(view.n)
    cand_ptr = np.zeros(len(view.candidates) + 1, dtype=np.int64)
    cand_ptr[1:] = np.cumsum([len(c) for c in view.candidates])
    return (
        np.array(view.durations, dtype=np.int64),
        np.array(view.releases, dtype=np.int64),
        *rows(preds),
        *rows(succs),
        np.array(view.need_ptr, dtype=np.int64),
        np.array(view.amounts, dtype=np.int64),
        cand_ptr,
        np.array([u for c in view.candidates for u in c], dtype=np.int64),
        rank,
        np.array(view.capacities, dtype=np.int64),
    )


def warm() -> None:
    """Compiles every kernel (or loads them from numba's cache) before any clock starts."""
    view = Flexible(
        ids=["a", "b"],
        durations=[1, 2],
        releases=[0, 0],
        succs=[[(1, 0)], []],
        preds=[[], [(0, 0)]],
        need_ptr=[0, 1, 2],
        amounts=[1, 1],
        candidates=[[0, 1], [1]],
        capacities=[1, 1],
        unit_ids=["u", "v"],
    )
    island = _Island(view, 1.0, 0)
    best = _Best(time.monotonic() + 3600.0, None, None)  # compiling takes its time
    _seed(0)
    island.populate(0, best)
    island.breed(best)
