"""Standard scheduling benchmarks through the production solver: PSPLIB, MMLIB, iMOPSE.

The same ``solver.solve`` that plans a platform runs each instance; every plan goes through
the validator, and each result carries the start of every task so anyone can re-check it.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labops.errors import InputError

if TYPE_CHECKING:
    from solver.problem import Problem
    from solver.readers import BestKnown

SUFFIX = {"psplib": ".sm", "mmlib": ".mm", "imopse": ".def"}
BEST_KNOWN = "best_known.csv"


@dataclass(frozen=True)
class InstanceResult:
    """One instance solved: what ``--json`` writes per line."""

    name: str
    status: str
    makespan: int | None
    bound: float | None
    seconds: float
    starts: dict[str, int]
    modes: dict[str, int]
    violations: list[str] = field(default_factory=list)
    best_known: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "makespan": self.makespan,
            "bound": self.bound,
            "status": self.status,
            "seconds": self.seconds,
            "best_known": self.best_known,
            "violations": self.violations,
            "starts": self.starts,
            "modes": self.modes,
        }


@dataclass(frozen=True)
class Summary:
    instances: int
    with_plan: int
    optimal: int
    compared: int  # instances with a best-known makespan and a plan
    at_best_known: int
    mean_deviation: float | None  # % above the best known, over ``compared``
    invalid: int  # plans the validator rejected
    seconds: float

    def line(self) -> str:
        parts = [
            f"{self.instances} instances",
            f"{self.with_plan} with a plan",
            f"{self.optimal} proved optimal",
        ]
        if self.compared:
            parts.append(f"{self.at_best_known}/{self.compared} at the best known makespan")
            parts.append(f"mean deviation {self.mean_deviation:.3f}%")
        parts.append(f"{self.invalid} invalid")
        parts.append(f"{self.seconds:.1f} s")
        return ", ".join(parts)


def instance_files(kind: str, paths: Iterable[str | Path]) -> list[Path]:
    """The instance files named by ``paths`` (a folder stands for its files of the kind),
    in natural order; a missing path or one of another format is refused."""
    suffix = SUFFIX[kind]
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob(f"*{suffix}"), key=natural_order)
            if not found:
                raise InputError(f"{path}: no {suffix} files in this folder")
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() != suffix:
                raise InputError(f"{path}: not a {kind} instance (expected a {suffix} file)")
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not files:
        raise InputError("no instance files given")
    return files


def find_best_known(files: list[Path]) -> Path | None:
    """A ``best_known.csv`` beside the first instance or up to two folders above it."""
    folder = files[0].resolve().parent
    for candidate in (folder, *list(folder.parents)[:2]):
        if (candidate / BEST_KNOWN).is_file():
            return candidate / BEST_KNOWN
    return None


def load_table(path: Path | None) -> dict[str, BestKnown]:
    from solver.readers import ReaderError, load_best_known

    if path is None:
        return {}
    try:
        return load_best_known(path)
    except ReaderError as exc:
        raise InputError(str(exc)) from None


def read_instance(kind: str, path: Path) -> Problem:
    from solver.readers import ReaderError, read_imopse_def, read_mm, read_psplib_sm

    reader = {"psplib": read_psplib_sm, "mmlib": read_mm, "imopse": read_imopse_def}[kind]
    try:
        return reader(path)
    except ReaderError as exc:
        raise InputError(str(exc)) from None


def solve_instance(
    problem: Problem, *, time_limit: float, workers: int, **options: Any
) -> InstanceResult:
    """Solve one instance with the production solver and check the plan; ``options`` are
    more ``SolveOptions`` (seed, params, ...)."""
    from solver.solve import SolveOptions, solve
    from solver.validate import validate

    began = time.monotonic()
    plan = solve(problem, SolveOptions(time_limit=time_limit, workers=workers, **options))
    seconds = round(time.monotonic() - began, 3)
    found = plan.has_solution and bool(plan.assignments)
    makespan = None
    if found:
        makespan = max(
            a.start + problem.task[a.task].modes[a.mode].duration for a in plan.assignments.values()
        )
    return InstanceResult(
        name=problem.name,
        status=plan.status,
        makespan=makespan,
        bound=plan.bound,
        seconds=seconds,
        starts={a.task: a.start for a in plan.assignments.values()},
        modes={a.task: a.mode for a in plan.assignments.values()},
        violations=[str(v) for v in validate(problem, plan)] if found else [],
    )


def run_bench(
    kind: str,
    files: list[Path],
    *,
    time_limit: float,
    workers: int,
    best_known: dict[str, BestKnown],
    on_result: Callable[[InstanceResult], None] | None = None,
    on_start: Callable[[Path], None] | None = None,
) -> list[InstanceResult]:
    """Each instance in turn (one at a time: the solver has the cores to itself)."""
    from solver.genetic import warm

    warm()  # the heuristic's kernels compile before the first instance's clock starts
    results = []
    for path in files:
        if on_start is not None:
            on_start(path)
        problem = read_instance(kind, path)
        result = solve_instance(problem, time_limit=time_limit, workers=workers)
        known = best_known.get(path.stem) or best_known.get(problem.name)
        if known is not None:
            result = replace(result, best_known=known.makespan)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def summarise(results: list[InstanceResult]) -> Summary:
    solved = [r for r in results if r.makespan is not None]
    compared = [
        (r.makespan, r.best_known) for r in solved if r.makespan is not None and r.best_known
    ]
    deviations = [100.0 * (made - best) / best for made, best in compared]
    return Summary(
        instances=len(results),
        with_plan=len(solved),
        optimal=sum(r.status == "optimal" for r in results),
        compared=len(compared),
        at_best_known=sum(made <= best for made, best in compared),
        mean_deviation=statistics.fmean(deviations) if deviations else None,
        invalid=sum(bool(r.violations) for r in results),
        seconds=sum(r.seconds for r in results),
    )


def natural_order(path: Path) -> tuple:
    """Sort key putting j301_2 before j301_10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path.stem))
