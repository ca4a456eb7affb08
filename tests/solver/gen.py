"""A small seeded generator of lab problems for the solver tests.

Half-hour slots, weekday opening hours 8:00-18:00 (slots 16-36 of each 48-slot day), units
of a few kinds at two sites, people with skills, certificates, working hours, absences and
weekly caps, requests of chained tasks with windows, due dates, alternative modes,
unattended runs, budgets and team rules: every hard rule gets exercised. (The bigger
generator for benchmarks lives in benchmarks/, owned elsewhere.)
"""

from __future__ import annotations

import random

from solver.problem import (
    Budget,
    Mode,
    Person,
    Precedence,
    Problem,
    Request,
    ResourceNeed,
    StaffNeed,
    Task,
    TeamRule,
    Unit,
)

DAY = 48
OPEN, CLOSE = 16, 36  # 8:00 and 18:00
KINDS = ("sem", "xrd", "furnace", "cleanroom", "printer", "laser", "spectro", "lathe")
UNATTENDED_KINDS = ("furnace", "printer")
CERTIFIED_KINDS = ("sem", "laser", "cleanroom")
ROLES = ("engineer", "technician", "researcher", "student")


def weekday_windows(days: int, lo: int = OPEN, hi: int = CLOSE) -> tuple[tuple[int, int], ...]:
    return tuple((d * DAY + lo, d * DAY + hi) for d in range(days) if d % 7 < 5)


def lab_problem(
    seed: int = 0,
    *,
    requests: int = 12,
    tasks_per_request: tuple[int, int] = (1, 4),
    units: int = 8,
    people: int = 14,
    days: int = 7,
    sites: tuple[str, ...] = ("north", "south"),
    travel: int = 2,
    budgets: int = 2,
    teams: int = 1,
) -> Problem:
    """A random but well-formed lab problem; the same seed gives the same problem."""
    rng = random.Random(seed)
    horizon = days * DAY
    kinds = KINDS[: max(2, min(len(KINDS), units // 2))]
    open_windows = weekday_windows(days)
    unit_list = []
    for i in range(units):
        kind = kinds[i % len(kinds)]
        down: tuple[tuple[int, int], ...] = ()
        if rng.random() < 0.2:
            day = rng.randrange(days)
            down = ((day * DAY + OPEN, day * DAY + OPEN + rng.randint(4, 12)),)
        unit_list.append(
            Unit(
                id=f"{kind}-{i}",
                kind=kind,
                site=sites[(i // len(kinds)) % len(sites)] if len(sites) > 1 else sites[0],
                capacity=3 if kind == "cleanroom" else 1,
                cost_per_slot=rng.choice((0, 1, 2, 5)),
                setup=rng.choice((0, 0, 1)),
                cleanup=rng.choice((0, 0, 1)),
                needs_certified=kind in CERTIFIED_KINDS,
                unattended_ok=kind in UNATTENDED_KINDS,
                open=open_windows,
                down=down,
            )
        )
    person_list = []
    for i in range(people):
        role = ROLES[i % len(ROLES)] if i >= 2 else ROLES[i]
        skills = {
            k: rng.randint(1, 3) for k in rng.sample(kinds, rng.randint(1, min(3, len(kinds))))
        }
        certs = {
            k: rng.choice((horizon + 100, horizon + 100, rng.randrange(DAY, horizon)))
            for k in skills
            if k in CERTIFIED_KINDS and rng.random() < 0.7
        }
        available = weekday_windows(days, OPEN - rng.choice((0, 2)), CLOSE)
        if rng.random() < 0.3:  # one day off
            off = rng.randrange(days)
            available = tuple(w for w in available if w[0] // DAY != off)
        person_list.append(
            Person(
                id=f"p{i}",
                role=role,
                skills=skills,
                certs=certs,
                available=available,
                weekly_cap=rng.choice((None, 40, 60)),
                home_site=rng.choice(sites),
                cost_per_slot=rng.choice((0, 1, 2)),
            )
        )
    budget_list = tuple(Budget(id=f"b{i}", limit=rng.randint(150, 600)) for i in range(budgets))
    team_list = tuple(
        TeamRule(id=f"team{i}", min_roles={"technician": 1}, max_students_per_senior=2)
        for i in range(teams)
    )
    request_list, task_list, precedences = [], [], []
    for r in range(requests):
        request_id = f"r{r}"
        request_list.append(Request(id=request_id, priority=rng.randint(1, 5), arrival=r))
        first_day = rng.randrange(max(1, days - 2))
        earliest = first_day * DAY
        deadline = min(horizon, earliest + rng.randint(2, 5) * DAY) if rng.random() < 0.7 else None
        budget = rng.choice([None, *(b.id for b in budget_list)])
        team = rng.choice([None, None, *(t.id for t in team_list)])
        previous = None
        for k in range(rng.randint(*tasks_per_request)):
            task_id = f"r{r}t{k}"
            kind = rng.choice(kinds)
            unattended = kind in UNATTENDED_KINDS and rng.random() < 0.5
            modes = [_mode(rng, kind, unit_list, unattended)]
            if rng.random() < 0.25:
                modes.append(_mode(rng, rng.choice(kinds), unit_list, unattended))
            staff = (
                StaffNeed(
                    count=rng.choice((1, 1, 2)),
                    skill=kind,
                    min_level=rng.choice((1, 1, 2)),
                ),
            )
            task_list.append(
                Task(
                    id=task_id,
                    request=request_id,
                    modes=tuple(modes),
                    staff=staff if kind in CERTIFIED_KINDS or rng.random() < 0.9 else (),
                    staff_slots=1 if unattended else None,
                    earliest=earliest,
                    deadline=deadline,
                    due=(earliest + rng.randint(1, 3) * DAY) if rng.random() < 0.5 else None,
                    budget=budget,
                    team=team,
                )
            )
            if previous is not None:
                precedences.append(
                    Precedence(before=previous, after=task_id, lag=rng.choice((0, 0, 2)))
                )
            previous = task_id
    return Problem(
        horizon=horizon,
        units=tuple(unit_list),
        tasks=tuple(task_list),
        requests=tuple(request_list),
        people=tuple(person_list),
        precedences=tuple(precedences),
        budgets=budget_list,
        teams=team_list,
        travel={(sites[0], s): travel for s in sites[1:]},
        week_starts=tuple(range(0, horizon, 7 * DAY)),
        name=f"lab-{seed}",
    )


def _mode(rng: random.Random, kind: str, units: list[Unit], unattended: bool) -> Mode:
    candidates = tuple(u.id for u in units if u.kind == kind)
    duration = rng.randint(12, 30) if unattended else rng.randint(1, 6)
    needs = [ResourceNeed(candidates=candidates, amount=1)]
    return Mode(duration=duration, needs=tuple(needs))
