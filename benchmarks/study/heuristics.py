"""Primal heuristics for RCPSP: serial schedule generation, forward-backward improvement
(justification) and biased random sampling within a time budget.

All work on :class:`Instance` with a fixed mode per task (``modes``). Pure Python, so they
are the part to watch for time on j120: one SGS pass is ~1-3 ms there.
"""

from __future__ import annotations

import heapq
import random
import time

from .instance import Instance


def serial_sgs(
    inst: Instance, modes: list[int], key: list[float], *, reverse: bool = False
) -> list[int]:
    """Starts from the serial SGS: repeatedly take the eligible task of smallest ``key`` and
    put it at its earliest precedence- and resource-feasible time. With ``reverse`` the
    graph is reversed and the returned starts are mirrored back (right-justified)."""
    n = inst.n
    preds, succs = (inst.succs, inst.preds) if reverse else (inst.preds, inst.succs)
    dur = [inst.durations[j][modes[j]] for j in range(n)]
    horizon = sum(dur) + 1
    free = [[cap] * horizon for cap in inst.capacities]
    left = [len(p) for p in preds]
    heap = [(key[j], j) for j in range(n) if left[j] == 0]
    heapq.heapify(heap)
    start = [0] * n
    finish = [0] * n
    while heap:
        _, j = heapq.heappop(heap)
        t = max((finish[i] for i in preds[j]), default=0)
        d = dur[j]
        used = [(free[r], dem) for r, dem in enumerate(inst.demands[j][modes[j]]) if dem]
        if d and used:
            moved = True
            while moved:
                moved = False
                for fr, dem in used:
                    for tau in range(t, t + d):
                        if fr[tau] < dem:
                            t = tau + 1
                            moved = True
                            break
                    if moved:
                        break
            for fr, dem in used:
                for tau in range(t, t + d):
                    fr[tau] -= dem
        start[j], finish[j] = t, t + d
        for k in succs[j]:
            left[k] -= 1
            if left[k] == 0:
                heapq.heappush(heap, (key[k], k))
    if reverse:
        span = max(finish, default=0)
        return [span - finish[j] for j in range(n)]
    return start


def makespan(inst: Instance, modes: list[int], starts: list[int]) -> int:
    return max((s + inst.durations[j][modes[j]] for j, s in enumerate(starts)), default=0)


def justify(inst: Instance, modes: list[int], starts: list[int], rounds: int = 4) -> list[int]:
    """Forward-backward improvement: right-justify in decreasing finish order, then
    left-justify in increasing start order; repeat while the makespan shrinks."""
    best, best_span = starts, makespan(inst, modes, starts)
    for _ in range(rounds):
        finish = [s + inst.durations[j][modes[j]] for j, s in enumerate(best)]
        back = serial_sgs(inst, modes, [-f for f in finish], reverse=True)
        fwd = serial_sgs(inst, modes, [float(s) for s in back])
        span = makespan(inst, modes, fwd)
        if span >= best_span:
            break
        best, best_span = fwd, span
    return best


def latest_starts(inst: Instance, modes: list[int]) -> list[int]:
    dur = [inst.durations[j][modes[j]] for j in range(inst.n)]
    tail = [0] * inst.n
    for j in reversed(inst.topo):
        tail[j] = dur[j] + max((tail[k] for k in inst.succs[j]), default=0)
    top = max(tail, default=0)
    return [top - tail[j] for j in range(inst.n)]


def best_schedule(
    inst: Instance,
    modes: list[int],
    *,
    budget: float,
    seed: int = 0,
    target: int | None = None,
    max_schedules: int | None = None,
) -> tuple[list[int], int, int]:
    """Priority rules then LST-biased random sampling, each schedule justified, until
    ``budget`` seconds pass or ``target`` is reached. Returns (starts, makespan, #schedules)."""
    deadline = time.monotonic() + budget
    rng = random.Random(seed)
    lst = latest_starts(inst, modes)
    n = inst.n
    total_succ = [len(inst.closure[j]) for j in range(n)]
    rules = [
        [float(v) for v in lst],  # LST
        [lst[j] + inst.durations[j][modes[j]] for j in range(n)],  # LFT
        [-float(v) for v in total_succ],  # MTS
    ]
    best, best_span, count = None, None, 0
    spread = max(1.0, 0.2 * max(lst, default=1))
    while True:
        key = rules[count] if count < len(rules) else [v + rng.random() * spread for v in lst]
        starts = justify(inst, modes, serial_sgs(inst, modes, key))
        count += 1
        span = makespan(inst, modes, starts)
        if best_span is None or span < best_span:
            best, best_span = starts, span
        if (target is not None and best_span <= target) or time.monotonic() >= deadline:
            break
        if max_schedules is not None and count >= max_schedules:
            break
    assert best is not None and best_span is not None
    return best, best_span, count
