"""solve(): statuses, progress reports, stopping from outside, fallbacks."""

from __future__ import annotations

import threading
import time

from solver.problem import Request, Unit
from solver.solve import Progress, SolveOptions, solve
from tests.solver.conftest import need, placed, problem, task, valid
from tests.solver.gen import lab_problem


def busy_problem():
    """Big enough that the search does not finish in a second."""
    return lab_problem(11, requests=40, tasks_per_request=(2, 5), units=12, people=30, days=14)


def test_stop_event_returns_the_best_plan_so_far():
    prob = busy_problem()
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    began = time.monotonic()
    plan = solve(prob, SolveOptions(time_limit=60, stop=stop))
    timer.cancel()
    assert time.monotonic() - began < 20
    assert plan.status == "stopped"
    assert plan.assignments
    valid(prob, plan)


def test_stop_before_the_search_returns_the_constructive_plan():
    prob = busy_problem()
    stop = threading.Event()
    stop.set()
    plan = solve(prob, SolveOptions(time_limit=30, stop=stop))
    assert plan.status == "stopped" and plan.assignments
    valid(prob, plan)


def test_stop_from_the_progress_callback():
    prob = busy_problem()
    stop = threading.Event()
    seen: list[Progress] = []

    def progress(report: Progress) -> None:
        seen.append(report)
        stop.set()

    plan = solve(prob, SolveOptions(time_limit=60, stop=stop, progress=progress))
    assert plan.status == "stopped" and len(seen) >= 1
    valid(prob, plan)


def test_progress_reports_objective_bound_and_time():
    u = Unit(id="u")
    tasks = [task(t, duration=2, needs=[need("u")], due=2) for t in "abcd"]
    seen: list[Progress] = []
    prob = problem(tasks, units=[u])
    plan = solve(prob, SolveOptions(time_limit=5, progress=seen.append))
    valid(prob, plan)
    assert seen and [p.solutions for p in seen] == sorted(p.solutions for p in seen)
    assert all(p.elapsed >= 0 and p.level for p in seen)
    assert seen[0].level == "constructive" and seen[0].bound <= seen[0].objective
    scheduled = [p for p in seen if p.level == "scheduled"]
    assert scheduled[-1].objective == 4 and scheduled[-1].bound == 4


def test_a_failing_progress_callback_does_not_stop_the_solve():
    def progress(report: Progress) -> None:
        raise RuntimeError("UI went away")

    prob = problem([task(t) for t in "ab"])
    plan = solve(prob, SolveOptions(time_limit=5, progress=progress))
    assert plan.status == "optimal" and placed(plan) == {"a", "b"}


def test_no_time_left_returns_the_constructive_plan():
    prob = lab_problem(3)
    plan = solve(prob, SolveOptions(time_limit=0.001))
    assert plan.status == "feasible" and plan.solutions == 1  # the constructive plan
    valid(prob, plan)


def test_required_requests_that_cannot_fit_together_are_infeasible():
    # Each fits alone, not both: one unit, 3 slots, 2 slots each.
    u = Unit(id="u")
    tasks = [task(t, duration=2, needs=[need("u")]) for t in "ab"]
    requests = [Request(id=t, required=True) for t in "ab"]
    plan = solve(
        problem(tasks, units=[u], requests=requests, horizon=3), SolveOptions(time_limit=5)
    )
    assert plan.status == "infeasible" and plan.assignments == {}


def test_statuses_and_figures_of_an_optimal_plan():
    prob = problem([task("a", duration=2, needs=[need("u")])], units=[Unit(id="u")])
    plan = valid(prob, solve(prob, SolveOptions(time_limit=5)))
    assert plan.status == "optimal" and plan.seconds > 0 and plan.solutions >= 1
    assert plan.breakdown["scheduled"] == 1 and plan.level_bounds["scheduled"] == 1


def test_lab_plans_are_valid_across_seeds():
    for seed in range(3):
        prob = lab_problem(seed)
        plan = solve(prob, SolveOptions(time_limit=1.5))
        assert plan.status in ("optimal", "feasible")
        valid(prob, plan)
        assert set(plan.unplaced) == {
            r.id
            for r in prob.requests
            if not all(t.id in plan.assignments for t in prob.request_tasks[r.id])
        }


def test_a_first_valid_plan_of_a_big_instance_comes_in_seconds():
    # 500 tasks, 40 units, 150 people, four weeks of half-hour slots: stop at the first
    # report (the constructive plan); what comes back must be valid.
    prob = lab_problem(
        7, requests=125, tasks_per_request=(2, 6), units=40, people=150, days=28, budgets=6, teams=4
    )
    stop = threading.Event()
    first: list[Progress] = []

    def progress(report: Progress) -> None:
        first.append(report)
        stop.set()

    plan = solve(prob, SolveOptions(time_limit=60, stop=stop, progress=progress))
    assert plan.status == "stopped" and len(plan.assignments) > 300
    assert first[0].elapsed < 8.0  # about 1.5 s on an idle 2-core machine
    valid(prob, plan)


def test_first_level_progress_never_goes_back(monkeypatch):
    # CP-SAT and the improver thread both report the first level (the tiny model treated
    # as big): what reaches the caller only ever improves, from the constructive value on.
    import solver.solve as solve_module

    monkeypatch.setattr(solve_module, "BIG_MODEL", 0)
    seen: list[float] = []

    def progress(p):
        if p.level == "scheduled":
            seen.append(p.objective)

    prob = lab_problem(4, requests=25)
    plan = solve(prob, SolveOptions(time_limit=2.0, workers=1, progress=progress))
    assert seen and seen == sorted(seen) and len(set(seen)) == len(seen)
    assert plan.breakdown["scheduled"] >= seen[-1]


def test_a_deterministic_solve_gives_the_same_plan_twice():
    # Big enough that CP-SAT's workers would race; the deterministic run has one worker, a
    # work budget and a move count, so the same seed and limit give the same plan.
    # The limit is generous: the work budget (3 units of deterministic time, about 4 s
    # here) ends long before the clock, even on a busy machine.
    prob = lab_problem(7, requests=20)
    options = SolveOptions(time_limit=30.0, seed=3, deterministic=True)
    first, second = solve(prob, options), solve(prob, options)
    valid(prob, first)
    assert first.status == "feasible" and first.repeatable and second.repeatable
    assert first.assignments == second.assignments
    assert not solve(prob, SolveOptions(time_limit=1.0, seed=3)).repeatable
