"""Readers of PSPLIB ``.sm`` (single-mode RCPSP) and PSPLIB/MMLIB ``.mm`` (multi-mode) files.

Mapping into :class:`solver.problem.Problem` (objective "makespan"):

- job ``j`` becomes the task with id ``str(j)`` (the original job number), so task start
  times in a result map straight back to job numbers;
- the dummy source (job 1) and sink (last job) are **dropped** when they have zero duration
  and no demand in every mode (always so in PSPLIB and MMLIB); their precedences are implied
  (starts are >= 0, the makespan is the latest end). Any other job is kept, even with
  duration 0;
- renewable resource ``Rk`` becomes the unit ``"Rk"`` with that capacity; a demand ``d > 0``
  becomes ``ResourceNeed(candidates=("Rk",), amount=d)``;
- non-renewable resource ``Nk`` becomes the budget ``"Nk"`` with that limit; a demand
  ``d > 0`` becomes ``Mode.consumes["Nk"] = d`` (.mm only);
- successor lists become finish-to-start precedences with lag 0;
- all tasks go into one required request named after the file;
- the horizon is the file's horizon when it states one, else the sum over jobs of the
  longest mode duration (always a feasible bound with no non-renewables binding).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from solver.problem import (
    Budget,
    Mode,
    Precedence,
    Problem,
    ProblemError,
    Request,
    ResourceNeed,
    Task,
    Unit,
)

from ._lines import Lines, ReaderError, is_rule


@dataclass
class _Job:
    n_modes: int
    successors: list[int]
    modes: list[tuple[int, list[int]]]  # (duration, demand per resource column)
    line: int


@dataclass
class _Raw:
    name: str
    horizon: int | None
    renewable: int
    nonrenewable: int
    jobs: dict[int, _Job]
    capacities: list[int]


def _count_after_colon(lines: Lines, index: int) -> int:
    text = lines.lines[index]
    if ":" not in text:
        raise lines.error(index, "expected 'name : number'")
    words = text.split(":", 1)[1].split()
    if not words:
        raise lines.error(index, "missing number after ':'")
    return lines.ints(index, words[:1])[0]


def _parse(path: str | Path) -> _Raw:
    lines = Lines(path)
    text = lines.lines
    horizon = None
    for index, line in enumerate(text):
        if line.strip().lower().startswith("horizon"):
            horizon = _count_after_colon(lines, index)
            break
    res = lines.find(0, "RESOURCES")
    counts = {}
    for index in range(res + 1, min(res + 4, len(text))):
        line = text[index].lower()
        for kind in ("renewable", "nonrenewable", "doubly constrained"):
            if line.lstrip(" -\t").startswith(kind):
                counts[kind] = _count_after_colon(lines, index)
    if "renewable" not in counts:
        raise lines.error(res, "no count of renewable resources after RESOURCES")
    if counts.get("doubly constrained", 0):
        raise lines.error(res, "doubly constrained resources are not supported")
    renewable, nonrenewable = counts["renewable"], counts.get("nonrenewable", 0)
    columns = renewable + nonrenewable

    jobs: dict[int, _Job] = {}
    prec = lines.find(0, "PRECEDENCE RELATIONS")
    index = prec + 2  # skip the column header
    while index < len(text) and not is_rule(text[index]):
        if text[index].strip():
            values = lines.ints(index)
            if len(values) < 3 or len(values) != 3 + values[2]:
                raise lines.error(index, "expected job, #modes, #successors, then the successors")
            number, n_modes, _, *successors = values
            if number in jobs:
                raise lines.error(index, f"job {number} listed twice")
            if n_modes < 1:
                raise lines.error(index, f"job {number} has no mode")
            jobs[number] = _Job(n_modes=n_modes, successors=successors, modes=[], line=index)
        index += 1
    if not jobs:
        raise lines.error(prec, "no jobs in PRECEDENCE RELATIONS")

    req = lines.find(index, "REQUESTS/DURATIONS")
    index = req + 1
    while index < len(text) and (not text[index].strip() or not text[index].strip()[0].isdigit()):
        index += 1  # the column header and the dashed rule
    current = None
    while index < len(text) and not is_rule(text[index]):
        if text[index].strip():
            values = lines.ints(index)
            if len(values) == 3 + columns:
                current, mode, *rest = values
            elif len(values) == 2 + columns and current is not None:
                mode, *rest = values
            else:
                raise lines.error(
                    index, f"expected [job] mode duration and {columns} resource demands"
                )
            if current not in jobs:
                raise lines.error(index, f"job {current} is not in PRECEDENCE RELATIONS")
            job = jobs[current]
            if mode != len(job.modes) + 1:
                raise lines.error(
                    index,
                    f"job {current}: expected mode {len(job.modes) + 1} "
                    f"(or a job line of {3 + columns} numbers)",
                )
            duration, demands = rest[0], rest[1:]
            if duration < 0 or min(demands, default=0) < 0:
                raise lines.error(index, f"job {current}: negative duration or demand")
            job.modes.append((duration, demands))
        index += 1

    avail = lines.find(index, "RESOURCEAVAILABILITIES", "RESOURCE AVAILABILITIES")
    index = avail + 1
    capacities = None
    while index < len(text) and not is_rule(text[index]):
        words = text[index].split()
        if words and all(word.lstrip("-").isdigit() for word in words):
            capacities = lines.ints(index)
            if len(capacities) != columns:
                raise lines.error(index, f"expected {columns} resource availabilities")
            break
        index += 1
    if capacities is None:
        raise lines.error(avail, "no resource availabilities")

    for number, job in jobs.items():
        if len(job.modes) != job.n_modes:
            raise lines.error(job.line, f"job {number}: {len(job.modes)} modes listed")
        for successor in job.successors:
            if successor not in jobs:
                raise lines.error(job.line, f"job {number}: unknown successor {successor}")
    for column, capacity in enumerate(capacities[:renewable]):
        if capacity < 1:
            raise lines.error(index, f"renewable resource R{column + 1} has capacity {capacity}")
    return _Raw(
        name=Path(path).stem,
        horizon=horizon,
        renewable=renewable,
        nonrenewable=nonrenewable,
        jobs=jobs,
        capacities=capacities,
    )


def _is_dummy(job: _Job) -> bool:
    return all(duration == 0 and not any(demands) for duration, demands in job.modes)


def _build(raw: _Raw, path: str | Path) -> Problem:
    numbers = sorted(raw.jobs)
    dropped = {n for n in (numbers[0], numbers[-1]) if _is_dummy(raw.jobs[n])}
    if len(dropped) == len(numbers):
        dropped = set()
    units = tuple(Unit(id=f"R{k + 1}", capacity=raw.capacities[k]) for k in range(raw.renewable))
    budgets = tuple(
        Budget(id=f"N{k + 1}", limit=raw.capacities[raw.renewable + k])
        for k in range(raw.nonrenewable)
    )
    tasks = []
    for number in numbers:
        if number in dropped:
            continue
        modes = []
        for duration, demands in raw.jobs[number].modes:
            needs = tuple(
                ResourceNeed(candidates=(f"R{k + 1}",), amount=demands[k])
                for k in range(raw.renewable)
                if demands[k] > 0
            )
            consumes = {
                f"N{k + 1}": demands[raw.renewable + k]
                for k in range(raw.nonrenewable)
                if demands[raw.renewable + k] > 0
            }
            modes.append(Mode(duration=duration, needs=needs, consumes=consumes))
        tasks.append(Task(id=str(number), request=raw.name, modes=tuple(modes)))
    precedences = tuple(
        Precedence(before=str(number), after=str(successor))
        for number in numbers
        if number not in dropped
        for successor in raw.jobs[number].successors
        if successor not in dropped
    )
    horizon = raw.horizon or sum(max(d for d, _ in job.modes) for job in raw.jobs.values())
    try:
        return Problem(
            horizon=max(horizon, 1),
            units=units,
            tasks=tuple(tasks),
            requests=(Request(id=raw.name, required=True),),
            precedences=precedences,
            budgets=budgets,
            objective="makespan",
            name=raw.name,
        )
    except ProblemError as exc:
        raise ReaderError(f"{path}: {exc}") from None


def read_psplib_sm(path: str | Path) -> Problem:
    """Read a PSPLIB single-mode RCPSP ``.sm`` file (j30/j60/j90/j120)."""
    raw = _parse(path)
    if raw.nonrenewable:
        raise ReaderError(f"{path}: non-renewable resources in a single-mode file; use read_mm")
    for number, job in raw.jobs.items():
        if len(job.modes) != 1:
            raise ReaderError(f"{path}:{job.line + 1}: job {number} has {len(job.modes)} modes")
    return _build(raw, path)


def read_mm(path: str | Path) -> Problem:
    """Read a PSPLIB or MMLIB multi-mode RCPSP ``.mm`` file."""
    return _build(_parse(path), path)
