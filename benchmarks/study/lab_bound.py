"""How far is the lab plan from the best one? Bounds from the busiest pool of units alone.

The solver's bound on the scheduled level of a generated lab platform is the priority of
every request that can fit on its own; CP-SAT does not lower it in a minute. This study
asks whether a relaxation can: keep only the tasks that must use one pool of units (units
that needs share, e.g. both furnaces), with the starts the solver's facts allow (windows,
opening hours, downtime, when someone eligible could work), their modes, setup and cleanup
and the precedence chains between them, and drop everything else (other units, people,
budgets, teams). Any plan of the full problem is a solution of that relaxation, so the
priority of the requests outside the pool plus the relaxation's proven bound bounds the
full problem. The relaxation is time-indexed (one literal per task, unit and start), whose
LP is the strong one for single-machine-like pools.

    .venv/bin/python -m benchmarks.study.lab_bound --seeds 0 1 2 --time-limit 20

Prints per seed and pool: literals, the relaxation's best plan and proven bound, both on the
full problem's scale (outside priority added), against the search-free bound.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from ortools.sat.python import cp_model

from benchmarks.lab_generator import generate_lab
from solver import ranges as R
from solver.explain import precheck
from solver.facts import Facts, TaskFacts
from solver.problem import Problem

POOLS = 3  # the busiest pools tried


def pool_only(facts: TaskFacts, pool: frozenset[str]) -> bool:
    """True when every mode of the task holds a unit of the pool (pools close over needs:
    every candidate of a need naming a pool unit is in the pool)."""
    return bool(facts.modes) and all(
        any(o.unit.id in pool for opts in m.needs for o in opts) for m in facts.modes
    )


def busy_pools(problem: Problem, facts: Facts, fitting: set[str]) -> list[frozenset[str]]:
    """Pools of units (joined when one need names both), by asked share of their capacity
    over the slots their tasks may use, busiest first."""
    pool_of = {u.id: frozenset([u.id]) for u in problem.units}
    for task in problem.tasks:
        for option in facts[task.id].modes:
            for opts in option.needs:
                merged = frozenset().union(*(pool_of[o.unit.id] for o in opts))
                for unit_id in merged:
                    pool_of[unit_id] = merged
    loads = []
    for pool in set(pool_of.values()):
        asked, lo, hi = 0, problem.horizon, 0
        for task in problem.tasks:
            tf = facts[task.id]
            if task.request in fitting and pool_only(tf, pool):
                asked += tf.min_duration
                lo, hi = min(lo, tf.earliest), max(hi, tf.latest + tf.max_duration)
        capacity = sum(problem.unit[u].capacity for u in pool) * max(1, hi - lo)
        loads.append((asked / capacity, sorted(pool)))
    loads.sort(reverse=True)
    return [frozenset(pool) for _, pool in loads[:POOLS]]


def chains(problem: Problem, facts: Facts, request_id: str) -> dict[tuple[str, str], int]:
    """Least start-to-start distance between linked tasks of a request: the longest
    precedence path, each task at its shortest mode, lags included."""
    tasks = facts.in_order(problem.request_tasks[request_id])
    ids = {t.id for t in tasks}
    after: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for prec in problem.precedences:
        if prec.before in ids and prec.after in ids:
            after[prec.before].append((prec.after, prec.lag))
    out = {}
    for first in tasks:
        dist = {first.id: 0}
        for task in tasks:  # topological order
            if task.id in dist:
                for nxt, lag in after[task.id]:
                    reach = dist[task.id] + facts[task.id].min_duration + lag
                    dist[nxt] = max(dist.get(nxt, reach), reach)
        out.update({(first.id, other): d for other, d in dist.items() if other != first.id})
    return out


def pool_relaxation(
    problem: Problem, facts: Facts, fitting: set[str], pool: frozenset[str], seconds: float
) -> dict:
    model = cp_model.CpModel()
    tasks_of: dict[str, list[TaskFacts]] = defaultdict(list)
    for task in problem.tasks:
        if task.request in fitting and pool_only(facts[task.id], pool):
            tasks_of[task.request].append(facts[task.id])
    outside = sum(problem.request[r].priority for r in fitting if r not in tasks_of)
    chosen = {r: model.new_bool_var(r) for r in tasks_of}
    for r in facts.required_requests & chosen.keys():
        model.add(chosen[r] == 1)
    cover: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    literals = 0
    for request_id, tasks in tasks_of.items():
        start_of = {}
        for tf in tasks:
            starts, at = [], []
            for mode in tf.modes:
                # its first need on the pool (dropping any second one keeps a relaxation)
                opts = next(o for o in mode.needs if o[0].unit.id in pool)
                for option in opts:
                    window = R.intersect(
                        R.intersect(option.starts, mode.starts), R.span(tf.earliest, tf.latest)
                    )
                    unit = option.unit
                    for lo, hi in window:
                        for s in range(lo, hi + 1):
                            x = model.new_bool_var("")
                            starts.append(x)
                            at.append(s * x)
                            for slot in range(s - unit.setup, s + mode.duration + unit.cleanup):
                                cover[unit.id, slot].append(x)
            literals += len(starts)
            model.add(sum(starts) == chosen[request_id])
            start_of[tf.task.id] = sum(at)
        for (a, b), distance in chains(problem, facts, request_id).items():
            if a in start_of and b in start_of:
                model.add(start_of[b] >= start_of[a] + distance * chosen[request_id])
    for (unit_id, _), xs in cover.items():
        if len(xs) > problem.unit[unit_id].capacity:
            if problem.unit[unit_id].capacity == 1:
                model.add_at_most_one(xs)
            else:
                model.add(sum(xs) <= problem.unit[unit_id].capacity)
    model.maximize(sum(problem.request[r].priority * lit for r, lit in chosen.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    began = time.monotonic()
    status = solver.solve(model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return {
        "pool": sorted(pool),
        "literals": literals,
        "status": solver.status_name(status),
        "best": outside + int(solver.objective_value) if found else None,
        "bound": outside + int(solver.best_objective_bound + 1e-6) if found else None,
        "seconds": round(time.monotonic() - began, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per pool")
    parser.add_argument("--load", type=float, default=1.0, help="equipment demand scale")
    args = parser.parse_args()
    for seed in args.seeds:
        problem = generate_lab(seed, load=args.load)
        facts = Facts(problem)
        never = precheck(problem, facts)
        fitting = {r.id for r in problem.requests if r.id not in never}
        search_free = sum(problem.request[r].priority for r in fitting)
        print(f"lab seed {seed}: search-free bound {search_free}", flush=True)
        for pool in busy_pools(problem, facts, fitting):
            row = pool_relaxation(problem, facts, fitting, pool, args.time_limit)
            print(f"  {row}", flush=True)


if __name__ == "__main__":
    main()
