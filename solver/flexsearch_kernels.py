"""The numba-compiled kernels of ``solver.flexsearch``: units' usage as step functions, the
serial decoder that also picks the units, and a generation's random lists and children
(built on ``solver.genetic_kernels``' list operators).

``g`` is the tuple from ``solver.flexsearch._arrays``: (dur, rel, p_ptr, p_task, p_lag, s_ptr,
s_task, s_lag, need_ptr, amount, cand_ptr, cand_unit, rank, cap). ``board`` is (times, usage,
count, earliest): each unit's usage as a step function, usage[u, i] from times[u, i] to
times[u, i + 1] (the last step lasts for ever), and a scratch value per candidate.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from solver.genetic_kernels import _crossover, _hash, _random_list, _shift, _sorted, _tournament

NEVER = np.int64(2**62)


@njit(cache=True, nogil=True)
def _earliest(times, usage, count, u, limit, t, d):
    """The first start from ``t`` at which unit ``u`` stays at most ``limit`` used for
    ``d`` time units."""
    m = count[u]
    i = np.searchsorted(times[u, :m], t, side="right") - 1
    s = t
    k = i
    while k < m and times[u, k] < s + d:
        if usage[u, k] > limit:
            s = times[u, k + 1]  # the last step is never over: k + 1 < m here
        k += 1
    return s


@njit(cache=True, nogil=True)
def _idle(times, usage, count, u, limit, t):
    """How long unit ``u`` has had room for ``limit`` before ``t`` (t when always)."""
    m = count[u]
    k = np.searchsorted(times[u, :m], t, side="right") - 2
    while k >= 0 and usage[u, k] <= limit:
        k -= 1
    return t - (times[u, k + 1] if k >= 0 else 0)


@njit(cache=True, nogil=True)
def _breakpoint(times, usage, count, u, x):
    """The index of the step starting at ``x`` on unit ``u``, inserted if need be."""
    m = count[u]
    i = np.searchsorted(times[u, :m], x, side="right") - 1
    if times[u, i] == x:
        return i
    for k in range(m, i + 1, -1):
        times[u, k] = times[u, k - 1]
        usage[u, k] = usage[u, k - 1]
    times[u, i + 1] = x
    usage[u, i + 1] = usage[u, i]
    count[u] = m + 1
    return i + 1


@njit(cache=True, nogil=True)
def _take(times, usage, count, u, amount, s, e):
    i = _breakpoint(times, usage, count, u, s)
    j = _breakpoint(times, usage, count, u, e)
    for k in range(i, j):
        usage[u, k] += amount


@njit(cache=True, nogil=True)
def _serial(g, order, backward, board, out):
    """The serial schedule of ``order`` into ``out`` (starts, then the unit of each need):
    forward, or on the mirrored problem when ``backward`` (releases ignored; ``g`` itself
    may be mirrored). Returns the makespan."""
    dur, rel = g[0], g[1]
    if backward:
        ptr, task, lag = g[5], g[6], g[7]
    else:
        ptr, task, lag = g[2], g[3], g[4]
    need_ptr, amount, cand_ptr, cand_unit, cap = g[8], g[9], g[10], g[11], g[13]
    times, usage, count, first = board
    n = dur.shape[0]
    count[:] = 1
    times[:, 0] = 0
    usage[:, 0] = 0
    span = 0
    for pos in range(order.shape[0]):
        j = order[pos]
        t = 0 if backward else rel[j]
        for q in range(ptr[j], ptr[j + 1]):
            i = task[q]
            v = out[i] + dur[i] + lag[q]
            if v > t:
                t = v
        d = dur[j]
        if d > 0:
            for k in range(need_ptr[j], need_ptr[j + 1]):
                for q in range(cand_ptr[k], cand_ptr[k + 1]):
                    first[q] = -1
            while True:
                latest = t
                for k in range(need_ptr[j], need_ptr[j + 1]):
                    soonest = NEVER
                    for q in range(cand_ptr[k], cand_ptr[k + 1]):
                        if first[q] < t:  # a start found from an earlier t holds from t on
                            u = cand_unit[q]
                            first[q] = _earliest(times, usage, count, u, cap[u] - amount[k], t, d)
                        if first[q] < soonest:
                            soonest = first[q]
                    if soonest > latest:
                        latest = soonest
                if latest == t:
                    break
                t = latest
            for k in range(need_ptr[j], need_ptr[j + 1]):
                pick, fit = -1, NEVER
                for q in range(cand_ptr[k], cand_ptr[k + 1]):
                    if first[q] == t:
                        u = cand_unit[q]
                        idle = _idle(times, usage, count, u, cap[u] - amount[k], t)
                        if idle < fit:
                            pick, fit = u, idle
                out[n + k] = pick
                _take(times, usage, count, pick, amount[k], t, t + d)
        else:
            for k in range(need_ptr[j], need_ptr[j + 1]):
                out[n + k] = cand_unit[cand_ptr[k]]
        out[j] = t
        if t + d > span:
            span = t + d
    return span


@njit(cache=True, nogil=True)
def _decode(g, order, board, work, spare, out):
    """Serial schedule of ``order`` into ``out``, then justification while it shrinks;
    ``order`` gets the tasks by start. Returns (makespan, schedules made)."""
    dur, rank = g[0], g[12]
    n = order.shape[0]
    span = _serial(g, order, False, board, out)
    made = 1
    major, minor = work[0], work[1]
    back, forward = spare[0], spare[1]
    while True:
        for j in range(n):  # right-justify: decreasing finish, then decreasing start
            major[j] = -(out[j] + dur[j])
            minor[j] = -out[j]
        _sorted(major, minor, -rank, order)
        back_span = _serial(g, order, True, board, back)
        for j in range(n):  # left-justify: increasing start of the right-justified schedule
            major[j] = back_span - back[j] - dur[j]
            minor[j] = 0
        _sorted(major, minor, rank, order)
        forward_span = _serial(g, order, False, board, forward)
        made += 2
        if forward_span >= span:
            break
        out[:] = forward
        span = forward_span
    for j in range(n):
        major[j] = out[j]
        minor[j] = 0
    _sorted(major, minor, rank, order)
    return span, made


@njit(cache=True, nogil=True)
def _random_lists(
    g, latest, spread, begin, end, board, work, spare, weights, orders, scheds, spans, hashes
):
    """Individuals ``begin``..``end`` get random LST-biased lists, decoded. Returns the
    schedules made."""
    made = 0
    for i in range(begin, end):
        _random_list(g, latest, spread, orders[i])
        spans[i], m = _decode(g, orders[i], board, work, spare, scheds[i])
        hashes[i] = _hash(scheds[i], weights)
        made += m
    return made


@njit(cache=True, nogil=True)
def _children(
    g, shifts, size, begin, end, board, work, spare, weights, orders, scheds, spans, hashes
):
    """Individuals ``begin``..``end`` get children of the first ``size`` (parents by
    2-tournament, two-point order crossover, 1 to ``shifts`` moves), decoded. Returns the
    schedules made."""
    n = orders.shape[1]
    used = work[3]
    made = 0
    for child in range(begin, end):
        mother = _tournament(spans, size)
        father = _tournament(spans, size)
        cut1 = np.random.randint(n + 1)
        cut2 = np.random.randint(n + 1)
        if cut1 > cut2:
            cut1, cut2 = cut2, cut1
        _crossover(orders[mother], orders[father], cut1, cut2, used, orders[child])
        for _ in range(1 + np.random.randint(shifts)):
            _shift(g, orders[child], used)
        spans[child], m = _decode(g, orders[child], board, work, spare, scheds[child])
        hashes[child] = _hash(scheds[child], weights)
        made += m
    return made
