"""MMLIB multi-mode RCPSP benchmark (MMLIB50/MMLIB100).

.venv/bin/python -m benchmarks.run_mmlib MMLIB50 --every 20 --time-limit 10
"""

from __future__ import annotations

import argparse

from solver.readers import read_mm

from .check import check_psplib_schedule
from .harness import DATA, common_args, make_solver, run, select


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=("MMLIB50", "MMLIB100"))
    common_args(parser)
    args = parser.parse_args(argv)
    files = select(list((DATA / "mmlib" / args.set).glob("*.mm")), args)
    run(
        files,
        read_mm,
        make_solver(args),
        args,
        best_known_csv=DATA / "mmlib" / "best_known.csv",
        check=lambda path, r: check_psplib_schedule(path, r["starts"], r["modes"], r["makespan"]),
    )


if __name__ == "__main__":
    main()
