"""Explanations: requests that can never fit come back with the rule that stops them, and
requests left out of a plan name what blocks them there."""

from __future__ import annotations

import pytest

from solver.explain import TIME_LIMIT, explain, precheck
from solver.plan import Plan
from solver.problem import Budget, Person, Precedence, Request, TeamRule, Unit
from tests.solver.conftest import need, problem, solved, staff, task


def rules(prob, request: str = "a") -> set[str]:
    return {reason.rule for reason in precheck(prob).get(request, ())}


CASES = {
    "equipment_capacity": dict(
        tasks=[task("a", needs=[need("u", amount=2)])], units=[Unit(id="u")]
    ),
    "staff_eligible": dict(tasks=[task("a", staff=(staff(skill="sem"),))], people=[Person(id="p")]),
    "certified_operator": dict(
        tasks=[task("a", needs=[need("u")], staff=(staff(),), earliest=6)],
        units=[Unit(id="u", kind="sem", needs_certified=True)],
        people=[Person(id="p", certs={"sem": 5})],
    ),
    "equipment_open": dict(
        tasks=[task("a", duration=5, needs=[need("u")])],
        units=[Unit(id="u", open=((0, 4), (8, 12)))],
    ),
    "equipment_downtime": dict(
        tasks=[task("a", duration=2, needs=[need("u")], deadline=6)],
        units=[Unit(id="u", down=((1, 5),))],
    ),
    "task_window": dict(tasks=[task("a", duration=5, earliest=3, deadline=6)]),
    "person_available": dict(
        tasks=[task("a", duration=2, staff=(staff(),), deadline=8)],
        people=[Person(id="p", available=((10, 20),))],
    ),
    "student_supervision": dict(
        tasks=[task("a", staff=(staff(),))], people=[Person(id="s", role="student")]
    ),
    "role_cap": dict(
        tasks=[task("a", staff=(staff(count=2, role="student"),), at_most={"student": 1})],
        people=[Person(id="s1", role="student"), Person(id="s2", role="student")],
    ),
    "one_site": dict(
        tasks=[task("a", needs=[need("n"), need("s")])],
        units=[Unit(id="n", site="north"), Unit(id="s", site="south")],
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_precheck_names_the_rule(rule):
    case = CASES[rule]
    prob = problem(case["tasks"], units=case.get("units", ()), people=case.get("people", ()))
    assert rule in rules(prob)
    reason = precheck(prob)["a"][0]
    assert reason.request == "a" and reason.task == "a" and reason.message


def test_a_task_longer_than_any_working_window_says_so():
    """Nobody works 10 slots at a stretch: the reason is the length, not the dates."""
    prob = problem(
        [task("a", duration=10, staff=(staff(),))],
        people=[Person(id="p", available=((0, 4), (4, 8), (10, 16)))],
        horizon=40,
    )
    reason = precheck(prob)["a"][0]
    assert reason.rule == "person_available"
    assert "longer than any working window of the 1 eligible (the longest is" in reason.message


def test_a_task_that_ends_beyond_the_horizon_asks_for_more_weeks():
    prob = problem([task("a", duration=10, earliest=15)], horizon=20)
    reason = precheck(prob)["a"][0]
    assert reason.rule == "task_window" and "beyond the planning horizon" in reason.message
    assert reason.message.endswith("plan more weeks")
    # A hard deadline inside the horizon is the task's own limit, said as before.
    prob = problem([task("a", duration=10, earliest=5, deadline=12)], horizon=20)
    assert "do not fit between" in precheck(prob)["a"][0].message


def test_precheck_precedence_chain_too_long_for_the_deadline():
    tasks = [task("a", "r", duration=3), task("b", "r", duration=3, deadline=5)]
    prob = problem(tasks, precedences=(Precedence(before="a", after="b"),))
    assert rules(prob, "r") == {"precedence"}


def test_precheck_budget_too_small_for_the_cheapest_mode():
    tasks = [task("a", duration=2, needs=[need("x", "y")], budget="b")]
    units = [Unit(id="x", cost_per_slot=4), Unit(id="y", cost_per_slot=3)]
    prob = problem(tasks, units=units, budgets=(Budget(id="b", limit=5),))
    assert rules(prob) == {"budget"}  # the cheapest needs 2 * 3 = 6


def test_precheck_team_without_enough_people_of_a_role():
    rule = TeamRule(id="t", min_roles={"technician": 2})
    prob = problem(
        [task("a", staff=(staff(),), team="t")],
        people=[Person(id="x", role="technician"), Person(id="y", role="engineer")],
        teams=(rule,),
    )
    assert rules(prob) == {"team_composition"}


def test_precheck_leaves_feasible_requests_alone():
    prob = problem([task("a", duration=2, needs=[need("u")])], units=[Unit(id="u")])
    assert precheck(prob) == {}


def test_a_required_request_that_can_never_fit_makes_the_solve_infeasible():
    from solver.solve import SolveOptions, solve

    prob = problem([task("a", duration=5, deadline=3)], requests=[Request(id="a", required=True)])
    plan = solve(prob, SolveOptions(time_limit=2))
    assert plan.status == "infeasible" and plan.unplaced["a"][0].rule == "task_window"


def test_people_taken_by_a_higher_priority_request():
    # One person, two requests wanting them in the same slots: the lower priority is out.
    tasks = [task(t, duration=3, staff=(staff(),), deadline=3) for t in ("hi", "lo")]
    prob = problem(
        tasks,
        people=[Person(id="p")],
        requests=[Request(id="hi", priority=4), Request(id="lo", priority=1)],
    )
    plan = solved(prob)
    reason = plan.unplaced["lo"][0]
    assert reason.rule == "person_overlap" and "hi" in reason.refs and "'hi'" in reason.message


def test_explain_a_plan_that_could_take_more():
    # An empty plan (e.g. a search stopped early) leaves a request out that fits.
    prob = problem([task("a")])
    reasons = explain(prob, Plan())
    assert reasons["a"][0].rule == TIME_LIMIT


def test_explain_skips_placed_requests():
    prob = problem([task("a"), task("b", duration=30)])
    plan = solved(prob)
    assert set(plan.unplaced) == {"b"}
    assert plan.unplaced["b"][0].rule == "task_window"
