"""The travel rule when its pairs are added lazily (big instances): a solution that breaks
it is never kept, and the level ends at the true optimum."""

from __future__ import annotations

from solver.facts import Facts
from solver.model import Model
from solver.model.builder import value_of
from solver.model.search import Session, run_level, travel_conflicts
from solver.plan import Plan
from solver.problem import Person, Request, Unit
from tests.solver.conftest import at, need, problem, staff, task, valid


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

    monkeypatch.setattr(search, "_BIG_MODEL", 0)
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
