"""The density rule and the improvement of a constructive plan: valid, never worse."""

from __future__ import annotations

import time

import pytest

from solver.background import BackgroundImprover
from solver.facts import Facts
from solver.improve import improve
from solver.problem import Request, Unit
from solver.sgs import serial_schedule
from tests.solver.conftest import need, placed, problem, task, valid
from tests.solver.gen import lab_problem


def big_or_two_small():
    # One unit, 4 slots. "big" (priority 3) needs all 4; "s1" and "s2" (priority 2 each)
    # need 2 each. Highest priority first places big alone (3); both small ones make 4.
    u = Unit(id="u")
    tasks = [
        task("big", duration=4, needs=[need("u")], deadline=4),
        task("s1", duration=2, needs=[need("u")], deadline=4),
        task("s2", duration=2, needs=[need("u")], deadline=4),
    ]
    requests = [Request(id="big", priority=3), Request(id="s1", priority=2)]
    return problem(tasks, units=[u], requests=[*requests, Request(id="s2", priority=2)])


def test_priority_rule_takes_the_biggest_request_first():
    prob = big_or_two_small()
    assert placed(valid(prob, serial_schedule(prob, "priority"))) == {"big"}


def test_density_rule_takes_priority_per_contested_slot():
    prob = big_or_two_small()
    assert placed(valid(prob, serial_schedule(prob, "density"))) == {"s1", "s2"}


def test_improve_swaps_the_big_request_for_two_small_ones():
    prob = big_or_two_small()
    facts = Facts(prob)
    start = serial_schedule(prob, "priority", facts)
    better = improve(prob, facts, start, seconds=2.0)
    assert placed(valid(prob, better)) == {"s1", "s2"}
    assert better.breakdown["scheduled"] == 4
    assert better.unplaced["big"][0].rule == "equipment_capacity"


@pytest.mark.parametrize("seed", range(4))
def test_improve_is_valid_and_never_worse(seed):
    prob = lab_problem(seed, requests=16, tasks_per_request=(1, 4), units=6, people=10)
    facts = Facts(prob)
    start = valid(prob, serial_schedule(prob, "arrival", facts))
    better = valid(prob, improve(prob, facts, start, seconds=0.3, seed=seed))
    assert better.breakdown["scheduled"] >= start.breakdown["scheduled"]
    left_out = {r.id for r in prob.requests} - {prob.task[t].request for t in better.assignments}
    assert set(better.unplaced) == left_out
    assert all(better.unplaced[r] for r in left_out)  # with reasons


def test_improve_keeps_locked_and_required_requests():
    prob = lab_problem(5, requests=14, units=5, people=8)
    facts = Facts(prob)
    start = serial_schedule(prob, "priority", facts)
    kept = {t: a for t, a in list(start.assignments.items())[:3]}
    locked = problem(
        prob.tasks,
        units=prob.units,
        people=prob.people,
        requests=prob.requests,
        horizon=prob.horizon,
        precedences=prob.precedences,
        budgets=prob.budgets,
        teams=prob.teams,
        travel=prob.travel,
        week_starts=prob.week_starts,
        current=kept,
        locked=frozenset(kept),
    )
    facts = Facts(locked)
    start = valid(locked, serial_schedule(locked, "priority", facts))
    better = valid(locked, improve(locked, facts, start, seconds=0.3))
    assert all(better.assignments[t] == a for t, a in kept.items())


def test_background_improver_finds_the_better_plan_while_we_wait():
    prob = big_or_two_small()
    facts = Facts(prob)
    start = serial_schedule(prob, "priority", facts)
    seen = []
    helper = BackgroundImprover(prob, facts, start, seconds=5.0, on_better=seen.append)
    deadline = time.monotonic() + 5.0
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)
    found = helper.finish()
    assert found is not None and placed(valid(prob, found)) == {"s1", "s2"}


def test_background_improver_stopped_at_once_keeps_nothing_worse():
    prob = lab_problem(2)
    facts = Facts(prob)
    start = serial_schedule(prob, "priority", facts)
    found = BackgroundImprover(prob, facts, start, seconds=5.0).finish()
    if found is not None:
        assert valid(prob, found).breakdown["scheduled"] > start.breakdown["scheduled"]
