"""A tiny PSPLIB single-mode (.sm) reader for the solver tests (the real reader lives in
solver/readers/, owned elsewhere; the tests must not depend on it)."""

from __future__ import annotations

from pathlib import Path

from solver.problem import Mode, Precedence, Problem, Request, ResourceNeed, Task, Unit

PSPLIB = Path("/work/shared/benchmarks/psplib")


def read_sm(path: Path) -> Problem:
    lines = path.read_text().splitlines()
    horizon = next(int(line.split(":")[1]) for line in lines if line.startswith("horizon"))
    succ_at = next(i for i, line in enumerate(lines) if line.startswith("PRECEDENCE")) + 2
    req_at = next(i for i, line in enumerate(lines) if line.startswith("REQUESTS")) + 3
    cap_at = next(i for i, line in enumerate(lines) if line.startswith("RESOURCEAVAIL")) + 2
    capacities = [int(x) for x in lines[cap_at].split()]
    units = tuple(Unit(id=f"R{k + 1}", capacity=c) for k, c in enumerate(capacities))
    precedences = []
    for line in lines[succ_at:]:
        if line.startswith("*"):
            break
        job, _, _, *succ = (int(x) for x in line.split())
        precedences += [Precedence(before=f"j{job}", after=f"j{s}") for s in succ]
    tasks = []
    for line in lines[req_at:]:
        if line.startswith("*"):
            break
        job, _, duration, *amounts = (int(x) for x in line.split())
        needs = tuple(
            ResourceNeed(candidates=(f"R{k + 1}",), amount=a) for k, a in enumerate(amounts) if a
        )
        tasks.append(
            Task(id=f"j{job}", request="project", modes=(Mode(duration=duration, needs=needs),))
        )
    return Problem(
        horizon=horizon,
        units=units,
        tasks=tuple(tasks),
        requests=(Request(id="project", required=True),),
        precedences=tuple(precedences),
        objective="makespan",
        name=path.stem,
    )
