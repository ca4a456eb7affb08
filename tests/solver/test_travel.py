"""The travel rule when its pairs are added lazily (big instances): a solution that breaks
it is never kept, and the level ends at the true optimum."""

from __future__ import annotations

import pytest

from solver.facts import Facts
from solver.model import Model
from solver.model.builder import value_of
from solver.model.search import Session, run_level, travel_conflicts
from solver.plan import Plan
from solver.problem import Person, Request, Unit
from solver.solve import SolveOptions, solve
from tests.solver.conftest import at, need, problem, staff, task, valid
from tests.solver.gen import lab_problem


def two_sites():
    # One person, a at the north site and b at the south one, 3 slots apart: the best
    # makespan is 2 + 3 + 2 = 7; without the travel rule it would be 4.
    tasks = [
        task("a", "r", duration=2, needs=[need("n")], staff=(staff(),)),
        task("b", "r", duration=2, needs=[need("s")], staff=(staff(),)),
    ]
    return problem(
        tasks,
        units=[Unit(id="n", site="north"), Unit(id="s", site="south")],
        people=[Person(id="p")],
        requests=[Request(id="r", required=True)],
        travel={("north", "south"): 3},
        objective="makespan",
    )


def test_lazy_travel_pairs_are_added_when_a_solution_breaks_the_rule():
    prob = two_sites()
    model = Model(prob, Facts(prob), hint=None, travel_limit=0)
    assert model.travel.lazy and not model.travel.added
    level = model.objective.levels()[0]
    outcome = run_level(model, level, 10.0, Session(time_limit=10.0))
    assert outcome.status == "optimal" and outcome.value == 7
    assert model.travel.added  # the break was seen and the pair put in
    plan = model.assignments(lambda lit: value_of(outcome.solution, lit))
    valid(prob, Plan(assignments=plan, status="feasible"))


def test_full_travel_encoding_when_small():
    prob = two_sites()
    model = Model(prob, Facts(prob), hint=None)
    assert not model.travel.lazy and len(model.travel.added) == 1


def test_travel_conflicts_finds_the_pair():
    prob = two_sites()
    plan = {"a": at("a", 0, units=["n"], people=["p"]), "b": at("b", 4, units=["s"], people=["p"])}
    assert travel_conflicts(prob, plan) == {("a", "b")}
    plan["b"] = at("b", 5, units=["s"], people=["p"])
    assert travel_conflicts(prob, plan) == set()


def test_a_plan_that_breaks_travel_is_repaired_on_big_models(monkeypatch):
    # Treat the tiny model as big: no restart, the broken optimum (4) is repaired instead.
    import solver.model.search as search

    monkeypatch.setattr(search, "BIG_MODEL", 0)
    prob = two_sites()
    model = Model(prob, Facts(prob), hint=None, travel_limit=0)
    level = model.objective.levels()[0]
    outcome = run_level(model, level, 5.0, Session(time_limit=5.0))
    assert outcome.plan is not None and outcome.value >= 7
    valid(prob, Plan(assignments=outcome.plan, status="feasible"))
    assert model.travel.added  # and the pair is in the model for the next level


def test_repair_moves_a_task_when_nobody_else_can_go():
    from solver.repair import repair_travel

    prob = two_sites()
    broken = {
        "a": at("a", 0, units=["n"], people=["p"]),
        "b": at("b", 2, units=["s"], people=["p"]),
    }
    repaired = repair_travel(prob, Facts(prob), broken, {("a", "b")})
    assert repaired is not None and repaired["b"].start == 5
    valid(prob, Plan(assignments=repaired, status="feasible"))


@pytest.mark.parametrize("seed", range(3))
def test_big_model_paths_keep_every_rule_and_every_level(monkeypatch, seed):
    # Every travel pair held back (lazy), the tiny model treated as big (no restarts, broken
    # plans repaired, the background improver beside CP-SAT): the plan is valid, never below
    # the constructive plan on the first level, and no repair may undo a fixed level.
    import solver.model.constraints as constraints
    import solver.solve as solve_module

    monkeypatch.setattr(constraints, "TRAVEL_LIMIT", 0)
    monkeypatch.setattr(solve_module, "BIG_MODEL", 0)
    prob = lab_problem(seed, requests=25, travel=3, sites=("a", "b", "c"))
    first: list[float] = []
    kept: list[tuple] = []
    original_fix = Model.fix

    def fix(self, level, value):
        kept.append((level, round(value)))
        original_fix(self, level, value)

    monkeypatch.setattr(Model, "fix", fix)

    def progress(p):
        if p.level == "constructive":
            first.append(p.plan.breakdown["scheduled"])

    plan = solve(prob, SolveOptions(time_limit=2.0, workers=1, seed=seed, progress=progress))
    valid(prob, plan)
    assert plan.breakdown["scheduled"] >= max(first)
    # Lexicographically no worse than the fixed levels (adding a request that fits at the
    # end may cost a later level).
    for level, value in kept:
        reached = level.value_of(plan.breakdown)
        if reached != value:
            assert reached > value if level.maximize else reached < value
            break


def test_repair_works_from_the_broken_plans_own_breaks():
    # The search gathers the breaks of every rejected solution; the plan to repair is only
    # the last one, where task c (of an earlier solution's break) is not placed at all.
    from solver.model import search

    base = two_sites()
    prob = problem(
        [*base.tasks, task("c", "q", duration=2, needs=[need("s")], staff=(staff(),))],
        units=list(base.units),
        people=list(base.people),
        requests=[*base.requests, Request(id="q")],
        travel=dict(base.travel),
        objective="makespan",
    )
    model = Model(prob, Facts(prob), hint=None, travel_limit=0)
    level = model.objective.levels()[0]
    broken = {
        "a": at("a", 0, units=["n"], people=["p"]),
        "b": at("b", 2, units=["s"], people=["p"]),
    }
    run = search._Run(
        outcome=search.Outcome("none"),
        broken=(broken, 4.0),
        conflicts={("a", "b"), ("a", "c")},
        restarting=False,
        first_at=None,
    )
    outcome = search._repair(model, level, run, Session(time_limit=1.0))
    assert outcome is not None and outcome.plan["b"].start >= 2 + 3  # p travels north to south
    valid(prob, Plan(assignments=outcome.plan, status="feasible"))
