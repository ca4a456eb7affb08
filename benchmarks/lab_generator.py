"""A seeded generator of realistic lab-platform problems (:class:`solver.problem.Problem`).

Defaults give the target size: 500 tasks in ~110 requests of 1-8 tasks, 4 weeks of 30-min
slots (slot 0 is Monday 00:00, weeks every 336 slots), 40 units of 12 kinds over 3 sites
with opening hours, closures and downtime, 150 people of the eight roles with skills,
certifications (some expired), working hours, leave and weekly caps, travel times between
sites, priorities 1-5, soft due dates, a few hard deadlines, budgets and team rules. A few
kinds are asked 80-110% of their open hours. Keyword arguments scale it down for tests.

    from benchmarks.lab_generator import generate_lab
    problem = generate_lab(seed=3, tasks=40, units=8, people=12)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

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
    Window,
)

SLOTS_PER_HOUR = 2
DAY = 24 * SLOTS_PER_HOUR
WEEK = 7 * DAY

ROLES = (
    "source researcher",
    "platform architect",
    "industry engineer",
    "innovator",
    "student",
    "investor",
    "business veteran",
    "corporate partner",
)
ROLE_SHARE = (0.22, 0.07, 0.2, 0.12, 0.24, 0.04, 0.05, 0.06)
HANDS_ON = ("source researcher", "platform architect", "industry engineer", "student")


@dataclass(frozen=True)
class Kind:
    name: str
    skill: str
    unattended: bool = False  # units of this kind may run unattended (pilot lines)
    certified: bool = False  # using it needs a valid certification
    capacity: int = 1


KINDS = (
    Kind("deposition", "materials", certified=True),
    Kind("lithography", "process", certified=True),
    Kind("etcher", "process", certified=True),
    Kind("sem", "characterisation", certified=True),
    Kind("xrd", "characterisation"),
    Kind("furnace", "materials", unattended=True),
    Kind("pilot-line", "process", unattended=True, certified=True),
    Kind("bioreactor", "biology", unattended=True),
    Kind("3d-printer", "electronics", unattended=True),
    Kind("spectrometer", "characterisation"),
    Kind("wet-bench", "biology", capacity=3),
    Kind("test-rig", "electronics", capacity=2),
)
SKILLS = ("materials", "process", "characterisation", "biology", "electronics", "data")
SITE_HOURS = ((8, 18), (8, 18), (7, 20))  # per site: open from, to (hours, Mon-Fri)


def _weekday_windows(weeks: int, start_h: float, end_h: float, days=range(5)) -> list[Window]:
    a, b = round(start_h * SLOTS_PER_HOUR), round(end_h * SLOTS_PER_HOUR)
    return [(w * WEEK + d * DAY + a, w * WEEK + d * DAY + b) for w in range(weeks) for d in days]


def _minus(windows: list[Window], holes: list[Window]) -> tuple[Window, ...]:
    out = []
    for start, end in windows:
        pieces = [(start, end)]
        for h0, h1 in holes:
            pieces = [
                part
                for s, e in pieces
                for part in ((s, min(e, h0)), (max(s, h1), e))
                if part[1] > part[0]
            ]
        out.extend(pieces)
    return tuple(sorted(out))


def _split(total: int, parts: int, rng: random.Random, low: int, high: int) -> list[int]:
    """``parts`` integers in [low, high] summing to ``total`` (clamped to what fits)."""
    sizes = [low] * parts
    left = total - low * parts
    while left > 0:
        i = rng.randrange(parts)
        if sizes[i] < high:
            sizes[i] += 1
            left -= 1
    return sizes


def generate_lab(
    seed: int = 0,
    *,
    tasks: int = 500,
    units: int = 40,
    people: int = 150,
    weeks: int = 4,
    sites: int = 3,
    tight_kinds: int = 3,
    load: float = 1.0,
) -> Problem:
    """A lab problem; the same seed and sizes give the same problem. ``load`` scales the
    equipment demand (1.0: tight kinds at 80-110% of their open capacity)."""
    rng = random.Random(seed)
    horizon = weeks * WEEK
    site_ids = [f"site-{chr(ord('A') + s)}" for s in range(sites)]
    kinds = list(KINDS[: max(1, min(len(KINDS), units))])

    # Sites: opening hours minus a closure day or two.
    site_open: dict[str, tuple[Window, ...]] = {}
    for s, site in enumerate(site_ids):
        h0, h1 = SITE_HOURS[s % len(SITE_HOURS)]
        closures = []
        for _ in range(rng.randint(0, 2)):
            day = rng.randrange(weeks * 7)
            closures.append((day * DAY, (day + 1) * DAY))
        site_open[site] = _minus(_weekday_windows(weeks, h0, h1), closures)
    travel = {(a, b): rng.randint(1, 4) for i, a in enumerate(site_ids) for b in site_ids[i + 1 :]}

    # Units: every kind gets one, the rest spread with weights; tight kinds get few units.
    tight = set(rng.sample(range(len(kinds)), min(tight_kinds, len(kinds))))
    per_kind = [1] * len(kinds)
    for _ in range(units - len(kinds)):
        weights = [0.5 if k in tight else 1.0 for k in range(len(kinds))]
        per_kind[rng.choices(range(len(kinds)), weights)[0]] += 1
    unit_list: list[Unit] = []
    units_of: dict[str, list[Unit]] = {}
    for k, kind in enumerate(kinds):
        for i in range(per_kind[k]):
            site = site_ids[(k + i) % sites]
            down = []
            if rng.random() < 0.3:
                day = rng.randrange(weeks * 5)
                start = (day // 5) * WEEK + (day % 5) * DAY + 9 * SLOTS_PER_HOUR
                down.append((start, start + rng.randint(4, 16)))
            unit = Unit(
                id=f"{kind.name}-{i + 1}",
                kind=kind.name,
                site=site,
                capacity=kind.capacity,
                cost_per_slot=rng.choice((0, 5, 10, 20, 40)),
                setup=rng.choice((0, 0, 1, 2)),
                cleanup=rng.choice((0, 0, 1)),
                needs_certified=kind.certified,
                unattended_ok=kind.unattended,
                open=site_open[site],
                down=tuple(down),
            )
            unit_list.append(unit)
            units_of.setdefault(kind.name, []).append(unit)

    # People: roles by share, skills, certifications, hours, leave, weekly caps.
    roles = [ROLES[i % len(ROLES)] for i in range(min(people, len(ROLES)))]
    roles += rng.choices(ROLES, ROLE_SHARE, k=people - len(roles))
    person_list: list[Person] = []
    cert_kinds = [k.name for k in kinds if k.certified]
    for i, role in enumerate(roles):
        hands_on = role in HANDS_ON
        n_skills = rng.randint(2, 4) if hands_on else rng.randint(0, 2)
        skills = {s: rng.randint(1, 3) for s in rng.sample(SKILLS, n_skills)}
        if role == "student":
            skills = {s: min(v, 2) for s, v in skills.items()}
        certs = {}
        if hands_on:
            for kind in rng.sample(cert_kinds, min(len(cert_kinds), rng.randint(0, 3))):
                roll = rng.random()
                if roll < 0.15:
                    certs[kind] = 0  # expired before the horizon
                elif roll < 0.3:
                    certs[kind] = rng.randrange(DAY, horizon)  # expires during it
                else:
                    certs[kind] = horizon + WEEK
        part_time = rng.random() < (0.5 if not hands_on else 0.15)
        days = range(3) if part_time else range(5)
        hours = _weekday_windows(weeks, 8.5, 17.5, days)
        leave = []
        if rng.random() < 0.2:
            first = rng.randrange(weeks * 7)
            leave.append((first * DAY, (first + rng.randint(1, 5)) * DAY))
        full = 17 * 2 * len(days)
        person_list.append(
            Person(
                id=f"p{i + 1:03d}",
                role=role,
                skills=skills,
                certs=certs,
                available=_minus(hours, leave),
                weekly_cap=full if role != "student" else full * 3 // 4,
                home_site=rng.choice(site_ids),
                cost_per_slot={"student": 10, "investor": 60}.get(role, rng.choice((20, 30, 40))),
            )
        )
    # Every certified kind has some validly certified hands-on people.
    for kind in cert_kinds:
        holders = [p for p in person_list if p.certs.get(kind, 0) > horizon]
        hands = [p for p in person_list if p.role in HANDS_ON] or person_list
        for p in rng.sample(hands, max(0, min(len(hands), 3) - len(holders))):
            person_list[person_list.index(p)] = Person(
                id=p.id,
                role=p.role,
                skills=p.skills,
                certs={**p.certs, kind: horizon + WEEK},
                available=p.available,
                weekly_cap=p.weekly_cap,
                home_site=p.home_site,
                cost_per_slot=p.cost_per_slot,
            )

    # Requests of 1-8 tasks; tasks get a kind weighted towards the tight kinds.
    n_requests = max(1, round(tasks / 4.5))
    sizes = _split(tasks, n_requests, rng, 1, 8)
    budgets = [Budget(id=f"grant-{b + 1}", limit=0) for b in range(max(1, n_requests // 8))]
    kind_weight = [3.0 if k in tight else 1.0 for k in range(len(kinds))]
    request_list: list[Request] = []
    teams: list[TeamRule] = []
    draft: list[dict] = []
    precedences: list[Precedence] = []
    for r, size in enumerate(sizes):
        rid = f"req-{r + 1:03d}"
        arrival = rng.randrange(0, max(1, horizon // 2))
        request_list.append(Request(id=rid, priority=rng.randint(1, 5), arrival=arrival))
        team = None
        if rng.random() < 0.3:
            team = f"team-{rid}"
            teams.append(
                TeamRule(
                    id=team,
                    min_roles={rng.choice(("source researcher", "industry engineer")): 1},
                    max_students_per_senior=2,
                )
            )
        budget = rng.randrange(len(budgets))
        first = len(draft)
        for i in range(size):
            k = rng.choices(range(len(kinds)), kind_weight)[0]
            draft.append(
                {
                    "id": f"{rid}.t{i + 1}",
                    "request": rid,
                    "kind": k,
                    "team": team,
                    "budget": budget,
                    "earliest": arrival,
                }
            )
            if i:
                before = first + (i - 1 if rng.random() < 0.75 else rng.randrange(i))
                lag = rng.choice((0, 0, 0, 1, 2, 4))
                precedences.append(
                    Precedence(before=draft[before]["id"], after=draft[-1]["id"], lag=lag)
                )

    # Durations: per kind, aim at a load (tight kinds 80-110% of open capacity).
    open_slots = {s: sum(e - b for b, e in w) for s, w in site_open.items()}
    for k, kind in enumerate(kinds):
        mine = [d for d in draft if d["kind"] == k]
        if not mine:
            continue
        cap = sum(
            (horizon if kind.unattended else open_slots[u.site]) * u.capacity
            for u in units_of[kind.name]
        )
        share = load * (rng.uniform(0.8, 1.1) if k in tight else rng.uniform(0.25, 0.6))
        lo, hi = (8, 96) if kind.unattended else (1, 16)
        mean = max(lo, min(hi, share * cap / len(mine)))
        for d in mine:
            d["duration"] = max(lo, min(hi, round(rng.uniform(0.5, 1.5) * mean)))

    task_list: list[Task] = []
    cost = [0] * len(budgets)
    for d in draft:
        kind = kinds[d["kind"]]
        candidates = tuple(u.id for u in units_of[kind.name])
        needs = [ResourceNeed(candidates=candidates)]
        if (
            not kind.unattended
            and rng.random() < 0.15
            and "wet-bench" in units_of
            and kind.name != "wet-bench"
        ):
            needs.append(ResourceNeed(candidates=tuple(u.id for u in units_of["wet-bench"])))
        modes = [Mode(duration=d["duration"], needs=tuple(needs))]
        if rng.random() < 0.1 and d["duration"] > 2:  # a slower mode needing less skill
            modes.append(Mode(duration=d["duration"] * 3 // 2, needs=tuple(needs)))
        level = rng.choice((1, 1, 2, 2, 3))
        staff = [StaffNeed(count=1, skill=kind.skill, min_level=level)]
        if rng.random() < 0.2:
            staff.append(
                StaffNeed(count=1, role=rng.choice(("platform architect", "industry engineer")))
            )
        if rng.random() < 0.05:
            staff.append(
                StaffNeed(
                    count=1,
                    role=rng.choice(
                        ("investor", "corporate partner", "business veteran", "innovator")
                    ),
                )
            )
        staff = [s for s in staff if any(s.admits(p) for p in person_list)] or [StaffNeed(count=1)]
        request = next(r for r in request_list if r.id == d["request"])
        due = deadline = None
        if rng.random() < 0.6:
            due = min(horizon, d["earliest"] + rng.randint(2, 10) * DAY)
        if rng.random() < 0.04:
            deadline = min(horizon, d["earliest"] + 2 * WEEK)
        task_list.append(
            Task(
                id=d["id"],
                request=d["request"],
                modes=tuple(modes),
                staff=tuple(staff),
                staff_slots=2 if kind.unattended else None,
                earliest=d["earliest"],
                deadline=deadline,
                due=due,
                budget=budgets[d["budget"]].id,
                team=d["team"],
            )
        )
        cost[d["budget"]] += d["duration"] * 40 * (1 + request.priority % 2)
    budgets = [
        Budget(id=b.id, limit=max(100, round(cost[i] * rng.uniform(0.8, 1.5))))
        for i, b in enumerate(budgets)
    ]
    return Problem(
        horizon=horizon,
        units=tuple(unit_list),
        tasks=tuple(task_list),
        requests=tuple(request_list),
        people=tuple(person_list),
        precedences=tuple(precedences),
        budgets=tuple(budgets),
        teams=tuple(teams),
        travel=travel,
        week_starts=tuple(range(0, horizon, WEEK)),
        slot_minutes=30,
        objective="lab",
        name=f"lab-{seed}",
    )


def kind_load(problem: Problem) -> dict[str, float]:
    """Demand over capacity per unit kind: sum of first-mode duration x amount of the tasks
    whose first need is on that kind, over the open (attended kinds) or all (unattended
    kinds) slots of its units, times their capacity."""
    demand: dict[str, int] = {}
    for task in problem.tasks:
        for need in task.modes[0].needs[:1]:
            kind = problem.unit[need.candidates[0]].kind
            demand[kind] = demand.get(kind, 0) + task.modes[0].duration * need.amount
    load = {}
    for kind, value in demand.items():
        cap = 0
        for unit in problem.units:
            if unit.kind == kind:
                slots = (
                    problem.horizon
                    if unit.unattended_ok or unit.open is None
                    else sum(e - s for s, e in unit.open)
                )
                cap += slots * unit.capacity
        load[kind] = value / cap
    return load
