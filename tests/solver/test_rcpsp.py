"""Plain RCPSP: the fast view, its lower bounds and cliques, and the solve path
that returns at once when the heuristic meets the bound."""

from __future__ import annotations

import random

import pytest

from solver.facts import Facts
from solver.genetic import warm
from solver.model import Model
from solver.plan import Plan
from solver.problem import Precedence, Request, Unit
from solver.rcpsp import Rcpsp
from solver.solve import SolveOptions, solve
from tests.solver.conftest import need, problem, solved, staff, task, valid
from tests.solver.gen import lab_problem
from tests.solver.psplib import PSPLIB, read_sm


def project(tasks, capacity=2, precedences=(), units=None):
    return problem(
        tasks,
        units=units or [Unit(id="R", capacity=capacity)],
        requests=[Request(id="p", required=True)],
        precedences=tuple(precedences),
        objective="makespan",
        horizon=100,
    )


def random_project(seed: int, n: int = 12):
    rng = random.Random(seed)
    units = [Unit(id=f"R{k}", capacity=rng.randint(2, 5)) for k in range(3)]
    tasks = []
    for j in range(n):
        needs = [need(u.id, amount=rng.randint(1, u.capacity)) for u in units if rng.random() < 0.6]
        tasks.append(task(f"t{j}", "p", duration=rng.randint(0, 6), needs=needs))
    precedences = [
        Precedence(before=f"t{i}", after=f"t{j}", lag=rng.choice((0, 0, 1)))
        for j in range(n)
        for i in range(j)
        if rng.random() < 0.15
    ]
    return project(tasks, precedences=precedences, units=units)


def view_of(prob) -> Rcpsp:
    view = Rcpsp.of(prob)
    assert view is not None
    return view


def test_energy_bound_beats_the_critical_path():
    # Three independent tasks of 2 slots taking the whole capacity 2: the critical path is
    # 2, the energy 3 * 2 * 2 = 12 over capacity 2 gives 6, which a chain reaches.
    tasks = [task(t, "p", duration=2, needs=[need("R", amount=2)]) for t in "abc"]
    assert view_of(project(tasks)).lower_bound() == 6


def test_critical_path_counts_lags_and_releases():
    # a (2 slots) from slot 1, then b (3 slots) 4 slots after a ends: 1 + 2 + 4 + 3 = 10.
    tasks = [task("a", "p", duration=2, earliest=1), task("b", "p", duration=3)]
    prob = project(tasks, precedences=[Precedence(before="a", after="b", lag=4)])
    assert view_of(prob).lower_bound() == 10


def test_no_view_for_lab_problems_or_staffed_tasks():
    assert Rcpsp.of(lab_problem(0)) is None
    tasks = [task("a", "p", duration=2, staff=(staff(),))]
    assert Rcpsp.of(project(tasks)) is None


def test_cliques_are_tasks_that_never_run_together():
    # a, b, c each take 2 of capacity 3: any two exceed it; d takes 1 and fits with any.
    tasks = [task(t, "p", duration=2, needs=[need("R", amount=2)]) for t in "abc"]
    tasks.append(task("d", "p", duration=2, needs=[need("R")]))
    view = view_of(project(tasks, capacity=3))
    assert [sorted(view.ids[j] for j in clique) for clique in view.cliques()] == [["a", "b", "c"]]


@pytest.mark.parametrize("seed", range(4))
def test_solving_with_cliques_stays_valid_and_optimal(seed):
    prob = random_project(seed, n=10)
    view = view_of(prob)
    cliques = [[view.ids[j] for j in c] for c in view.cliques(min_size=2)]
    facts = Facts(prob)
    model = Model(prob, facts, cliques=cliques)
    plain = solved(prob)  # the production path (cliques too, this instance is small)
    level = model.objective.levels()[0]
    from solver.model.search import Session, run_level

    outcome = run_level(model, level, 5.0, Session(time_limit=5.0))
    assert outcome.status == "optimal" and outcome.value == plain.objective
    valid(prob, Plan(assignments=outcome.plan, status="feasible"))


def test_returns_at_once_when_the_heuristic_meets_the_lower_bound():
    tasks = [task(t, "p", duration=2, needs=[need("R", amount=2)]) for t in "abc"]
    prob = project(tasks)
    warm()  # compiled already by make; a changed kernel would compile here, not in the solve
    seen = []
    plan = solve(prob, SolveOptions(time_limit=30, progress=seen.append))
    valid(prob, plan)
    assert plan.status == "optimal" and plan.objective == 6 and plan.bound == 6
    assert plan.seconds < 5 and [p.level for p in seen] == ["constructive"]


@pytest.mark.skipif(not PSPLIB.exists(), reason="PSPLIB data not present")
def test_psplib_instance_reaches_its_optimum():
    prob = read_sm(PSPLIB / "j30" / "j301_1.sm")  # optimum 43
    plan = solved(prob, time_limit=10)
    assert plan.status == "optimal" and plan.objective == 43
