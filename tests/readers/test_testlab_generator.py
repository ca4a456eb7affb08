"""The test-laboratory generator: the class issue 16 describes, seeded, and its bound."""

from __future__ import annotations

import pytest

from benchmarks.testlab_generator import SIZES, generate_testlab, lower_bound
from solver.sgs import serial_schedule
from solver.validate import validate


@pytest.fixture(scope="module")
def big():
    return generate_testlab(seed=0, tests=500, machines=100)


def test_sizes_and_objective(big):
    assert len(big.tasks) == 500 and big.objective == "makespan"
    assert sum(u.kind == "machine" for u in big.units) == 100
    assert all(r.required for r in big.requests)
    assert {(40, 10), (100, 50), (500, 100)} <= set(SIZES)


def test_each_test_on_one_of_40_to_80_machines_plus_up_to_three_instruments(big):
    kinds = {u.id: u.kind for u in big.units}
    counts = set()
    for task in big.tasks:
        (mode,) = task.modes
        machines, *instruments = mode.needs
        assert 40 <= len(machines.candidates) <= 80
        assert {kinds[c] for c in machines.candidates} == {"machine"}
        assert len(instruments) <= 3
        assert all(len(n.candidates) == 1 for n in instruments)
        assert {kinds[n.candidates[0]] for n in instruments} <= {"instrument"}
        assert 1 <= mode.duration <= 800
        counts.add(len(instruments))
    assert counts == {0, 1, 2, 3}


def test_jobs_are_chains_of_tests(big):
    for prec in big.precedences:
        assert big.task[prec.before].request == big.task[prec.after].request
    assert max(len(tasks) for tasks in big.request_tasks.values()) == 3


def test_seeded():
    a = generate_testlab(seed=4, tests=40, machines=10)
    assert a == generate_testlab(seed=4, tests=40, machines=10)
    assert a != generate_testlab(seed=5, tests=40, machines=10)


@pytest.mark.parametrize("seed", range(3))
def test_the_lower_bound_holds_under_a_valid_plan(seed):
    problem = generate_testlab(seed=seed, tests=40, machines=10)
    plan = serial_schedule(problem, "lft")
    assert plan.status == "feasible" and not validate(problem, plan)
    assert lower_bound(problem) <= plan.breakdown["makespan"]
