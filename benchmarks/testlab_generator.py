"""A seeded generator of test-laboratory problems (:class:`solver.problem.Problem`).

The class of issue 16: tests that each run on one test machine out of an eligibility
subset (40-80% of the machines: 40-80 of 100) and hold up to three shared instruments at
the same time, durations of 1-800 time units, makespan objective. Tests come in jobs of
1-3 (a specimen that goes through its tests in order: a precedence chain); every job is a
required request. Machines have capacity 1; each instrument's capacity is drawn so that
the instruments bind about where the machines or the longest job do. No people, calendars
or setup times: the difficulty is the choice of machine and the instruments' capacity.

The horizon is the sum of the durations, a bound every sequence of the tests fits in.

    from benchmarks.testlab_generator import generate_testlab, SIZES
    problem = generate_testlab(seed=0, tests=500, machines=100)
"""

from __future__ import annotations

import math
import random

from solver.problem import Mode, Precedence, Problem, Request, ResourceNeed, Task, Unit

SIZES = ((40, 10), (100, 10), (100, 50), (500, 10), (500, 50), (500, 100))
"""(tests, machines) of the standard instances: 40, 100 and 500 tests on 10, 50 and 100
machines, wherever there are more tests than machines."""

MAX_DURATION = 800
INSTRUMENT_NEEDS = (0, 1, 2, 3)
INSTRUMENT_WEIGHTS = (0.3, 0.3, 0.25, 0.15)


def generate_testlab(
    seed: int = 0,
    *,
    tests: int = 500,
    machines: int = 100,
    instruments: int | None = None,
    eligible: tuple[float, float] = (0.4, 0.8),
    max_job: int = 3,
) -> Problem:
    """A test-laboratory problem; the same seed and sizes give the same problem.

    ``instruments`` defaults to a quarter of the machines (at least 3); ``eligible`` is the
    range of the share of machines a test may run on.
    """
    if tests < 1 or machines < 1:
        raise ValueError("a test laboratory has at least one test and one machine")
    rng = random.Random(seed)
    n_instruments = instruments if instruments is not None else max(3, machines // 4)
    machine_ids = [f"m{i + 1:03d}" for i in range(machines)]
    instrument_ids = [f"i{i + 1:02d}" for i in range(n_instruments)]
    lo_share, hi_share = eligible
    low = max(1, math.ceil(lo_share * machines))
    high = max(low, math.ceil(hi_share * machines))

    durations = [rng.randint(1, MAX_DURATION) for _ in range(tests)]
    candidates = [
        tuple(sorted(rng.sample(machine_ids, rng.randint(low, high)))) for _ in range(tests)
    ]
    uses: list[tuple[str, ...]] = []
    for _ in range(tests):
        k = rng.choices(INSTRUMENT_NEEDS, INSTRUMENT_WEIGHTS)[0]
        uses.append(tuple(sorted(rng.sample(instrument_ids, min(k, n_instruments)))))

    # Jobs: chains of 1..max_job tests, in test order.
    jobs: list[int] = []
    while sum(jobs) < tests:
        jobs.append(min(tests - sum(jobs), rng.randint(1, max_job)))
    chain, t = 0, 0
    for size in jobs:
        chain = max(chain, sum(durations[t : t + size]))
        t += size

    # Instrument capacity: its work over the tighter of the machines' bound and the longest
    # chain, times 0.85-1.15, so that instruments bind about where the rest does.
    target = max(sum(durations) / machines, chain)
    work = dict.fromkeys(instrument_ids, 0)
    for duration, used in zip(durations, uses, strict=True):
        for instrument in used:
            work[instrument] += duration
    capacity = {
        i: max(1, round(work[i] / (target * rng.uniform(0.85, 1.15)))) for i in instrument_ids
    }

    units = [Unit(id=m, kind="machine", capacity=1) for m in machine_ids]
    units += [Unit(id=i, kind="instrument", capacity=capacity[i]) for i in instrument_ids]
    task_list: list[Task] = []
    requests: list[Request] = []
    precedences: list[Precedence] = []
    t = 0
    for size in jobs:
        job = f"job{len(requests) + 1:03d}"
        requests.append(Request(id=job, required=True))
        for k in range(size):
            needs = (ResourceNeed(candidates=candidates[t]),)
            needs += tuple(ResourceNeed(candidates=(i,)) for i in uses[t])
            task_id = f"{job}.t{k + 1}"
            task_list.append(
                Task(id=task_id, request=job, modes=(Mode(duration=durations[t], needs=needs),))
            )
            if k:
                precedences.append(Precedence(before=task_list[-2].id, after=task_id))
            t += 1
    return Problem(
        horizon=sum(durations),
        units=tuple(units),
        tasks=tuple(task_list),
        requests=tuple(requests),
        precedences=tuple(precedences),
        objective="makespan",
        name=f"testlab-{tests}x{machines}-{seed}",
    )


def lower_bound(problem: Problem) -> int:
    """A search-free lower bound on the makespan: the longest job chain, each instrument's
    work over its capacity, and all the tests' work over all the machines."""
    ends: dict[str, int] = {}
    preds = {p.after: p.before for p in problem.precedences}
    for task in problem.tasks:  # jobs list their tests in chain order
        before = preds.get(task.id)
        ends[task.id] = (ends[before] if before else 0) + task.modes[0].duration
    chain = max(ends.values(), default=0)
    energy: dict[str, int] = {}
    for task in problem.tasks:
        for need in task.modes[0].needs[1:]:
            energy[need.candidates[0]] = energy.get(need.candidates[0], 0) + task.modes[0].duration
    instruments = max(
        (math.ceil(e / problem.unit[u].capacity) for u, e in energy.items()), default=0
    )
    machines = sum(1 for u in problem.units if u.kind == "machine")
    total = sum(t.modes[0].duration for t in problem.tasks)
    return max(chain, instruments, math.ceil(total / machines))
