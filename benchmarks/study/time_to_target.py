"""Diagnostic: deterministic time each instance needs to reach its best-known makespan.

    .venv/bin/python -m benchmarks.study.time_to_target j30 j3013_5 j3029_8 --dtime 6 \\
        --opts '{"cliques": true}'

Builds the study model with the given options (hint included) and records, through a
solution callback, the deterministic and wall time of each improving solution; stops at
the best known. Deterministic time is robust to the other processes sharing the machine.
"""

from __future__ import annotations

import argparse
import json

from ortools.sat.python import cp_model

from solver.readers import load_best_known, read_psplib_sm

from ..harness import DATA
from . import rcpsp_model


class _Watch(cp_model.CpSolverSolutionCallback):
    def __init__(self, target: int) -> None:
        super().__init__()
        self.target = target
        self.trace: list[tuple[int, float, float]] = []

    def on_solution_callback(self) -> None:
        try:
            value = int(self.objective_value)
            self.trace.append((value, round(self.deterministic_time, 3), round(self.wall_time, 2)))
            if value <= self.target:
                self.stop_search()
        except Exception:  # never let an exception cross into the solver threads
            pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("set")
    parser.add_argument("names", nargs="+")
    parser.add_argument("--dtime", type=float, default=5.0)
    parser.add_argument("--opts", default="{}")
    args = parser.parse_args()
    best = load_best_known(DATA / "psplib" / "best_known.csv")
    original = cp_model.CpSolver.solve
    for name in args.names:
        problem = read_psplib_sm(DATA / "psplib" / args.set / f"{name}.sm")
        watch = _Watch(best[name].makespan)

        def solve(self, model, callback=None, _watch=watch):
            return original(self, model, _watch)

        cp_model.CpSolver.solve = solve  # type: ignore[method-assign]
        try:
            options = rcpsp_model.StudyOptions(
                time_limit=1.0, dtime=args.dtime, **json.loads(args.opts)
            )
            result = rcpsp_model.solve_study(problem, options)
        finally:
            cp_model.CpSolver.solve = original  # type: ignore[method-assign]
        hit = next((t for t in watch.trace if t[0] <= watch.target), None)
        print(
            f"{name}: bk={watch.target} hint={result.get('hint_makespan')} "
            f"final={result['makespan']} reached_at(dtime,wall)={hit and hit[1:]} "
            f"trace={watch.trace[-4:]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
