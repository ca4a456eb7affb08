"""iMOPSE multi-skill RCPSP benchmark (makespan only; no best-known table is stored).

.venv/bin/python -m benchmarks.run_imopse d36 --time-limit 10
"""

from __future__ import annotations

import argparse

from solver.readers import read_imopse_def

from .check import check_imopse_schedule
from .harness import DATA, common_args, make_solver, run, select


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=("d36", "small"))
    common_args(parser)
    args = parser.parse_args(argv)
    files = select(list((DATA / "imopse" / args.set).glob("*.def")), args)
    run(
        files,
        read_imopse_def,
        make_solver(args),
        args,
        best_known_csv=None,
        check=lambda path, r: check_imopse_schedule(path, r["starts"], r.get("people") or {}),
    )


if __name__ == "__main__":
    main()
