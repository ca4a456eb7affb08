"""The study CP-SAT model for (multi-mode) RCPSP on :class:`solver.problem.Problem`.

Stand-alone so findings can be carried into the production model. Every idea is a switch
in :class:`StudyOptions`; ``solve_study(problem, options)`` returns a plain result dict.

Formulation: one interval per task (a fixed size when single-mode; a duration variable over
the mode durations and a variable demand per resource when multi-mode, as OR-Tools'
rcpsp_sat does), one cumulative per renewable resource, finish-to-start precedences, the
budgets as linear sums over mode literals, makespan >= end of every task without successor.
Bounds: start in [head, UB - tail] where UB is the heuristic's makespan (when hinted),
makespan in [max(critical path, energy bound), UB].
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from solver.problem import Problem

from .heuristics import best_schedule, makespan
from .instance import Instance, to_instance


@dataclass
class StudyOptions:
    time_limit: float = 1.0
    workers: int = 2
    seed: int = 0
    hint: bool = True  # warm start from SGS + justification + sampling
    heuristic_share: float = 0.1  # of the time limit spent in the heuristic ...
    heuristic_max: float = 1.0  # ... at most this many seconds
    tighten: bool = True  # horizon = heuristic makespan; start windows from heads/tails
    interval_makespan: bool = False  # rcpsp_sat: [makespan, horizon+1) interval in each cumulative
    push_toward_start: bool = False  # rcpsp_sat sets push_all_tasks_toward_start
    lower_bound: bool = True  # makespan >= max(critical path, energy bound)
    energetic_pairs: bool = False  # rcpsp_sat's redundant energetic constraints on pairs
    cliques: bool = False  # no-overlap over cliques of tasks that can never run together
    energy_heads: bool = False  # start >= energy of all predecessors / capacity (and tails)
    strategy: bool = False  # decision strategy: smallest earliest start first, at its minimum
    all_ends: bool = False  # makespan >= end of every task (not only the last ones)
    params: dict[str, Any] = field(default_factory=dict)
    log: bool = False
    # Contention-proof budgets (other people share the 2 cores): CP-SAT deterministic time
    # instead of wall time (wall limit then 20x as a guard), and a schedule count for the
    # heuristic instead of seconds.
    dtime: float | None = None
    heuristic_schedules: int | None = None


def _pick_modes(inst: Instance) -> list[int] | None:
    """Shortest modes, then greedy repairs until every budget holds (None if that fails)."""
    modes = [min(range(len(d)), key=lambda m, d=d: d[m]) for d in inst.durations]
    for _ in range(10 * inst.n):
        used = [
            sum(inst.consumes[j][modes[j]][b] for j in range(inst.n))
            for b in range(len(inst.limits))
        ]
        over = [b for b, lim in enumerate(inst.limits) if used[b] > lim]
        if not over:
            return modes
        b = over[0]
        best = None
        for j in range(inst.n):
            for m in range(len(inst.durations[j])):
                saved = inst.consumes[j][modes[j]][b] - inst.consumes[j][m][b]
                if saved <= 0:
                    continue
                cost = inst.durations[j][m] - inst.durations[j][modes[j]]
                worse = sum(
                    max(0, inst.consumes[j][m][c] - inst.consumes[j][modes[j]][c])
                    for c in range(len(inst.limits))
                    if c != b
                )
                score = (cost + worse) / saved
                if best is None or score < best[0]:
                    best = (score, j, m)
        if best is None:
            return None
        modes[best[1]] = best[2]
    return None


def solve_study(problem: Problem, options: StudyOptions | None = None) -> dict[str, Any]:
    opts = options or StudyOptions()
    began = time.monotonic()
    inst = to_instance(problem)
    n = inst.n
    lb = max(inst.critical_path, inst.energy_bound) if opts.lower_bound else 0

    hint_starts = hint_modes = None
    ub = inst.horizon
    schedules = 0
    has_staff = any(inst.staff)
    if opts.hint and not has_staff:
        hint_modes = _pick_modes(inst)
        if hint_modes is not None:
            budget = min(opts.heuristic_max, opts.heuristic_share * opts.time_limit)
            hint_starts, span, schedules = best_schedule(
                inst,
                hint_modes,
                budget=budget if opts.heuristic_schedules is None else 1e9,
                seed=opts.seed,
                target=lb,
                max_schedules=opts.heuristic_schedules,
            )
            ub = min(ub, span)
    if hint_starts is not None and ub <= lb and inst.single_mode:
        return _result(inst, "OPTIMAL", ub, ub, hint_starts, hint_modes, began, schedules, ub)

    model = cp_model.CpModel()
    horizon = ub if opts.tighten else inst.horizon
    heads, tails = (inst.heads, inst.tails) if opts.tighten else ([0] * n, [0] * n)
    if opts.energy_heads and inst.single_mode:
        heads, tails = _energy_heads_tails(inst, heads, tails)
        lb = max(lb, max(h + t for h, t in zip(heads, tails, strict=True)))
        if hint_starts is not None and ub <= lb:
            return _result(inst, "OPTIMAL", ub, ub, hint_starts, hint_modes, began, schedules, ub)
    starts, ends, intervals, lits = [], [], [], []
    dem_exprs: list[list[Any]] = []
    for j in range(n):
        durs = inst.durations[j]
        s = model.new_int_var(heads[j], horizon - tails[j], f"task[{inst.ids[j]}].start")
        e = model.new_int_var(heads[j] + min(durs), horizon, f"task[{inst.ids[j]}].end")
        if len(durs) == 1:
            lit = [1]
            iv = model.new_interval_var(s, durs[0], e, f"task[{inst.ids[j]}]")
            dem_exprs.append(list(inst.demands[j][0]))
        else:
            lit = [model.new_bool_var(f"task[{inst.ids[j]}].mode[{m}]") for m in range(len(durs))]
            model.add_exactly_one(lit)
            d = model.new_int_var_from_domain(
                cp_model.Domain.from_values(durs), f"task[{inst.ids[j]}].duration"
            )
            model.add(d == sum(durs[m] * lit[m] for m in range(len(durs))))
            iv = model.new_interval_var(s, d, e, f"task[{inst.ids[j]}]")
            row = []
            for r in range(len(inst.capacities)):
                vals = [inst.demands[j][m][r] for m in range(len(durs))]
                if len(set(vals)) == 1:
                    row.append(vals[0])
                else:
                    row.append(sum(vals[m] * lit[m] for m in range(len(durs))))
            dem_exprs.append(row)
        starts.append(s)
        ends.append(e)
        intervals.append(iv)
        lits.append(lit)

    span = model.new_int_var(max(lb, 0), horizon, "makespan")
    for j in range(n):
        for k in inst.succs[j]:
            model.add(ends[j] <= starts[k])
        if not inst.succs[j] or opts.all_ends:
            model.add(ends[j] <= span)

    ms_interval = None
    if opts.interval_makespan:
        size = model.new_int_var(1, horizon + 1, "makespan.rest")
        ms_interval = model.new_interval_var(span, size, horizon + 1, "makespan.interval")
    for r, cap in enumerate(inst.capacities):
        ivs, dms = [], []
        for j in range(n):
            dem = dem_exprs[j][r]
            if isinstance(dem, int) and dem == 0:
                continue
            ivs.append(intervals[j])
            dms.append(dem)
        if ms_interval is not None:
            ivs.append(ms_interval)
            dms.append(cap)
        if ivs:
            model.add_cumulative(ivs, dms, cap)
    for b, limit in enumerate(inst.limits):
        model.add(
            sum(
                inst.consumes[j][m][b] * lits[j][m]
                for j in range(n)
                for m in range(len(inst.durations[j]))
                if inst.consumes[j][m][b]
            )
            <= limit
        )
    if opts.cliques and inst.single_mode:
        _add_cliques(model, inst, intervals)
    who = _add_staff(model, inst, starts, ends) if has_staff else None
    if opts.energetic_pairs:
        _add_energetic_pairs(model, inst, starts, ends, lits)
    model.minimize(span)
    if opts.strategy:
        model.add_decision_strategy(starts, cp_model.CHOOSE_LOWEST_MIN, cp_model.SELECT_MIN_VALUE)

    if hint_starts is not None and hint_modes is not None:
        for j in range(n):
            model.add_hint(starts[j], hint_starts[j])
            if len(lits[j]) > 1:
                for m, lit in enumerate(lits[j]):
                    model.add_hint(lit, m == hint_modes[j])
        model.add_hint(span, makespan(inst, hint_modes, hint_starts))

    hub = ub if hint_starts is not None else None
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.num_workers = opts.workers
    prm.random_seed = opts.seed
    prm.max_time_in_seconds = max(0.01, opts.time_limit - (time.monotonic() - began))
    if opts.dtime is not None:
        prm.max_deterministic_time = opts.dtime
        prm.max_time_in_seconds = 20 * opts.time_limit
    prm.log_search_progress = opts.log
    if opts.push_toward_start:
        prm.push_all_tasks_toward_start = True
    for key, value in opts.params.items():
        if isinstance(value, list):
            getattr(prm, key).extend(value)
        else:
            setattr(prm, key, value)
    status = solver.solve(model)
    name = solver.status_name(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        st = [solver.value(s) for s in starts]
        md = [
            next(m for m, lit in enumerate(lits[j]) if solver.boolean_value(lit)) for j in range(n)
        ]
        value = int(solver.objective_value)
        if hint_starts is not None and hint_modes is not None and value > ub:
            st, md, value = hint_starts, hint_modes, ub
        dtime_used = solver.response_proto.deterministic_time
        res = _result(
            inst, name, value, int(solver.best_objective_bound), st, md, began, schedules, hub
        )
        res["dtime"] = round(dtime_used, 3)
        if who is not None:
            res["people"] = {inst.ids[j]: [] for j in range(n)}
            for (j, p), lit in who.items():
                if solver.boolean_value(lit):
                    res["people"][inst.ids[j]].append(inst.people[p])
        return res
    if hint_starts is not None and hint_modes is not None:
        return _result(inst, "FEASIBLE", ub, lb, hint_starts, hint_modes, began, schedules, ub)
    return _result(inst, name, None, int(solver.best_objective_bound), None, None, began, schedules)


def _energy_heads_tails(inst: Instance, heads, tails) -> tuple[list[int], list[int]]:
    """A task starts after all its predecessors' work fits in each resource's capacity,
    and the work of all its successors needs that long after it ends."""
    before: list[set[int]] = [set() for _ in range(inst.n)]
    for j in range(inst.n):
        for k in inst.closure[j]:
            before[k].add(j)
    h, t = list(heads), list(tails)
    for j in range(inst.n):
        dur = inst.durations[j][0]
        for r, cap in enumerate(inst.capacities):
            e_before = sum(inst.durations[i][0] * inst.demands[i][0][r] for i in before[j])
            e_after = sum(inst.durations[k][0] * inst.demands[k][0][r] for k in inst.closure[j])
            h[j] = max(h[j], -(-e_before // cap))
            t[j] = max(t[j], dur + -(-e_after // cap))
    return h, t


def _add_cliques(model, inst: Instance, intervals) -> None:
    """No-overlap over greedy cliques of the 'never together' graph: two tasks are
    incompatible when their demands exceed a capacity together or one precedes the other."""
    n = inst.n
    clash = [set() for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if (
                j in inst.closure[i]
                or i in inst.closure[j]
                or any(
                    inst.demands[i][0][r] + inst.demands[j][0][r] > cap
                    for r, cap in enumerate(inst.capacities)
                )
            ):
                clash[i].add(j)
                clash[j].add(i)
    covered: set[tuple[int, int]] = set()
    for seed in sorted(range(n), key=lambda v: -len(clash[v])):
        clique = [seed]
        for v in sorted(clash[seed], key=lambda v: -len(clash[v])):
            if all(v in clash[u] for u in clique):
                clique.append(v)
        pairs = {(min(a, b), max(a, b)) for a in clique for b in clique if a != b}
        real = [j for j in clique if inst.durations[j][0] > 0]
        if len(real) >= 3 and not pairs <= covered:
            # Pairs linked only by precedence are already ordered; keep cliques with a
            # resource conflict in them.
            model.add_no_overlap([intervals[j] for j in real])
            covered |= pairs


def _add_staff(model, inst: Instance, starts, ends) -> dict[tuple[int, int], Any]:
    """Each staff need takes ``count`` of its eligible people; a person does one task at a
    time (an optional interval per task and eligible person, a no-overlap per person)."""
    who: dict[tuple[int, int], Any] = {}
    per_person: dict[int, list[Any]] = {}
    for j, needs in enumerate(inst.staff):
        dur = inst.durations[j]
        for count, eligible in needs:
            lits = []
            for p in eligible:
                if (j, p) in who:
                    continue
                lit = model.new_bool_var(f"task[{inst.ids[j]}].person[{inst.people[p]}]")
                who[j, p] = lit
                lits.append(lit)
                if len(dur) == 1:
                    iv = model.new_optional_interval_var(
                        starts[j], dur[0], ends[j], lit, f"task[{inst.ids[j]}]@{inst.people[p]}"
                    )
                    per_person.setdefault(p, []).append(iv)
            model.add(sum(lits) == count)
    for ivs in per_person.values():
        model.add_no_overlap(ivs)
    return who


def _add_energetic_pairs(model, inst: Instance, starts, ends, lits) -> None:
    """For pairs (a, b), b a transitive successor of a reached over parallel branches:
    cap * (start_b - end_a) >= energy of the tasks strictly between them."""
    before: list[set[int]] = [set() for _ in range(inst.n)]
    for j in range(inst.n):
        for k in inst.closure[j]:
            before[k].add(j)
    for a in range(inst.n):
        if len(inst.succs[a]) <= 1:
            continue
        for b in inst.closure[a]:
            if len(inst.preds[b]) <= 1:
                continue
            common = inst.closure[a] & before[b]
            if len(common) <= 1:
                continue
            for r, cap in enumerate(inst.capacities):
                energy = sum(
                    inst.durations[t][m] * inst.demands[t][m][r] * lits[t][m]
                    for t in common
                    for m in range(len(inst.durations[t]))
                    if inst.demands[t][m][r]
                )
                if isinstance(energy, int) and energy == 0:
                    continue
                model.add(cap * (starts[b] - ends[a]) >= energy)


def _result(inst, status, value, bound, starts, modes, began, schedules, hint=None):
    return {
        "hint_makespan": hint,
        "status": status,
        "makespan": value,
        "bound": bound,
        "starts": None if starts is None else dict(zip(inst.ids, starts, strict=True)),
        "modes": None if modes is None else dict(zip(inst.ids, modes, strict=True)),
        "seconds": round(time.monotonic() - began, 3),
        "schedules": schedules,
    }
