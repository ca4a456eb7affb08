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

import numpy as np
from numba import njit

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
    if len(islands) == 1:
        islands[0].run(best)
    else:
        runners = [threading.Thread(target=island.run, args=(best,)) for island in islands]
        for runner in runners:
            runner.start()
        for runner in runners:
            runner.join()
    assert best.starts is not None
    return [int(s) for s in best.starts], best.span, sum(island.count for island in islands)


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


# Compiled kernels ---------------------------------------------------------------------------
# ``g`` is the tuple from ``_arrays``: (dur, rel, p_ptr, p_task, p_lag, s_ptr, s_task, s_lag,
# d_ptr, d_res, d_amt, cap, rank). ``free`` holds every resource's capacity per slot on entry
# and on exit of each kernel.


@njit(cache=True, nogil=True)
def _seed(seed):
    np.random.seed(seed)


@njit(cache=True, nogil=True)
def _serial(g, order, backward, free, start):
    """Starts of the serial schedule of ``order`` (forward, or of the mirrored problem when
    ``backward``, releases ignored); returns the makespan."""
    dur, rel, cap = g[0], g[1], g[11]
    if backward:
        ptr, task, lag = g[5], g[6], g[7]
    else:
        ptr, task, lag = g[2], g[3], g[4]
    d_ptr, d_res, d_amt = g[8], g[9], g[10]
    span = 0
    for pos in range(order.shape[0]):
        j = order[pos]
        t = 0 if backward else rel[j]
        for q in range(ptr[j], ptr[j + 1]):
            i = task[q]
            v = start[i] + dur[i] + lag[q]
            if v > t:
                t = v
        d = dur[j]
        if d > 0:
            moved = True
            while moved:
                moved = False
                for q in range(d_ptr[j], d_ptr[j + 1]):
                    r, a = d_res[q], d_amt[q]
                    tau = t + d - 1
                    while tau >= t and free[r, tau] >= a:
                        tau -= 1
                    if tau >= t:  # the last slot short of capacity: start after it
                        t = tau + 1
                        moved = True
                        break
            for q in range(d_ptr[j], d_ptr[j + 1]):
                r, a = d_res[q], d_amt[q]
                for tau in range(t, t + d):
                    free[r, tau] -= a
        start[j] = t
        if t + d > span:
            span = t + d
    for r in range(free.shape[0]):
        free[r, :span] = cap[r]
    return span


@njit(cache=True, nogil=True)
def _sorted(key_major, key_minor, rank, out):
    """``out`` = tasks by (key_major, key_minor, topological rank) ascending."""
    n = rank.shape[0]
    big = np.int64(_bound(key_major, key_minor) + 1)
    key = np.empty(n, dtype=np.int64)
    for j in range(n):
        key[j] = (key_major[j] * big + key_minor[j]) * n + rank[j]
    out[:] = np.argsort(key)


@njit(cache=True, nogil=True)
def _bound(a, b):
    """An exclusive bound on |a| and |b|, for packing two keys into one."""
    m = 1
    for j in range(a.shape[0]):
        m = max(m, abs(a[j]), abs(b[j]))
    return m


@njit(cache=True, nogil=True)
def _decode(g, order, free, work, start):
    """Serial schedule of ``order`` then justification while it shrinks; ``start`` gets the
    schedule, ``order`` its tasks by start. Returns (makespan, schedules made)."""
    dur, rank = g[0], g[12]
    n = order.shape[0]
    span = _serial(g, order, False, free, start)
    made = 1
    major, minor, mirrored = work[0], work[1], work[2]
    while True:
        for j in range(n):  # right-justify: decreasing finish, then decreasing start
            major[j] = -(start[j] + dur[j])
            minor[j] = -start[j]
        rank_back = -rank
        _sorted(major, minor, rank_back, order)
        back = _serial(g, order, True, free, mirrored)
        for j in range(n):  # left-justify: increasing start of the right-justified schedule
            major[j] = back - mirrored[j] - dur[j]
            minor[j] = 0
        _sorted(major, minor, rank, order)
        forward = _serial(g, order, False, free, mirrored)
        made += 2
        if forward >= span:
            break
        start[:] = mirrored
        span = forward
    for j in range(n):
        major[j] = start[j]
        minor[j] = 0
    _sorted(major, minor, rank, order)
    return span, made


@njit(cache=True, nogil=True)
def _hash(start, weights):
    h = np.int64(0)
    for j in range(start.shape[0]):
        h += start[j] * weights[j]
    return h


@njit(cache=True, nogil=True)
def _random_list(g, latest, spread, out):
    """A precedence-feasible list: the eligible task of least LST plus noise goes next."""
    p_ptr, s_ptr, s_task = g[2], g[5], g[6]
    n = latest.shape[0]
    key = latest + np.random.random(n) * spread
    waiting = np.empty(n, dtype=np.int64)
    eligible = np.zeros(n, dtype=np.bool_)
    for j in range(n):
        waiting[j] = p_ptr[j + 1] - p_ptr[j]
        if waiting[j] == 0:
            eligible[j] = True
    for pos in range(n):
        pick = -1
        for j in range(n):
            if eligible[j] and (pick < 0 or key[j] < key[pick]):
                pick = j
        out[pos] = pick
        eligible[pick] = False
        for q in range(s_ptr[pick], s_ptr[pick + 1]):
            k = s_task[q]
            waiting[k] -= 1
            if waiting[k] == 0:
                eligible[k] = True


