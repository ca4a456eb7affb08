"""Lab-platform benchmark: the production solver on generated lab problems or the demo.

    .venv/bin/python -m benchmarks.run_lab --seeds 0 1 2 --time-limit 60 --out x.jsonl
    .venv/bin/python -m benchmarks.run_lab --demo 2026-11-25T07:00:00+00:00 --time-limit 20

Per instance (JSON line): when the first plan was reported and whether it is valid; the
priority-weighted scheduled requests at the end (``scheduled``) and CP-SAT's proven bound
on that level (``bound``: the level's bound when CP-SAT finished it, else the priority of
every request that can fit at all); ``gap`` = (bound - scheduled) / bound; the
first-come-first-served baseline (``solver.sgs.first_come_first_served``) and ``ratio`` =
scheduled / baseline; the other levels; requests left out and how many only for lack of
time; the validator's verdict; the CPU share we got (process CPU / (wall x workers)) and
the load average. One instance at a time, in this process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from solver.explain import TIME_LIMIT, precheck
from solver.facts import Facts
from solver.problem import Problem
from solver.sgs import first_come_first_served
from solver.solve import Progress, SolveOptions, solve
from solver.validate import validate

from .lab_generator import generate_lab
from .lab_shifts import with_shift_runs


def demo_problem(now: dt.datetime) -> Problem:
    """The demo platform's plan problem at ``now``: loaded into a scratch database,
    requests approved, as ``labops demo`` builds it before solving."""
    from labops.db import Database
    from labops.planning.build import build_snapshot
    from labops.platform import demo

    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(str(Path(folder) / "demo.db"))
        try:
            demo.load_demo(db, actor=None, now=now)
            operator = demo.demo_operator(db)
            demo.approve_submitted(db, actor=operator, now=now)
            with db.read() as session:
                return build_snapshot(session, now=now).problem
        finally:
            db.engine.dispose()


def measure(problem: Problem, time_limit: float, workers: int, seed: int = 0) -> dict[str, Any]:
    facts = Facts(problem)
    never = precheck(problem, facts)
    fitting = sum(r.priority for r in problem.requests if r.id not in never)
    baseline = first_come_first_served(problem, facts).breakdown["priority"]
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
    cp_sat = next((r for r in reports if r.level != "constructive"), None)
    # Every standing counts (the demo has scheduled requests of its own); CP-SAT's bound is
    # on the new requests' level, so the others' priority is added to it.
    scheduled = plan.breakdown.get("priority", 0)
    others = scheduled - plan.breakdown.get("scheduled", 0)
    bound = min(plan.level_bounds.get("scheduled", fitting) + others, fitting)
    reasons = [rs[0].rule for r, rs in plan.unplaced.items() if rs]
    return {
        "tasks": len(problem.tasks),
        "requests": len(problem.requests),
        "status": plan.status,
        "first_plan_s": round(first.elapsed, 2) if first else None,
        "first_plan_valid": first_valid,
        "first_cp_sat_s": round(cp_sat.elapsed, 2) if cp_sat else None,
        "constructive": max(
            (r.plan.breakdown["priority"] for r in reports if r.plan is not None), default=None
        ),
        "scheduled": scheduled,
        "bound": bound,
        "fitting": fitting,
        "gap": round((bound - scheduled) / bound, 4) if bound else 0.0,
        "fcfs": baseline,
        "ratio": round(scheduled / baseline, 3) if baseline else None,
        "breakdown": plan.breakdown,
        "level_bounds": plan.level_bounds,
        "left_out": len(plan.unplaced),
        "left_out_time_limit": reasons.count(TIME_LIMIT),
        "violations": len(validate(problem, plan)),
        "seconds": round(wall, 2),
        "cpu_share": round(cpu_share, 3),
        "load": round(os.getloadavg()[0], 2),
    }


def summary(rows: list[dict[str, Any]]) -> str:
    mean = statistics.fmean
    return (
        f"instances {len(rows)}: first plan {max(r['first_plan_s'] or 99 for r in rows):.2f}s "
        f"at worst (all valid: {all(r['first_plan_valid'] for r in rows)}), "
        f"mean gap {100 * mean(r['gap'] for r in rows):.2f}% "
        f"(worst {100 * max(r['gap'] for r in rows):.2f}%), "
        f"mean ratio to FCFS {mean(r['ratio'] or 0 for r in rows):.3f}, "
        f"violations {sum(r['violations'] for r in rows)}, "
        f"cpu share {mean(r['cpu_share'] for r in rows):.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--load", type=float, default=1.0, help="equipment demand scale")
    parser.add_argument(
        "--shifts", type=int, default=0, help="add this many 48-72 h runs in shifts"
    )
    parser.add_argument(
        "--demo",
        nargs="*",
        default=None,
        metavar="NOW",
        help="solve the demo at these instants (ISO 8601 with offset)",
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.demo is not None:
        cases = [
            (f"demo@{now}", lambda now=now: demo_problem(dt.datetime.fromisoformat(now)))
            for now in args.demo
        ]
    else:
        cases = [
            (
                (f"lab-{seed}" if args.load == 1 else f"lab-{seed}-load{args.load:g}")
                + (f"-shifts{args.shifts}" if args.shifts else ""),
                lambda seed=seed: with_shift_runs(
                    generate_lab(
                        seed,
                        tasks=args.tasks,
                        units=args.units,
                        people=args.people,
                        weeks=args.weeks,
                        load=args.load,
                    ),
                    runs=args.shifts,
                    seed=seed,
                ),
            )
            for seed in args.seeds
        ]
    rows = []
    out = open(args.out, "w") if args.out else None  # noqa: SIM115
    try:
        for name, make in cases:
            row = {"name": name, "time_limit": args.time_limit, "workers": args.workers}
            row["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            row.update(measure(make(), args.time_limit, args.workers))
            rows.append(row)
            if out:
                out.write(json.dumps(row) + "\n")
                out.flush()
            print(
                f"{name}: first plan {row['first_plan_s']}s valid={row['first_plan_valid']}, "
                f"CP-SAT from {row['first_cp_sat_s']}s, constructive {row['constructive']}, "
                f"scheduled {row['scheduled']}/{row['bound']} (gap {100 * row['gap']:.2f}%), "
                f"FCFS {row['fcfs']} (x{row['ratio']}), left out {row['left_out']} "
                f"({row['left_out_time_limit']} time_limit), violations {row['violations']}, "
                f"{row['seconds']}s, cpu {row['cpu_share']}",
                flush=True,
            )
    finally:
        if out:
            out.close()
    print(summary(rows))


if __name__ == "__main__":
    main()
