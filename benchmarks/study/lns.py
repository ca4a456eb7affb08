"""Multi-stage solve for single-mode RCPSP: heuristic hint, a full CP-SAT solve for a share
of the time (proves the easy instances), then a Python-driven time-window LNS.

LNS neighbourhood: pick a window [t0, t0 + w) of the current schedule. Tasks ending before
t0 stay fixed; tasks overlapping the window are free; tasks starting after it keep their
relative positions and move together by one shift variable (<= 0). Each neighbourhood is a
small CP-SAT model solved with a short time limit and the current schedule as hint; the
window width adapts (grow on a proved neighbourhood, shrink on a timeout).
"""

from __future__ import annotations

import random
import time
from typing import Any

from ortools.sat.python import cp_model

from solver.problem import Problem

from .heuristics import makespan
from .instance import Instance, to_instance
from .rcpsp_model import StudyOptions, _result, solve_study


def _neighbourhood(
    inst: Instance, starts: list[int], t0: int, t1: int, limit: float, workers: int, seed: int
) -> tuple[list[int] | None, bool]:
    dur = [inst.durations[j][0] for j in range(inst.n)]
    model = cp_model.CpModel()
    span_now = max(s + d for s, d in zip(starts, dur, strict=True))
    shift = model.new_int_var(-t1, 0, "shift")
    expr: list[Any] = []
    free = []
    for j in range(inst.n):
        s, e = starts[j], starts[j] + dur[j]
        if e <= t0 and dur[j] > 0:
            expr.append(s)  # fixed
        elif s >= t1:
            expr.append(s + shift)  # moves with the tail
        else:
            v = model.new_int_var(inst.heads[j], span_now - inst.tails[j], f"s{j}")
            model.add_hint(v, s)
            expr.append(v)
            free.append(j)
    if not free:
        return None, True
    model.add_hint(shift, 0)
    span = model.new_int_var(0, span_now, "makespan")
    for j in range(inst.n):
        for k in inst.succs[j]:
            a, b = expr[j], expr[k]
            if isinstance(a, int) and isinstance(b, int):
                continue
            model.add(a + dur[j] <= b)
        if not inst.succs[j] and not isinstance(expr[j], int):
            model.add(expr[j] + dur[j] <= span)
        elif not inst.succs[j]:
            model.add(span >= expr[j] + dur[j])
    for r, cap in enumerate(inst.capacities):
        ivs, dms = [], []
        for j in range(inst.n):
            dem = inst.demands[j][0][r]
            if dem and dur[j]:
                e = expr[j]
                if isinstance(e, int):
                    ivs.append(model.new_fixed_size_interval_var(e, dur[j], f"f{j}r{r}"))
                else:
                    ivs.append(model.new_fixed_size_interval_var(e, dur[j], f"i{j}r{r}"))
                dms.append(dem)
        if ivs:
            model.add_cumulative(ivs, dms, cap)
    model.minimize(span)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False
    out = [solver.value(e) if not isinstance(e, int) else e for e in expr]
    return out, status == cp_model.OPTIMAL


def solve_lns(
    problem: Problem,
    options: StudyOptions | None = None,
    *,
    full_share: float = 0.3,
    window: float = 0.3,
    sub_limit: float = 0.3,
    sub_workers: int | None = None,
) -> dict[str, Any]:
    opts = options or StudyOptions()
    began = time.monotonic()
    inst = to_instance(problem)
    if not inst.single_mode or any(inst.staff):
        return solve_study(problem, opts)
    first = solve_study(
        problem,
        StudyOptions(**{**opts.__dict__, "time_limit": opts.time_limit * full_share}),
    )
    if first["status"] == "OPTIMAL" or first["starts"] is None:
        first["seconds"] = round(time.monotonic() - began, 3)
        return first
    rng = random.Random(opts.seed)
    modes = [0] * inst.n
    starts = [first["starts"][tid] for tid in inst.ids]
    best = makespan(inst, modes, starts)
    lb = first["bound"]
    frac = window
    deadline = began + opts.time_limit
    iterations = improved = 0
    while best > lb:
        left = deadline - time.monotonic()
        if left < 0.02:
            break
        w = max(1, round(frac * best))
        t0 = rng.randrange(0, max(1, best - w + 1))
        new, proved = _neighbourhood(
            inst,
            starts,
            t0,
            t0 + w,
            min(sub_limit, left),
            sub_workers or opts.workers,
            rng.randrange(1 << 20),
        )
        iterations += 1
        if new is not None:
            span = makespan(inst, modes, new)
            if span < best:
                improved += 1
            if span <= best:
                starts, best = new, span
        frac = min(0.9, frac * 1.1) if proved else max(0.05, frac / 1.2)
    res = _result(inst, "FEASIBLE" if best > lb else "OPTIMAL", best, lb, starts, modes, began, 0)
    res["hint_makespan"] = first["makespan"]
    res["lns"] = [iterations, improved]
    return res
