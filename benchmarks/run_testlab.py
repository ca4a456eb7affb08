"""Test-laboratory benchmark: the production solver on generated test-lab problems.

    .venv/bin/python -m benchmarks.run_testlab --sizes 500x100 --seeds 0 1 --time-limit 10
    .venv/bin/python -m benchmarks.run_testlab --time-limit 10 --out benchmarks/results/t.jsonl

Instances come from ``benchmarks.testlab_generator`` (default: every standard size, seed
0). Per instance (JSON line): seconds used against the limit (``over``: seconds past it),
when the first plan was reported, the makespan and status at the end, CP-SAT's proven bound
(``bound``, when a CP-SAT level finished) and the search-free lower bound
(``lower_bound``), the validator's verdict, the CPU share we got (process CPU / (wall x
workers)) and the load average. One instance at a time, in this process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from solver.genetic import warm
from solver.problem import Problem
from solver.solve import Progress, SolveOptions, solve
from solver.validate import validate

from .testlab_generator import SIZES, generate_testlab, lower_bound


def measure(problem: Problem, time_limit: float, workers: int, seed: int = 0) -> dict[str, Any]:
    reports: list[Progress] = []
    cpu0, wall0 = time.process_time(), time.monotonic()
    plan = solve(
        problem,
        SolveOptions(time_limit=time_limit, workers=workers, seed=seed, progress=reports.append),
    )
    wall = max(1e-6, time.monotonic() - wall0)
    cpu_share = (time.process_time() - cpu0) / (wall * workers)
    first = reports[0] if reports else None
    first_valid = first is not None and first.plan is not None and not validate(problem, first.plan)
    constructive = [r for r in reports if r.level == "constructive" and r.plan is not None]
    makespan = plan.breakdown.get("makespan") if plan.assignments else None
    bound = plan.level_bounds.get("makespan")
    lower = lower_bound(problem)
    return {
        "tests": len(problem.tasks),
        "machines": sum(1 for u in problem.units if u.kind == "machine"),
        "status": plan.status,
        "seconds": round(wall, 2),
        "over": round(max(0.0, wall - time_limit), 2),
        "first_plan_s": round(first.elapsed, 2) if first else None,
        "first_plan_valid": first_valid,
        "constructive": (
            min(r.plan.breakdown["makespan"] for r in constructive) if constructive else None
        ),
        "makespan": makespan,
        "bound": round(bound) if bound is not None else None,
        "lower_bound": lower,
        "gap_to_lower": round((makespan - lower) / lower, 4) if makespan else None,
        "placed": len(plan.assignments),
        "violations": len(validate(problem, plan)) if plan.assignments else None,
        "cpu_share": round(cpu_share, 3),
        "load": round(os.getloadavg()[0], 2),
    }


def summary(rows: list[dict[str, Any]]) -> str:
    mean = statistics.fmean
    done = [r for r in rows if r["makespan"] is not None]
    firsts = [r["first_plan_s"] for r in rows if r["first_plan_s"] is not None]
    return (
        f"instances {len(rows)}, with a plan {len(done)}: seconds over the limit "
        f"{max(r['over'] for r in rows):.2f} at worst, first plan "
        f"{max(firsts, default=float('nan')):.2f}s at worst, mean gap to the lower bound "
        f"{100 * mean(r['gap_to_lower'] for r in done) if done else float('nan'):.2f}%, "
        f"violations {sum(r['violations'] or 0 for r in done)}, "
        f"cpu share {mean(r['cpu_share'] for r in rows):.2f}"
    )


def _size(text: str) -> tuple[int, int]:
    tests, _, machines = text.partition("x")
    try:
        return int(tests), int(machines)
    except ValueError:
        raise argparse.ArgumentTypeError(f"size {text!r}: expected TESTSxMACHINES") from None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=_size,
        nargs="*",
        default=list(SIZES),
        metavar="TESTSxMACHINES",
        help="default: every standard size",
    )
    parser.add_argument("--seeds", type=int, nargs="*", default=[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    warm()  # the search's kernels compile before the first instance's clock starts
    rows = []
    out = open(args.out, "w") if args.out else None  # noqa: SIM115
    try:
        for tests, machines in args.sizes:
            for seed in args.seeds:
                problem = generate_testlab(seed, tests=tests, machines=machines)
                row = {"name": problem.name, "time_limit": args.time_limit}
                row["workers"] = args.workers
                row["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                row.update(measure(problem, args.time_limit, args.workers))
                rows.append(row)
                if out:
                    out.write(json.dumps(row) + "\n")
                    out.flush()
                print(
                    f"{row['name']}: {row['status']} {row['seconds']}s (over {row['over']}), "
                    f"first plan {row['first_plan_s']}s valid={row['first_plan_valid']}, "
                    f"constructive {row['constructive']}, makespan {row['makespan']}, "
                    f"bound {row['bound']}, lower bound {row['lower_bound']}, "
                    f"violations {row['violations']}, cpu {row['cpu_share']}, "
                    f"load {row['load']}",
                    flush=True,
                )
    finally:
        if out:
            out.close()
    print(summary(rows))


if __name__ == "__main__":
    main()
