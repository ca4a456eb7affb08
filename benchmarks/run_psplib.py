"""PSPLIB single-mode RCPSP benchmark (j30/j60/j120).

.venv/bin/python -m benchmarks.run_psplib j30 --time-limit 1 --out benchmarks/results/x.jsonl
.venv/bin/python -m benchmarks.run_psplib j120 --every 20 --time-limit 10 --opt hint=false
"""

from __future__ import annotations

import argparse

from solver.readers import read_psplib_sm

from .check import check_psplib_schedule
from .harness import DATA, common_args, make_solver, run, select


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=("j30", "j60", "j90", "j120"))
    common_args(parser)
    args = parser.parse_args(argv)
    files = select(list((DATA / "psplib" / args.set).glob("*.sm")), args)
    run(
        files,
        read_psplib_sm,
        make_solver(args),
        args,
        best_known_csv=DATA / "psplib" / "best_known.csv",
        check=lambda path, r: check_psplib_schedule(path, r["starts"], r["modes"], r["makespan"]),
    )


if __name__ == "__main__":
    main()
