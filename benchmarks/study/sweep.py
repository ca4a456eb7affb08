"""Run several study variants over the same instances, one after the other, in this process.

    .venv/bin/python -m benchmarks.study.sweep j30 --only j3013_1 ... \\
        --variant base '{}' --variant ims '{"interval_makespan": true}' --time-limit 1

Prints one summary line per variant and writes benchmarks/results/sweep_<set>_<variant>.jsonl.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from solver.readers import load_best_known, read_psplib_sm

from ..check import check_psplib_schedule
from ..harness import DATA, run, select, study_solver
from .instance import to_instance

RESULTS = Path(__file__).resolve().parents[1] / "results"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("set")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--variant", nargs=2, action="append", metavar=("NAME", "JSON"))
    parser.add_argument(
        "--paired",
        action="store_true",
        help="instances outer, variants inner: each instance sees every variant back to "
        "back, so drifting load from other processes hits all variants alike",
    )
    args = parser.parse_args()
    files = select(list((DATA / "psplib" / args.set).glob("*.sm")), args)
    if args.paired:
        paired(files, args)
        return
    lines = []
    for name, options in args.variant:
        args.out = RESULTS / f"sweep_{args.set}_{name}.jsonl"
        rows = run(
            files,
            read_psplib_sm,
            study_solver(json.loads(options)),
            args,
            best_known_csv=DATA / "psplib" / "best_known.csv",
            check=lambda p, r: check_psplib_schedule(p, r["starts"], r["modes"], r["makespan"]),
        )
        from ..harness import summary

        lines.append(f"{name:>14}: {summary(rows)}")
        print("\n".join(lines), flush=True)


def paired(files: list[Path], args: argparse.Namespace) -> None:
    from ..harness import summary

    solvers = {name: study_solver(json.loads(opts)) for name, opts in args.variant}
    rows: dict[str, list[dict]] = {name: [] for name in solvers}
    outs = {name: open(RESULTS / f"paired_{args.set}_{name}.jsonl", "w") for name in solvers}  # noqa: SIM115
    best = load_best_known(DATA / "psplib" / "best_known.csv")
    try:
        for path in files:
            problem = read_psplib_sm(path)
            cp = to_instance(problem).critical_path
            for name, solve in solvers.items():
                cpu0, wall0 = time.process_time(), time.monotonic()
                result = solve(problem, args.time_limit, args.workers)
                wall = max(1e-6, time.monotonic() - wall0)
                row = {"name": path.stem, **result, "best_known": best[path.stem].makespan}
                row["critical_path"] = cp
                row["cpu_share"] = round((time.process_time() - cpu0) / (wall * args.workers), 3)
                row["violations"] = check_psplib_schedule(
                    path, result["starts"], result["modes"], result["makespan"]
                )
                row["feasible"] = not row["violations"]
                rows[name].append(row)
                outs[name].write(json.dumps(row) + "\n")
                outs[name].flush()
            print(
                path.stem,
                " ".join(f"{n}={rows[n][-1]['makespan']}" for n in solvers),
                f"bk={best[path.stem].makespan}",
                flush=True,
            )
    finally:
        for out in outs.values():
            out.close()
    for name in solvers:
        print(f"{name:>14}: {summary(rows[name])}", flush=True)


if __name__ == "__main__":
    main()
