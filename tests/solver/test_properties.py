"""Property tests on random small problems: every plan passes the validator."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from solver.sgs import first_come_first_served, serial_schedule
from solver.solve import SolveOptions, solve
from solver.validate import validate
from tests.solver.conftest import valid
from tests.solver.gen import lab_problem

FEW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MORE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

small_labs = st.builds(
    lab_problem,
    seed=st.integers(0, 10**6),
    requests=st.integers(1, 6),
    tasks_per_request=st.sampled_from([(1, 1), (1, 3), (2, 4)]),
    units=st.integers(2, 6),
    people=st.integers(2, 8),
    days=st.integers(2, 7),
    travel=st.integers(0, 3),
    budgets=st.integers(0, 2),
    teams=st.integers(0, 2),
)


@st.composite
def rcpsp(draw) -> Problem:
    """A random single-mode project: capacities 1-3, a precedence DAG, makespan objective."""
    n = draw(st.integers(2, 8))
    units = tuple(Unit(id=f"R{k}", capacity=draw(st.integers(1, 3))) for k in range(2))
    tasks = []
    for i in range(n):
        needs = tuple(
            ResourceNeed(candidates=(u.id,), amount=draw(st.integers(1, u.capacity)))
            for u in units
            if draw(st.booleans())
        )
        tasks.append(
            Task(
                id=f"t{i}",
                request="p",
                modes=(Mode(duration=draw(st.integers(0, 4)), needs=needs),),
            )
        )
    precs = tuple(
        Precedence(before=f"t{i}", after=f"t{j}", lag=draw(st.integers(0, 2)))
        for i in range(n)
        for j in range(i + 1, n)
        if draw(st.integers(0, 3)) == 0
    )
    return Problem(
        horizon=60,
        units=units,
        tasks=tuple(tasks),
        requests=(Request(id="p", required=True),),
        precedences=precs,
        objective="makespan",
    )


@MORE
@given(small_labs, st.sampled_from(["priority", "due", "lft", "mts"]))
def test_serial_schedules_pass_the_validator(prob, rule):
    valid(prob, serial_schedule(prob, rule))


@MORE
@given(small_labs)
def test_first_come_first_served_passes_the_validator(prob):
    valid(prob, first_come_first_served(prob))


@FEW
@given(small_labs)
def test_solved_plans_pass_the_validator(prob):
    plan = solve(prob, SolveOptions(time_limit=2, workers=2))
    assert plan.status in ("optimal", "feasible")
    valid(prob, plan)


@FEW
@given(rcpsp())
def test_rcpsp_optimum_is_valid_and_no_worse_than_the_serial_schedule(prob):
    plan = solve(prob, SolveOptions(time_limit=3, workers=2))
    assert plan.status == "optimal"
    valid(prob, plan)
    heuristic = valid(prob, serial_schedule(prob, "lft"))
    assert plan.objective <= heuristic.breakdown["makespan"]
    assert plan.bound == plan.objective


@FEW
@given(small_labs, st.randoms(use_true_random=False))
def test_replanning_with_a_current_plan_and_locks_stays_valid(prob, rnd):
    # The current plan is a valid first-come-first-served plan; some bookings are locked.
    base = first_come_first_served(prob)
    current = {t: a for t, a in base.assignments.items() if rnd.random() < 0.7}
    locked = frozenset(t for t in current if rnd.random() < 0.3)
    prob = dataclasses.replace(prob, current=current, locked=locked)
    # 5 s, not 2: in CI's parallel run the clock once ran out before the first serial
    # schedule ended (status "unknown"); a small lab is solved long before either.
    plan = solve(prob, SolveOptions(time_limit=5, workers=2))
    assert plan.status in ("optimal", "feasible")
    valid(prob, plan)
    assert all(plan.assignments[t] == current[t] for t in locked)


@st.composite
def wild(draw) -> Problem:
    """Small problems with every feature mixed freely: several needs on one unit, zero
    durations, negative lags, variable staffed lengths, sites, budgets, teams."""
    sites = ["north", "south", "east"][: draw(st.integers(1, 3))]
    windows = st.one_of(
        st.none(), st.sampled_from([((0, 6),), ((0, 4), (6, 12)), ((2, 9), (11, 20))])
    )
    units = tuple(
        Unit(
            id=f"u{k}",
            kind=draw(st.sampled_from(["sem", "oven"])),
            site=draw(st.sampled_from(sites)),
            capacity=draw(st.integers(1, 2)),
            cost_per_slot=draw(st.integers(0, 2)),
            setup=draw(st.integers(0, 1)),
            cleanup=draw(st.integers(0, 1)),
            needs_certified=draw(st.booleans()),
            unattended_ok=draw(st.booleans()),
            open=draw(windows),
            down=draw(st.sampled_from([(), ((5, 7),)])),
        )
        for k in range(draw(st.integers(1, 4)))
    )
    people = tuple(
        Person(
            id=f"p{k}",
            role=draw(st.sampled_from(["engineer", "technician", "student"])),
            skills={"sem": draw(st.integers(1, 3))},
            certs={"sem": draw(st.integers(0, 25)), "oven": draw(st.integers(0, 25))},
            available=draw(windows),
            weekly_cap=draw(st.sampled_from([None, 3, 8])),
            cost_per_slot=draw(st.integers(0, 2)),
        )
        for k in range(draw(st.integers(0, 4)))
    )
    requests = tuple(
        Request(id=f"r{k}", priority=draw(st.integers(1, 3)), arrival=k)
        for k in range(draw(st.integers(1, 3)))
    )
    budgets = (Budget(id="b", limit=draw(st.integers(0, 30))),) if draw(st.booleans()) else ()
    teams = (
        (TeamRule(id="t", min_roles={"technician": 1}, max_students_per_senior=1),)
        if draw(st.booleans())
        else ()
    )
    unit_ids = [u.id for u in units]
    tasks = []
    for i in range(draw(st.integers(1, 6))):
        modes = []
        for _ in range(draw(st.integers(1, 2))):
            needs = tuple(
                ResourceNeed(
                    candidates=tuple(
                        draw(
                            st.lists(st.sampled_from(unit_ids), min_size=1, max_size=2, unique=True)
                        )
                    ),
                    amount=draw(st.integers(1, 2)),
                )
                for _ in range(draw(st.integers(0, 2)))
            )
            consumes = {"b": draw(st.integers(0, 5))} if budgets else {}
            modes.append(Mode(duration=draw(st.integers(0, 4)), needs=needs, consumes=consumes))
        staff = tuple(
            StaffNeed(
                count=draw(st.integers(1, 2)),
                role=draw(st.sampled_from([None, None, "technician"])),
                skill=draw(st.sampled_from([None, "sem"])),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
        earliest = draw(st.integers(0, 5))
        tasks.append(
            Task(
                id=f"t{i}",
                request=draw(st.sampled_from([r.id for r in requests])),
                modes=tuple(modes),
                staff=staff,
                staff_slots=draw(st.sampled_from([None, None, 0, 1, 2])),
                earliest=earliest,
                deadline=draw(st.sampled_from([None, earliest + 6, earliest + 12])),
                due=draw(st.sampled_from([None, earliest + 3])),
                budget="b" if budgets and draw(st.booleans()) else None,
                team="t" if teams and draw(st.booleans()) else None,
            )
        )
    precedences = tuple(
        Precedence(before=f"t{i}", after=f"t{j}", lag=draw(st.integers(-1, 2)))
        for i in range(len(tasks))
        for j in range(i + 1, len(tasks))
        if draw(st.integers(0, 4)) == 0
    )
    return Problem(
        horizon=20,
        units=units,
        tasks=tuple(tasks),
        requests=requests,
        people=people,
        precedences=precedences,
        budgets=budgets,
        teams=teams,
        travel={(a, b): draw(st.integers(0, 3)) for a in sites for b in sites if a < b},
        week_starts=draw(st.sampled_from([(0,), (0, 10)])),
    )


@MORE
@given(wild(), st.sampled_from(["arrival", "priority", "mts"]))
def test_wild_serial_schedules_pass_the_validator(prob, rule):
    valid(prob, serial_schedule(prob, rule))


@FEW
@given(wild(), st.randoms(use_true_random=False))
def test_wild_replanning_with_locks(prob, rnd):
    base = first_come_first_served(prob)
    current = {t: a for t, a in base.assignments.items() if rnd.random() < 0.7}
    locked = frozenset(t for t in current if rnd.random() < 0.4)
    prob = dataclasses.replace(prob, current=current, locked=locked)
    heuristic = serial_schedule(prob)
    if heuristic.status == "feasible":
        valid(prob, heuristic)
    else:  # a required request did not fit: it is missing whole, nothing else is wrong
        rules = {v.rule for v in validate(prob, heuristic)}
        assert rules <= {"required_request", "locked_booking"}
    plan = solve(prob, SolveOptions(time_limit=2, workers=2))
    assert plan.status in ("optimal", "feasible")
    valid(prob, plan)
    assert all(plan.assignments[t] == current[t] for t in locked)


@FEW
@given(wild())
def test_wild_solved_plans_pass_the_validator(prob):
    plan = solve(prob, SolveOptions(time_limit=2, workers=2))
    assert plan.status in ("optimal", "feasible")
    valid(prob, plan)
