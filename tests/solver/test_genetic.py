"""The compiled genetic algorithm for plain RCPSP: valid schedules, justification never
worse, lists that stay precedence-feasible, and optima reached on small problems."""

from __future__ import annotations

import time

import numpy as np
import pytest

from solver import genetic, genetic_kernels
from solver.plan import Plan
from solver.problem import Precedence
from solver.rcpsp import Rcpsp
from tests.solver.conftest import need, solved, task, valid
from tests.solver.psplib import PSPLIB, read_sm
from tests.solver.test_rcpsp import project, random_project, view_of


def kernels_input(view: Rcpsp):
    arrays = genetic._arrays(view)
    free = np.empty((len(view.capacities), genetic._horizon(view)), dtype=np.int64)
    for r, cap in enumerate(view.capacities):
        free[r, :] = cap
    return arrays, free, np.empty((4, view.n), dtype=np.int64)


def feasible_list(view: Rcpsp, order) -> bool:
    position = {j: p for p, j in enumerate(order)}
    return sorted(order) == list(range(view.n)) and all(
        position[a] < position[b] for a in range(view.n) for b, _ in view.succs[a]
    )


def plan_of(view: Rcpsp, starts) -> Plan:
    return Plan(assignments=view.assignments([int(s) for s in starts]), status="feasible")


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("seed", range(6))
def test_schedules_are_valid_and_no_shorter_than_the_lower_bound(seed, threads):
    prob = random_project(seed)  # lags, zero durations, three resources
    view = view_of(prob)
    starts, span, count = genetic.evolve(view, seconds=0.2, seed=seed, threads=threads)
    valid(prob, plan_of(view, starts))
    assert count >= 1 and span == view.makespan(starts) >= view.lower_bound()


@pytest.mark.parametrize("seed", range(6))
def test_a_mirrored_island_gives_valid_forward_schedules(seed):
    # The island evolves the time-reversed problem; what it offers, and what it takes in
    # from the forward side, must be turned round: a wrong turn breaks precedence or lags.
    prob = random_project(seed, n=15)
    view = view_of(prob)
    best = genetic._Best(time.monotonic() + 0.2, None, None)
    island = genetic._Island(view, 0.2, seed, mirrored=True)
    island.run(best)
    valid(prob, plan_of(view, best.starts))
    assert best.span == view.makespan(best.starts) >= view.lower_bound()
    forward, span = best.starts, best.span
    backward = island.turned(forward, span)
    assert list(island.turned(backward, span)) == list(forward)
    # Mirrored precedences hold on the turned schedule: j before k forward is k before j.
    for j in range(view.n):
        for k, lag in view.succs[j]:
            assert backward[j] >= backward[k] + view.durations[k] + lag


def test_an_island_asked_to_mirror_a_problem_with_a_release_stays_forward():
    # Backward, a release would be a deadline the mirrored problem does not know: b may
    # not start before slot 5, so the best makespan is 5 + 2 = 7, with a first.
    tasks = [
        task("a", "p", duration=2, needs=[need("R")]),
        task("b", "p", duration=2, needs=[need("R")], earliest=5),
    ]
    prob = project(tasks, capacity=1)
    view = view_of(prob)
    best = genetic._Best(time.monotonic() + 0.2, None, None)
    island = genetic._Island(view, 0.2, 0, mirrored=True)
    island.run(best)
    assert not island.mirrored
    valid(prob, plan_of(view, best.starts))
    assert best.span == 7 and list(best.starts) == [0, 5]


@pytest.mark.parametrize("seed", range(6))
def test_justification_is_never_worse_and_gives_its_order_by_start(seed):
    prob = random_project(seed, n=15)
    view = view_of(prob)
    arrays, free, work = kernels_input(view)
    order = np.array(view.topo, dtype=np.int64)
    plain = np.empty(view.n, dtype=np.int64)
    span = genetic_kernels._serial(arrays, order, False, free, plain)
    valid(prob, plan_of(view, plain))
    starts = np.empty(view.n, dtype=np.int64)
    justified, made = genetic_kernels._decode(arrays, order, free, work, starts)
    valid(prob, plan_of(view, starts))
    assert justified <= span and made >= 3
    assert feasible_list(view, order)
    assert [starts[j] for j in order] == sorted(starts)
    assert (free == np.array(view.capacities)[:, None]).all()  # every slot free again


@pytest.mark.parametrize("seed", range(6))
def test_crossover_and_shifts_keep_lists_precedence_feasible(seed):
    view = view_of(random_project(seed, n=20))
    arrays, _, _ = kernels_input(view)
    rng = np.random.default_rng(seed)
    latest = np.zeros(view.n)
    mother = np.empty(view.n, dtype=np.int64)
    father = np.empty(view.n, dtype=np.int64)
    genetic_kernels._seed(seed)
    genetic_kernels._random_list(arrays, latest, 10.0, mother)
    genetic_kernels._random_list(arrays, latest, 10.0, father)
    child = np.empty(view.n, dtype=np.int64)
    used = np.empty(view.n, dtype=np.int64)
    for _ in range(20):
        cut1, cut2 = sorted(rng.integers(0, view.n + 1, size=2))
        genetic_kernels._crossover(mother, father, cut1, cut2, used, child)
        assert list(child[:cut1]) == list(mother[:cut1])
        before = list(child)
        genetic_kernels._shift(arrays, child, used)
        assert feasible_list(view, child)
        moved = [a != b for a, b in zip(before, child, strict=True)]
        if any(moved):  # one task moved: the lists differ in one contiguous stretch
            first, last = moved.index(True), len(moved) - 1 - moved[::-1].index(True)
            assert sorted(before[first : last + 1]) == sorted(child[first : last + 1])


@pytest.mark.parametrize("seed", range(6))
def test_reaches_the_optimum_cp_sat_proves_on_small_projects(seed):
    prob = random_project(seed, n=10)
    optimum = solved(prob)
    assert optimum.status == "optimal"
    view = view_of(prob)
    target = int(optimum.objective)
    _, span, _ = genetic.evolve(view, seconds=2.0, seed=seed, target=target, threads=2)
    assert span == optimum.objective


def test_reaches_the_energy_bound_worked_by_hand():
    # Capacity 2. Energy (2 + 4 + 2 * 4 + 2) / 2 = 8 slots, reached by b in [0, 4) beside
    # a in [0, 2) then d in [2, 4), and c (both units, after a) in [4, 8).
    tasks = [
        task("a", "p", duration=2, needs=[need("R")]),
        task("b", "p", duration=4, needs=[need("R")]),
        task("c", "p", duration=4, needs=[need("R", amount=2)]),
        task("d", "p", duration=2, needs=[need("R")]),
    ]
    prob = project(tasks, precedences=[Precedence(before="a", after="c")])
    view = view_of(prob)
    starts, span, _ = genetic.evolve(view, seconds=1.0, target=view.lower_bound())
    valid(prob, plan_of(view, starts))
    assert view.lower_bound() == 8 and span == 8


@pytest.mark.skipif(not PSPLIB.exists(), reason="PSPLIB data not present")
def test_psplib_instance_reaches_its_optimum_without_cp_sat():
    view = view_of(read_sm(PSPLIB / "j30" / "j301_1.sm"))  # optimum 43
    _, span, _ = genetic.evolve(view, seconds=5.0, target=43)
    assert span == 43
