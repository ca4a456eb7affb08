"""Long runs in shifts on a generated lab platform (``lab_generator``): 48-72 h runs on the
pilot lines, each its own request, watched throughout by one person at a time, and an early,
a late and a night crew at each pilot-line site (two people a shift, Monday to Friday,
handing over half an hour). The day staff with the pilot-line skill may take shifts too.

    from benchmarks.lab_shifts import with_shift_runs
    problem = with_shift_runs(generate_lab(seed=0), runs=20)

Its own random stream: the platform it adds to is the one ``generate_lab`` gives.
"""

from __future__ import annotations

import dataclasses
import random

from benchmarks.lab_generator import DAY, KINDS, SLOTS_PER_HOUR, WEEK
from solver.problem import Mode, Person, Problem, Request, ResourceNeed, Shifts, StaffNeed, Task

KIND = "pilot-line"
SHIFT_HOURS = {"early": (6.0, 14.5), "late": (14.0, 22.5), "night": (22.0, 30.5)}
"""Each crew's hours from a weekday's midnight (the night shift ends the next morning)."""


def with_shift_runs(problem: Problem, *, runs: int, seed: int = 0) -> Problem:
    """``problem`` with ``runs`` shift-staffed pilot-line runs and the shift crews."""
    units = [u for u in problem.units if u.kind == KIND]
    if runs <= 0 or not units:
        return problem
    rng = random.Random(seed * 7919 + 1)
    weeks = problem.horizon // WEEK
    skill = next(k.skill for k in KINDS if k.name == KIND)
    crews = []
    for site in sorted({u.site for u in units}):
        for name, (start_h, end_h) in SHIFT_HOURS.items():
            windows = tuple(
                (w * WEEK + d * DAY + round(start_h * SLOTS_PER_HOUR),
                 min(problem.horizon, w * WEEK + d * DAY + round(end_h * SLOTS_PER_HOUR)))
                for w in range(weeks)
                for d in range(5)
            )  # fmt: skip
            for k in range(2):
                crews.append(
                    Person(
                        id=f"shift-{site}-{name}-{k + 1}",
                        role="industry engineer",
                        skills={skill: 2},
                        certs={KIND: problem.horizon + WEEK},
                        available=windows,
                        home_site=site,
                        cost_per_slot=30,
                    )
                )
    requests, tasks = [], []
    candidates = tuple(u.id for u in units)
    for r in range(runs):
        rid = f"shift-run-{r + 1:03d}"
        requests.append(Request(id=rid, priority=rng.randint(1, 5)))
        tasks.append(
            Task(
                id=f"{rid}.run",
                request=rid,
                modes=(Mode(duration=rng.randint(48, 72) * SLOTS_PER_HOUR,
                            needs=(ResourceNeed(candidates=candidates),)),),
                shifts=Shifts(need=StaffNeed(skill=skill, min_level=2), handover=1),
                earliest=rng.randrange(0, max(1, problem.horizon - 2 * WEEK)),
            )
        )  # fmt: skip
    return dataclasses.replace(
        problem,
        people=problem.people + tuple(crews),
        requests=problem.requests + tuple(requests),
        tasks=problem.tasks + tuple(tasks),
        name=f"{problem.name}-shifts{runs}",
    )
