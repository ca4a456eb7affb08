"""The numba-compiled kernels of ``solver.genetic``: the serial schedule generation scheme,
justification, crossover, moves, tournaments and survival, a whole generation per call
(they release the GIL, so islands run side by side in threads).

``g`` is the tuple from ``solver.genetic._arrays``: (dur, rel, p_ptr, p_task, p_lag, s_ptr,
s_task, s_lag, d_ptr, d_res, d_amt, cap, rank). ``free`` holds every resource's capacity per
slot on entry and on exit of each kernel.
"""

from __future__ import annotations

import numpy as np
from numba import njit


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
