"""Makespan problems with alternative units: the view, its lower bound, the genetic
algorithm that picks units (``solver.flexsearch``) and the solve path that uses it."""

from __future__ import annotations

import time

from benchmarks.testlab_generator import generate_testlab
from solver.facts import Facts
from solver.flexible import Flexible
from solver.flexsearch import evolve, warm
from solver.plan import Plan
from solver.problem import Precedence, Request, Unit
from solver.sgs import best_schedule
from solver.solve import SolveOptions, solve
from tests.solver.conftest import need, problem, staff, task, valid


def shop(tasks, units, precedences=(), horizon=60):
    return problem(
        tasks,
        units=units,
        requests=[Request(id="p", required=True)],
        precedences=tuple(precedences),
        objective="makespan",
        horizon=horizon,
    )


def machines(*ids, capacity=1):
    return [Unit(id=u, kind="machine", capacity=capacity) for u in ids]


def two_machines_and_an_instrument():
    # m1 and m2; b runs on m1 only, c on m2 only, a (4) and d (2) on either; a and c both
    # hold the instrument I (capacity 1). Work 14 over two machines: at least 7, but each
    # machine holds 4 already and a and d add 4 and 2 in some split: one machine holds 8.
    # 8 is reached: m1 a [0,4) b [4,8), m2 d [0,2) c [4,8) (a and c apart on I).
    tasks = [
        task("a", "p", duration=4, needs=[need("m1", "m2"), need("I")]),
        task("b", "p", duration=4, needs=[need("m1")]),
        task("c", "p", duration=4, needs=[need("m2"), need("I")]),
        task("d", "p", duration=2, needs=[need("m1", "m2")]),
    ]
    return shop(tasks, [*machines("m1", "m2"), Unit(id="I", kind="instrument")])


def test_view_applies_to_alternative_units_only():
    assert Flexible.of(two_machines_and_an_instrument()) is not None
    assert Flexible.of(generate_testlab(0, tests=20, machines=4)) is not None
    staffed = shop(
        [task("a", "p", needs=[need("m1", "m2")], staff=(staff(),))], machines("m1", "m2")
    )
    assert Flexible.of(staffed) is None  # people: the general machinery
    lab = problem([task("a", needs=[need("m1", "m2")])], units=machines("m1", "m2"))
    assert Flexible.of(lab) is None  # the lab objective
    # Two needs that could land on the same unit: not for this view.
    shared = shop([task("a", "p", needs=[need("m1", "m2"), need("m2")])], machines("m1", "m2"))
    assert Flexible.of(shared) is None


def test_lower_bound_takes_the_pool_of_machines():
    # Energy 14 over the pool {m1, m2} gives 7, the instrument's 4 + 4 gives 8 (the
    # optimum), the critical path only 4.
    assert Flexible.of(two_machines_and_an_instrument()).lower_bound() == 8
    alone = shop(
        [task(t, "p", duration=4, needs=[need("m1", "m2")]) for t in "abc"], machines("m1", "m2")
    )
    assert Flexible.of(alone).lower_bound() == 6  # 12 over the pool of two


def test_lower_bound_of_a_chain_and_of_a_shared_instrument():
    # a -> b (lag 1) is 3 + 1 + 3 = 7; the instrument holds 3 tasks of 3: 9 alone.
    tasks = [task(t, "p", duration=3, needs=[need("m1", "m2"), need("I")]) for t in "abc"]
    prob = shop(
        tasks,
        [*machines("m1", "m2"), Unit(id="I", kind="instrument")],
        precedences=[Precedence(before="a", after="b", lag=1)],
    )
    assert Flexible.of(prob).lower_bound() == 9


def test_search_reaches_the_optimum_and_the_plan_validates():
    prob = two_machines_and_an_instrument()
    view = Flexible.of(prob)
    warm()  # compiled already by make; a changed kernel would compile here, not in a solve
    starts, units, span, made = evolve(view, seconds=0.2, seed=1, threads=2)
    assert span == 8 and made > 0
    valid(prob, Plan(assignments=view.assignments(starts, units), status="feasible"))


def test_units_of_pooled_capacity_and_releases():
    # Two ovens of capacity 2; each task takes 2 of one oven for 3; a and b cannot start
    # before 2 (a release: the mirrored island stands aside). Two tasks at a time: c and d
    # take both ovens over [0, 3), a and b follow: 6 (a and b at 2 would push c and d to 5).
    tasks = [
        task(t, "p", duration=3, needs=[need("o1", "o2", amount=2)], earliest=2 if t in "ab" else 0)
        for t in "abcd"
    ]
    prob = shop(tasks, machines("o1", "o2", capacity=2))
    view = Flexible.of(prob)
    starts, units, span, _ = evolve(view, seconds=0.2, seed=0, threads=2)
    assert span == 6
    valid(prob, Plan(assignments=view.assignments(starts, units), status="feasible"))


def test_solve_is_never_worse_than_the_serial_schedule():
    warm()
    for seed in range(3):
        prob = generate_testlab(seed, tests=30, machines=5)
        serial = best_schedule(prob, Facts(prob), ("lft", "mts"))
        plan = valid(prob, solve(prob, SolveOptions(time_limit=1.0, seed=seed)))
        assert plan.breakdown["makespan"] <= serial.breakdown["makespan"]


def test_solve_returns_the_optimum_it_meets_the_bound_with():
    # 6 tests of 5 on 3 interchangeable machines: 10 is the energy bound and reachable.
    tasks = [task(f"t{k}", "p", duration=5, needs=[need("m1", "m2", "m3")]) for k in range(6)]
    prob = shop(tasks, machines("m1", "m2", "m3"))
    warm()
    plan = valid(prob, solve(prob, SolveOptions(time_limit=20.0)))
    assert plan.status == "optimal" and plan.objective == 10 and plan.seconds < 10


def test_search_keeps_a_tiny_time_limit():
    prob = generate_testlab(0, tests=300, machines=30)
    view = Flexible.of(prob)
    warm()
    began = time.monotonic()
    starts, units, _, _ = evolve(view, seconds=0.1, seed=0, threads=2)
    assert time.monotonic() - began < 2.0  # chunks of decodes between reads of the clock
    valid(prob, Plan(assignments=view.assignments(starts, units), status="feasible"))


def test_progress_reports_valid_plans_that_only_get_shorter():
    prob = generate_testlab(1, tests=120, machines=12)
    warm()
    seen = []
    plan = valid(prob, solve(prob, SolveOptions(time_limit=2.0, progress=seen.append)))
    spans = [r.plan.breakdown["makespan"] for r in seen if r.level == "constructive"]
    assert spans and spans == sorted(spans, reverse=True)
    assert len(set(spans)) == len(spans)  # each report improves on the last
    for report in seen:
        if report.plan is not None:
            valid(prob, report.plan)
    assert plan.breakdown["makespan"] <= spans[-1]
