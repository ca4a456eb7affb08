"""Tiny problems whose optimum is worked out by hand in the comment, solved to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver import score
from solver.problem import Person, Precedence, Request, Unit, Weights
from tests.solver.conftest import at, need, placed, problem, solved, staff, task
from tests.solver.psplib import PSPLIB, read_sm


def test_rcpsp_by_hand():
    # R has capacity 2. a (3 slots, 2 units), b and c (2 slots, 1 unit each), d (1 slot,
    # 2 units) after a. Energy 3*2 + 2 + 2 + 1*2 = 12 over capacity 2 gives at least 6,
    # and b, c in [0, 2), a in [2, 5), d in [5, 6) reaches it: optimum 6.
    tasks = [
        task("a", "p", duration=3, needs=[need("R", amount=2)]),
        task("b", "p", duration=2, needs=[need("R")]),
        task("c", "p", duration=2, needs=[need("R")]),
        task("d", "p", duration=1, needs=[need("R", amount=2)]),
    ]
    prob = problem(
        tasks,
        units=[Unit(id="R", capacity=2)],
        requests=[Request(id="p", required=True)],
        precedences=(Precedence(before="a", after="d"),),
        objective="makespan",
    )
    plan = solved(prob)
    assert plan.status == "optimal" and plan.objective == 6 and plan.bound == 6


def test_priority_sum_beats_the_single_biggest_request():
    # One unit, 4 slots. A (priority 3) takes 3 slots, B and C (priority 2 each) 2 slots
    # each. A alone scores 3 and leaves 1 slot; B and C together score 4: A is left out.
    u = Unit(id="u")
    tasks = [task(t, duration=d, needs=[need("u")]) for t, d in (("A", 3), ("B", 2), ("C", 2))]
    requests = [
        Request(id="A", priority=3),
        Request(id="B", priority=2),
        Request(id="C", priority=2),
    ]
    plan = solved(problem(tasks, units=[u], requests=requests, horizon=4))
    assert placed(plan) == {"B", "C"} and plan.breakdown["scheduled"] == 4
    reason = plan.unplaced["A"][0]
    assert reason.rule == "equipment_capacity" and {"B", "C"} <= set(reason.refs)


def test_weighted_tardiness_orders_by_priority():
    # One unit; x and y take 2 slots and are due at 2. y first: x is 2 late at priority 1,
    # tardiness 2. x first: y is 2 late at priority 3, tardiness 6. Optimum: y first, 2.
    u = Unit(id="u")
    tasks = [task(t, duration=2, needs=[need("u")], due=2) for t in "xy"]
    requests = [Request(id="x", priority=1), Request(id="y", priority=3)]
    plan = solved(problem(tasks, units=[u], requests=requests, horizon=10))
    assert plan.assignments["y"].start == 0 and plan.breakdown["tardiness"] == 2


def test_a_requests_due_date_counts_its_finish_once():
    # One unit. Request r: tasks a and b, 2 slots each, due at 2 as a whole; s: one task
    # of 2 slots, due at 2, priority 2. r first: r finishes at 4 (2 late), s at 6 (4 late
    # x 2 = 8): 10. s first: s on time, r finishes at 6: 4 late, counted once (were the due
    # date each task's, a ending at 4 and b at 6 would count 2 + 4 = 6).
    u = Unit(id="u")
    tasks = [
        task("a", "r", duration=2, needs=[need("u")]),
        task("b", "r", duration=2, needs=[need("u")]),
        task("s", duration=2, needs=[need("u")], due=2),
    ]
    requests = [Request(id="r", priority=1, due=2), Request(id="s", priority=2)]
    plan = solved(problem(tasks, units=[u], requests=requests, horizon=10))
    assert plan.assignments["s"].start == 0 and plan.breakdown["tardiness"] == 4
    r_first = {
        "a": at("a", 0, units=["u"]),
        "b": at("b", 2, units=["u"]),
        "s": at("s", 4, units=["u"]),
    }
    prob = problem(tasks, units=[u], requests=requests, horizon=10)
    assert score.evaluate(prob, r_first)["tardiness"] == 2 + 8


def test_current_plan_is_kept_before_finishing_early():
    # a could start at 0 (finish 1) but keeping its booking at 3 is the higher level.
    current = {"a": at("a", 3, units=["u"])}
    prob = problem([task("a", needs=[need("u")])], units=[Unit(id="u")], current=current)
    plan = solved(prob)
    assert plan.assignments["a"] == current["a"]
    assert plan.breakdown["disruption"] == 0 and plan.breakdown["finish"] == 4


def test_dropped_or_moved_bookings_count_as_disruption():
    # b (priority 5) needs [0, 3) on the unit where a is booked at 1: a moves to 3.
    u = Unit(id="u")
    tasks = [
        task("a", duration=2, needs=[need("u")]),
        task("b", duration=3, needs=[need("u")], deadline=3),
    ]
    prob = problem(
        tasks,
        units=[u],
        requests=[Request(id="b", priority=5)],
        current={"a": at("a", 1, units=["u"])},
    )
    plan = solved(prob)
    assert placed(plan) == {"a", "b"} and plan.breakdown["disruption"] == 1


def test_continuity_keeps_one_person_on_a_request():
    # Two tasks of one request one after the other; p and q could each do either. The same
    # person on both makes 1 distinct person instead of 2.
    tasks = [
        task("a", "r", duration=2, staff=(staff(),)),
        task("b", "r", duration=2, staff=(staff(),)),
    ]
    prob = problem(
        tasks,
        people=[Person(id="p"), Person(id="q")],
        precedences=(Precedence(before="a", after="b"),),
    )
    plan = solved(prob)
    assert plan.breakdown["continuity"] == 1
    assert plan.assignments["a"].people == plan.assignments["b"].people


def test_cost_level_picks_the_cheaper_unit():
    # Same timing on either unit; with a cost weight the cheaper one wins (2 * 1 vs 2 * 5).
    units = [Unit(id="dear", cost_per_slot=5), Unit(id="cheap", cost_per_slot=1)]
    prob = problem(
        [task("a", duration=2, needs=[need("dear", "cheap")])], units=units, weights=Weights(cost=1)
    )
    plan = solved(prob)
    assert plan.assignments["a"].units == ("cheap",) and plan.breakdown["cost"] == 2


@pytest.mark.parametrize("lexicographic", [True, False])
def test_weighted_and_lexicographic_agree_when_weights_dominate(lexicographic):
    # The priority example again: both modes leave A out.
    u = Unit(id="u")
    tasks = [task(t, duration=d, needs=[need("u")]) for t, d in (("A", 3), ("B", 2), ("C", 2))]
    requests = [
        Request(id="A", priority=3),
        Request(id="B", priority=2),
        Request(id="C", priority=2),
    ]
    prob = problem(tasks, units=[u], requests=requests, horizon=4)
    plan = solved(prob, lexicographic=lexicographic)
    assert placed(plan) == {"B", "C"}
    assert plan.objective == score.weighted(prob, score.evaluate(prob, plan.assignments))
    if not lexicographic:  # CP-SAT's proven bound on the same weighted sum
        assert plan.status == "optimal" and plan.bound == plan.objective


def test_makespan_objective_schedules_optional_requests_first():
    # b is optional; the makespan level alone would drop it (makespan 2 instead of 5).
    tasks = [task("a", duration=2), task("b", duration=5)]
    prob = problem(tasks, requests=[Request(id="a", required=True)], objective="makespan")
    plan = solved(prob)
    assert placed(plan) == {"a", "b"} and plan.breakdown["makespan"] == 5


def test_psplib_j301_1_is_solved_to_its_best_known_makespan():
    path = PSPLIB / "j30" / "j301_1.sm"
    if not Path(path).exists():
        pytest.skip("PSPLIB files not available")
    prob = read_sm(path)
    plan = solved(prob, time_limit=20)
    assert plan.status == "optimal" and plan.objective == 43 and plan.bound == 43