@njit(cache=True, nogil=True)
def _populate(g, latest, spread, keep, free, work, weights, orders, starts, spans, hashes):
    """Fills the population (the first half of the arrays) with random LST-biased lists,
    keeping the first ``keep``; sorts it best first. Returns the schedules made."""
    size = orders.shape[0] // 2
    made = 0
    for i in range(keep, size):
        _random_list(g, latest, spread, orders[i])
        spans[i], m = _decode(g, orders[i], free, work, starts[i])
        hashes[i] = _hash(starts[i], weights)
        made += m
    _survive(orders, starts, spans, hashes, size, size)
    return made


@njit(cache=True, nogil=True)
def _crossover(mother, father, cut1, cut2, used, child):
    """Two-point order crossover: the mother's first ``cut1`` tasks, then the father's
    next ones up to ``cut2``, then the rest in the mother's order."""
    used[:] = 0
    _fill(mother, 0, cut1, used, child)
    _fill(father, cut1, cut2, used, child)
    _fill(mother, cut2, mother.shape[0], used, child)


@njit(cache=True, nogil=True)
def _fill(source, begin, end, used, child):
    """``child[begin:end]`` = the next tasks of ``source`` not used yet, in its order."""
    k = 0
    for pos in range(begin, end):
        while used[source[k]]:
            k += 1
        child[pos] = source[k]
        used[source[k]] = 1


@njit(cache=True, nogil=True)
def _shift(g, order, where):
    """Moves one random task to a random place between its last predecessor and its first
    successor in the list."""
    p_ptr, p_task, s_ptr, s_task = g[2], g[3], g[5], g[6]
    n = order.shape[0]
    for pos in range(n):
        where[order[pos]] = pos
    i = np.random.randint(n)
    j = order[i]
    low, high = 0, n - 1
    for q in range(p_ptr[j], p_ptr[j + 1]):
        low = max(low, where[p_task[q]] + 1)
    for q in range(s_ptr[j], s_ptr[j + 1]):
        high = min(high, where[s_task[q]] - 1)
    k = low + np.random.randint(high - low + 1)
    if k > i:
        order[i:k] = order[i + 1 : k + 1].copy()
    elif k < i:
        order[k + 1 : i + 1] = order[k:i].copy()
    order[k] = j


@njit(cache=True, nogil=True)
def _tournament(spans, size):
    a = np.random.randint(size)
    b = np.random.randint(size)
    return a if spans[a] <= spans[b] else b


@njit(cache=True, nogil=True)
def _generation(g, shifts, free, work, weights, orders, starts, spans, hashes):
    """One generation: the second half of the arrays gets children of the first half, then
    the best distinct schedules of both move to the first half. Returns schedules made."""
    size = orders.shape[0] // 2
    n = orders.shape[1]
    used = work[3]
    made = 0
    for c in range(size, 2 * size, 2):
        mother = _tournament(spans, size)
        father = _tournament(spans, size)
        cut1 = np.random.randint(n + 1)
        cut2 = np.random.randint(n + 1)
        if cut1 > cut2:
            cut1, cut2 = cut2, cut1
        for k in range(2):
            child = c + k
            if child >= 2 * size:
                break
            first, second = (mother, father) if k == 0 else (father, mother)
            _crossover(orders[first], orders[second], cut1, cut2, used, orders[child])
            for _ in range(1 + np.random.randint(shifts)):
                _shift(g, orders[child], used)
            spans[child], m = _decode(g, orders[child], free, work, starts[child])
            hashes[child] = _hash(starts[child], weights)
            made += m
    _survive(orders, starts, spans, hashes, 2 * size, size)
    return made


@njit(cache=True, nogil=True)
def _survive(orders, starts, spans, hashes, total, size):
    """Moves the ``size`` best distinct schedules (by makespan, then hash) among the first
    ``total`` to the front; duplicates fill up only when there are too few distinct ones."""
    key = np.empty(total, dtype=np.float64)
    for i in range(total):
        key[i] = spans[i] + (hashes[i] % 1000003) / 1000003.0 * 0.5
    idx = np.argsort(key)
    chosen = np.empty(total, dtype=np.int64)
    taken = 0
    dup = np.zeros(total, dtype=np.bool_)
    for p in range(total):
        i = idx[p]
        if p > 0:
            prev = idx[p - 1]
            if spans[i] == spans[prev] and hashes[i] == hashes[prev]:
                dup[p] = True
                continue
        chosen[taken] = i
        taken += 1
    for p in range(total):
        if taken >= total:
            break
        if dup[p]:
            chosen[taken] = idx[p]
            taken += 1
    new_orders = orders[chosen[:size]].copy()
    new_starts = starts[chosen[:size]].copy()
    new_spans = spans[chosen[:size]].copy()
    new_hashes = hashes[chosen[:size]].copy()
    orders[:size] = new_orders
    starts[:size] = new_starts
    spans[:size] = new_spans
    hashes[:size] = new_hashes


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
