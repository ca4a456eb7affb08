"""Run several study variants over the same instances, one after the other, in this process.

    .venv/bin/python -m benchmarks.study.sweep j30 --only j3013_1 ... \\
        --variant base '{}' --variant ims '{"interval_makespan": true}' --time-limit 1

Prints one summary line per variant and writes benchmarks/results/sweep_<set>_<variant>.jsonl.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from solver.readers import read_psplib_sm

from ..check import check_psplib_schedule
from ..harness import DATA, run, select, study_solver

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
    args = parser.parse_args()
    files = select(list((DATA / "psplib" / args.set).glob("*.sm")), args)
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


if __name__ == "__main__":
    main()
