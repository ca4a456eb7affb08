"""Property tests on random small problems: every plan passes the validator."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.problem import Mode, Precedence, Problem, Request, ResourceNeed, Task, Unit
from solver.sgs import first_come_first_served, serial_schedule
from solver.solve import SolveOptions, solve
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
    plan = solve(prob, SolveOptions(time_limit=2, workers=2))
    assert plan.status in ("optimal", "feasible")
    valid(prob, plan)
    assert all(plan.assignments[t] == current[t] for t in locked)
