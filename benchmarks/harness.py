"""Run a solve function over benchmark instances; write JSON lines; summarise.

The solve function is pluggable (``--model study`` or ``--model production``). One
instance at a time, in this process: never run two benchmark processes at once on a
2-core machine. Each JSON line has: name, makespan, bound, status, seconds, starts (task
id = original job number -> start), modes, best_known, feasible (the independent re-check)
and violations.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from labops.bench import natural_order
from solver.problem import Problem
from solver.readers import load_best_known

from .study.instance import to_instance
from .study.lns import solve_lns
from .study.rcpsp_model import StudyOptions, solve_study

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
if not DATA.exists():  # the CI layout: shared/ beside the clone
    DATA = Path("/work/shared/benchmarks")

SolveFn = Callable[[Problem, float, int], dict[str, Any]]


def study_solver(extra: dict[str, Any]) -> SolveFn:
    """The study model; an ``lns`` key (a dict of solve_lns keywords) adds the LNS stage."""
    extra = dict(extra)
    lns = extra.pop("lns", None)

    def run(problem: Problem, time_limit: float, workers: int) -> dict[str, Any]:
        options = StudyOptions(time_limit=time_limit, workers=workers, **extra)
        if lns is not None:
            return solve_lns(problem, options, **lns)
        return solve_study(problem, options)

    return run


def production_solver(extra: dict[str, Any]) -> SolveFn:
    """The production solver, as `labops bench` runs it; ``extra`` are more SolveOptions,
    except keys naming a module constant (``solver.construct.RCPSP_SHARE=0.8``), which are
    set for the run (experiments)."""
    import importlib

    from labops.bench import solve_instance
    from solver.genetic import warm

    warm()  # compile before the first instance's clock starts
    for key in [k for k in extra if k.startswith("solver.")]:
        module, _, name = key.rpartition(".")
        target = importlib.import_module(module)
        if not hasattr(target, name):
            raise SystemExit(f"--opt {key}: {module} has no {name}")
        setattr(target, name, extra.pop(key))

    def run(problem: Problem, time_limit: float, workers: int) -> dict[str, Any]:
        result = solve_instance(problem, time_limit=time_limit, workers=workers, **extra)
        row = result.as_json()
        del row["name"], row["best_known"]  # the harness adds its own
        row["status"] = result.status.upper()
        row["validator"] = row.pop("violations")
        return row

    return run


def parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time-limit", type=float, default=1.0, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", choices=("study", "production"), default="study")
    parser.add_argument("--every", type=int, default=1, help="take every k-th instance")
    parser.add_argument("--offset", type=int, default=0, help="... starting at this one")
    parser.add_argument("--only", nargs="*", default=None, help="instance names")
    parser.add_argument("--out", type=Path, default=None, help="JSON lines output")
    parser.add_argument(
        "--opt",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="study option (e.g. hint=false); CP-SAT parameters as params={...}",
    )


def make_solver(args: argparse.Namespace) -> SolveFn:
    extra = {}
    for item in args.opt:
        key, _, value = item.partition("=")
        extra[key] = parse_value(value)
    return study_solver(extra) if args.model == "study" else production_solver(extra)


def select(files: list[Path], args: argparse.Namespace) -> list[Path]:
    files = sorted(files, key=natural_order)
    if args.only:
        wanted = set(args.only)
        return [f for f in files if f.stem in wanted]
    return files[args.offset :: args.every]


def run(
    files: list[Path],
    reader: Callable[[Path], Problem],
    solve: SolveFn,
    args: argparse.Namespace,
    *,
    best_known_csv: Path | None,
    check: Callable[[Path, dict[str, Any]], list[str]] | None,
) -> list[dict[str, Any]]:
    best = load_best_known(best_known_csv) if best_known_csv else {}
    rows = []
    out = open(args.out, "w") if args.out else None  # noqa: SIM115
    try:
        for path in files:
            problem = reader(path)
            cpu0, wall0 = time.process_time(), time.monotonic()
            result = solve(problem, args.time_limit, args.workers)
            wall = max(1e-6, time.monotonic() - wall0)
            row = {"name": path.stem, **result}
            # Contention: the share of our 2 cores we actually got, and the load average.
            row["cpu_share"] = round((time.process_time() - cpu0) / (wall * args.workers), 3)
            row["load"] = round(os.getloadavg()[0], 2)
            bk = best.get(path.stem)
            row["best_known"] = bk.makespan if bk else None
            row["critical_path"] = to_instance(problem).critical_path
            if check is not None and result.get("starts"):
                row["violations"] = check(path, result)
                row["feasible"] = not row["violations"]
            rows.append(row)
            if out:
                out.write(json.dumps(row) + "\n")
                out.flush()
            mark = "" if row.get("feasible", True) else "  INFEASIBLE"
            print(
                f"{row['name']:>14} {row['status']:>10} ms={row['makespan']} "
                f"lb={row['bound']} bk={row['best_known']} {row['seconds']:.2f}s{mark}",
                flush=True,
            )
    finally:
        if out:
            out.close()
    print(summary(rows))
    return rows


def summary(rows: list[dict[str, Any]]) -> str:
    solved = [r for r in rows if r.get("makespan") is not None]
    with_bk = [r for r in solved if r.get("best_known")]
    at_bk = sum(r["makespan"] <= r["best_known"] for r in with_bk)
    dev = [100.0 * (r["makespan"] - r["best_known"]) / r["best_known"] for r in with_bk]
    cpm = [
        100.0 * (r["makespan"] - r["critical_path"]) / r["critical_path"]
        for r in solved
        if r.get("critical_path")
    ]
    optimal = sum(r["status"] == "OPTIMAL" for r in rows)
    infeasible = sum(r.get("feasible") is False for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    shares = [r["cpu_share"] for r in rows if r.get("cpu_share") is not None and r["seconds"] > 0.5]
    mean = statistics.fmean
    return (
        f"instances {len(rows)}, with a schedule {len(solved)}, "
        f"at best known {at_bk}/{len(with_bk)}, proved optimal {optimal}, "
        f"mean dev from best known {mean(dev) if dev else float('nan'):.3f}%, "
        f"mean dev from critical path {mean(cpm) if cpm else float('nan'):.2f}%, "
        f"re-check failures {infeasible}, total {seconds:.0f}s, "
        f"cpu share {mean(shares) if shares else float('nan'):.2f}"
    )


def summarize_file(path: Path) -> str:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return summary(rows)


if __name__ == "__main__":  # python -m benchmarks.harness results.jsonl ...
    for name in sys.argv[1:]:
        print(name, summarize_file(Path(name)))
