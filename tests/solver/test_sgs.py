"""The constructive schedule: valid plans, the booking-calendar baseline, speed."""

from __future__ import annotations

import time

import pytest

from solver.facts import Facts
from solver.problem import Precedence, Request, Unit
from solver.sgs import RULES, best_schedule, first_come_first_served, serial_schedule
from tests.solver.conftest import at, need, placed, problem, task, valid
from tests.solver.gen import lab_problem


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rule", RULES)
def test_serial_schedules_are_valid(seed, rule):
    prob = lab_problem(seed)
    plan = valid(prob, serial_schedule(prob, rule))
    assert plan.status == "feasible"
    assert set(plan.unplaced) | {prob.task[t].request for t in plan.assignments} == {
        r.id for r in prob.requests
    }


def test_first_come_first_served_follows_arrival_not_priority():
    # Both want the only unit in [0, 2); the first to arrive gets it under FCFS, the higher
    # priority gets it under the priority rule.
    u = Unit(id="u")
    tasks = [task(t, duration=2, needs=[need("u")], deadline=2) for t in ("early", "urgent")]
    requests = [Request(id="early", arrival=0), Request(id="urgent", arrival=1, priority=5)]
    prob = problem(tasks, units=[u], requests=requests)
    assert placed(valid(prob, first_come_first_served(prob))) == {"early"}
    assert placed(valid(prob, serial_schedule(prob, "priority"))) == {"urgent"}
    assert first_come_first_served(prob).unplaced["urgent"][0].rule == "equipment_capacity"


def test_a_request_that_does_not_fit_whole_is_taken_out_again():
    # b fits, c does not (the unit is taken): the request r leaves both out, a stays.
    u = Unit(id="u")
    tasks = [
        task("a", duration=4, needs=[need("u")], deadline=4),
        task("b", "r", duration=1),
        task("c", "r", duration=2, needs=[need("u")], deadline=4),
    ]
    prob = problem(
        tasks, units=[u], requests=[Request(id="a", arrival=0), Request(id="r", arrival=1)]
    )
    plan = valid(prob, first_come_first_served(prob))
    assert placed(plan) == {"a"} and "r" in plan.unplaced


def test_locked_tasks_stay_put():
    current = {"a": at("a", 5, units=["u"])}
    prob = problem(
        [task("a", needs=[need("u")])],
        units=[Unit(id="u")],
        current=current,
        locked=frozenset({"a"}),
    )
    assert valid(prob, serial_schedule(prob)).assignments["a"] == current["a"]


def test_makespan_rules_on_a_chain():
    tasks = [task(t, "p", duration=2, needs=[need("R")]) for t in "abc"]
    precs = (Precedence(before="a", after="b"), Precedence(before="b", after="c"))
    prob = problem(
        tasks,
        units=[Unit(id="R")],
        requests=[Request(id="p", required=True)],
        precedences=precs,
        objective="makespan",
    )
    plan = valid(prob, best_schedule(prob, rules=("lft", "mts")))
    assert plan.breakdown["makespan"] == 6


def test_big_instance_is_fast():
    # 500 tasks, 40 units, 150 people, four weeks of half-hour slots.
    prob = lab_problem(
        7, requests=125, tasks_per_request=(2, 6), units=40, people=150, days=28, budgets=6, teams=4
    )
    facts = Facts(prob)
    began = time.perf_counter()
    plan = serial_schedule(prob, facts=facts)
    seconds = time.perf_counter() - began
    valid(prob, plan)
    assert len(plan.assignments) > 300
    assert seconds < 3.0  # well under a second on an idle 2-core machine


def test_plans_rank_by_scheduled_requests_before_makespan():
    # With an optional request, a longer plan that places it beats a shorter one without.
    from solver import score

    prob = problem(
        [task("a", "r", duration=2), task("b", "q", duration=3)],
        requests=[Request(id="r", required=True), Request(id="q")],
        objective="makespan",
    )
    both = {"a": at("a", 0), "b": at("b", 2)}
    alone = {"a": at("a", 0)}
    assert score.rank(prob, score.evaluate(prob, both)) < score.rank(
        prob, score.evaluate(prob, alone)
    )
