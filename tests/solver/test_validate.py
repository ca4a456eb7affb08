"""The validator: hand-made plans that break one rule each, and the rule name it reports."""

from __future__ import annotations

import pytest

from solver.plan import Plan
from solver.problem import (
    Assignment,
    Budget,
    Mode,
    Person,
    Precedence,
    ProblemError,
    Request,
    TeamRule,
    Unit,
)
from solver.rules import Rule
from solver.validate import validate
from tests.solver.conftest import at, need, problem, staff, task

ALICE = Person(id="alice", role="engineer", skills={"sem": 2}, certs={"sem": 10})
BOB = Person(id="bob", role="technician", skills={"sem": 1})
STU = Person(id="stu", role="student", skills={"sem": 2})
SEM = Unit(id="sem1", kind="sem", site="north", needs_certified=True)
SEM2 = Unit(id="sem2", kind="sem", site="south")
OVEN = Unit(id="oven", kind="oven", site="north", capacity=2, setup=1, cleanup=1)


def rules_of(prob, assignments: list[Assignment]) -> set[str]:
    plan = Plan(assignments={a.task: a for a in assignments}, status="feasible")
    return {v.rule for v in validate(prob, plan)}


def test_a_valid_plan_has_no_violation():
    prob = problem(
        [task("a", duration=2, needs=[need("sem1")], staff=(staff(skill="sem"),))],
        units=[SEM],
        people=[ALICE],
    )
    assert rules_of(prob, [at("a", 0, units=["sem1"], people=["alice"])]) == set()


def test_rule_names_are_the_documented_ones():
    assert all(rule.description for rule in Rule)
    assert Rule("budget") is Rule.BUDGET


@pytest.mark.parametrize(
    ("start", "rule"),
    [(-1, Rule.TASK_WINDOW), (9, Rule.TASK_WINDOW), (19, Rule.TASK_WINDOW)],
)
def test_task_window(start, rule):
    prob = problem([task("a", duration=2, earliest=0, deadline=10)])
    assert rules_of(prob, [at("a", start)]) == {rule.value}


def test_horizon_bounds_the_end():
    prob = problem([task("a", duration=2)], horizon=5)
    assert rules_of(prob, [at("a", 4)]) == {Rule.TASK_WINDOW}


def test_mode_index_must_exist():
    prob = problem([task("a")])
    assert rules_of(prob, [at("a", 0, mode=1)]) == {Rule.MODE}


def test_unknown_ids():
    prob = problem([task("a", needs=[need("sem1")])], units=[SEM])
    assert rules_of(prob, [at("zz", 0)]) == {Rule.KNOWN_IDS}
    assert rules_of(prob, [at("a", 0, units=["nope"])]) == {Rule.KNOWN_IDS}
    assert rules_of(prob, [at("a", 0, units=["sem1"], people=["ghost"])]) == {Rule.KNOWN_IDS}


def test_equipment_eligible_wants_one_candidate_per_need_in_order():
    prob = problem(
        [task("a", needs=[need("sem1"), need("oven")])], units=[SEM, OVEN], people=[ALICE]
    )
    assert Rule.EQUIPMENT_ELIGIBLE in rules_of(prob, [at("a", 2, units=["oven", "sem1"])])
    assert Rule.EQUIPMENT_ELIGIBLE in rules_of(prob, [at("a", 2, units=["sem1"])])


def test_one_site():
    prob = problem([task("a", needs=[need("sem2"), need("oven")])], units=[SEM2, OVEN], horizon=20)
    assert rules_of(prob, [at("a", 2, units=["sem2", "oven"])]) == {Rule.ONE_SITE}


def test_equipment_capacity_counts_setup_and_cleanup():
    # The oven holds 2; each task occupies it from start-1 to end+1.
    prob = problem([task(t, duration=2, needs=[need("oven")]) for t in "abc"], units=[OVEN])
    ok = [at("a", 1, units=["oven"]), at("b", 1, units=["oven"]), at("c", 5, units=["oven"])]
    assert rules_of(prob, ok) == set()
    clash = [at("a", 1, units=["oven"]), at("b", 1, units=["oven"]), at("c", 4, units=["oven"])]
    assert rules_of(prob, clash) == {Rule.EQUIPMENT_CAPACITY}


def test_equipment_open_and_downtime():
    unit = Unit(id="u", open=((0, 8), (10, 18)), down=((12, 14),))
    prob = problem([task("a", duration=3, needs=[need("u")])], units=[unit])
    assert rules_of(prob, [at("a", 0, units=["u"])]) == set()
    assert rules_of(prob, [at("a", 6, units=["u"])]) == {Rule.EQUIPMENT_OPEN}
    assert rules_of(prob, [at("a", 10, units=["u"])]) == {Rule.EQUIPMENT_DOWNTIME}


def test_unattended_task_may_run_outside_opening_hours_on_units_that_allow_it():
    night = Unit(id="n", open=((0, 8),), down=((15, 16),), unattended_ok=True)
    strict = Unit(id="s", open=((0, 8),))
    prob = problem(
        [
            task("a", duration=6, needs=[need("n")], staff_slots=1),
            task("b", duration=6, needs=[need("s")], staff_slots=1),
        ],
        units=[night, strict],
    )
    assert rules_of(prob, [at("a", 6, units=["n"])]) == set()
    assert rules_of(prob, [at("a", 8, units=["n"])]) == {Rule.EQUIPMENT_OPEN}  # staffed part
    assert rules_of(prob, [at("a", 7, units=["n"])]) == set()
    assert rules_of(prob, [at("b", 6, units=["s"])]) == {Rule.EQUIPMENT_OPEN}


def test_unattended_run_still_respects_downtime():
    night = Unit(id="n", open=((0, 8),), down=((10, 11),), unattended_ok=True)
    prob = problem([task("a", duration=6, needs=[need("n")], staff_slots=1)], units=[night])
    assert rules_of(prob, [at("a", 6, units=["n"])]) == {Rule.EQUIPMENT_DOWNTIME}


def test_precedence_with_lag():
    prob = problem(
        [task("a", "r", duration=2), task("b", "r")],
        precedences=(Precedence(before="a", after="b", lag=1),),
    )
    assert rules_of(prob, [at("a", 0), at("b", 3)]) == set()
    assert rules_of(prob, [at("a", 0), at("b", 2)]) == {Rule.PRECEDENCE}


def test_staff_count_and_eligibility():
    prob = problem([task("a", staff=(staff(skill="sem", min_level=2),))], people=[ALICE, BOB])
    assert rules_of(prob, [at("a", 0, people=["alice"])]) == set()
    assert rules_of(prob, [at("a", 0)]) == {Rule.STAFF_COUNT}
    assert rules_of(prob, [at("a", 0, people=["alice", "bob"])]) == {Rule.STAFF_COUNT}
    assert rules_of(prob, [at("a", 0, people=["bob"])]) == {Rule.STAFF_ELIGIBLE}


def test_a_person_fills_one_need_only():
    prob = problem(
        [task("a", staff=(staff(role="engineer"), staff(skill="sem")))], people=[ALICE, BOB]
    )
    assert rules_of(prob, [at("a", 0, people=["alice", "bob"])]) == set()
    assert rules_of(prob, [at("a", 0, people=["alice", "alice"])]) == {Rule.STAFF_COUNT}


def test_task_without_staff_need_gets_nobody():
    prob = problem([task("a")], people=[ALICE])
    assert rules_of(prob, [at("a", 0, people=["alice"])]) == {Rule.STAFF_COUNT}


def test_person_overlap_available_and_weekly_cap():
    worker = Person(id="w", available=((0, 10),), weekly_cap=4)
    prob = problem(
        [task(t, duration=2, staff=(staff(),)) for t in "abc"],
        people=[worker],
        week_starts=(0, 10),
    )
    assert rules_of(prob, [at("a", 0, people=["w"]), at("b", 2, people=["w"])]) == set()
    assert rules_of(prob, [at("a", 0, people=["w"]), at("b", 1, people=["w"])]) == {
        Rule.PERSON_OVERLAP
    }
    assert rules_of(prob, [at("a", 9, people=["w"])]) == {Rule.PERSON_AVAILABLE}
    three = [at("a", 0, people=["w"]), at("b", 2, people=["w"]), at("c", 4, people=["w"])]
    assert rules_of(prob, three) == {Rule.PERSON_WEEKLY_CAP}


def test_weekly_cap_counts_by_start_week():
    worker = Person(id="w", weekly_cap=3)
    prob = problem(
        [task(t, duration=2, staff=(staff(),)) for t in "ab"], people=[worker], week_starts=(0, 4)
    )
    # a starts in week 0 and b in week 1: 2 slots each, under the cap of 3.
    assert rules_of(prob, [at("a", 2, people=["w"]), at("b", 4, people=["w"])]) == set()
    assert rules_of(prob, [at("a", 0, people=["w"]), at("b", 2, people=["w"])]) == {
        Rule.PERSON_WEEKLY_CAP
    }


def test_travel_time_between_sites():
    north, south = Unit(id="n", site="north"), Unit(id="s", site="south")
    prob = problem(
        [
            task("a", duration=2, needs=[need("n")], staff=(staff(),)),
            task("b", duration=2, needs=[need("s")], staff=(staff(),)),
        ],
        units=[north, south],
        people=[BOB],
        travel={("north", "south"): 3},
    )
    ok = [at("a", 0, units=["n"], people=["bob"]), at("b", 5, units=["s"], people=["bob"])]
    assert rules_of(prob, ok) == set()
    late = [at("a", 0, units=["n"], people=["bob"]), at("b", 4, units=["s"], people=["bob"])]
    assert rules_of(prob, late) == {Rule.TRAVEL_TIME}


def test_certified_operator_valid_on_the_start():
    prob = problem(
        [task("a", duration=2, needs=[need("sem1")], staff=(staff(skill="sem"),))],
        units=[SEM],
        people=[ALICE, BOB],
    )
    assert rules_of(prob, [at("a", 9, units=["sem1"], people=["alice"])]) == set()
    assert rules_of(prob, [at("a", 10, units=["sem1"], people=["alice"])]) == {
        Rule.CERTIFIED_OPERATOR
    }
    assert rules_of(prob, [at("a", 0, units=["sem1"], people=["bob"])]) == {Rule.CERTIFIED_OPERATOR}


def test_student_supervision():
    prob = problem([task("a", staff=(staff(count=2, skill="sem"),))], people=[ALICE, STU, BOB])
    assert rules_of(prob, [at("a", 0, people=["stu", "alice"])]) == set()
    prob = problem([task("a", staff=(staff(skill="sem"),))], people=[STU])
    assert rules_of(prob, [at("a", 0, people=["stu"])]) == {Rule.STUDENT_SUPERVISION}


def test_role_cap():
    two = (staff(skill="sem"), staff())
    tech = Person(id="tech", role="technician")
    for cap, broken in ((1, {Rule.ROLE_CAP}), (2, set())):
        prob = problem([task("a", staff=two, at_most={"technician": cap})], people=[BOB, tech])
        assert rules_of(prob, [at("a", 0, people=["bob", "tech"])]) == broken


def test_supervision_by_role_or_by_name():
    investor = Person(id="inv", role="investor", supervises=False)
    named = Person(id="stu", role="student", skills={"sem": 2}, supervisor="inv")
    team = (staff(skill="sem"), staff())
    for student, broken in ((STU, {Rule.STUDENT_SUPERVISION}), (named, set())):
        prob = problem([task("a", staff=team)], people=[student, investor])
        assert rules_of(prob, [at("a", 0, people=["stu", "inv"])]) == broken
    # Each student needs their own: one named supervisor does not cover another student.
    other = Person(id="stu2", role="student", skills={"sem": 2})
    prob = problem([task("a", staff=(*team, staff()))], people=[named, other, investor])
    assert rules_of(prob, [at("a", 0, people=["stu", "inv", "stu2"])]) == {Rule.STUDENT_SUPERVISION}


def test_an_unknown_supervisor_is_refused():
    with pytest.raises(ProblemError, match="unknown supervisor 'nobody'"):
        problem([], people=[Person(id="stu", role="student", supervisor="nobody")])


def test_team_composition():
    rule = TeamRule(id="t", min_roles={"technician": 1}, max_students_per_senior=1)
    stu2 = Person(id="stu2", role="student", skills={"sem": 2})
    prob = problem(
        [task(t, "r", staff=(staff(skill="sem"),), team="t") for t in "abc"],
        people=[ALICE, BOB, STU, stu2],
        teams=(rule,),
    )
    good = [at("a", 0, people=["bob"]), at("b", 1, people=["alice"]), at("c", 2, people=["bob"])]
    assert rules_of(prob, good) == set()
    no_tech = [at(t, i, people=["alice"]) for i, t in enumerate("abc")]
    assert rules_of(prob, no_tech) == {Rule.TEAM_COMPOSITION}


def test_team_student_ratio():
    rule = TeamRule(id="t", max_students_per_senior=1)
    stu2 = Person(id="stu2", role="student", skills={"sem": 2})
    prob = problem(
        [task(t, "r", staff=(staff(count=2, skill="sem"),), team="t") for t in "ab"],
        people=[ALICE, STU, stu2],
        teams=(rule,),
    )
    two_students = [at("a", 0, people=["alice", "stu"]), at("b", 1, people=["alice", "stu2"])]
    assert rules_of(prob, two_students) == {Rule.TEAM_COMPOSITION}


def test_budget_counts_units_people_and_consumption():
    pricey = Unit(id="u", cost_per_slot=3)
    paid = Person(id="p", cost_per_slot=2)
    mode = Mode(duration=2, needs=(need("u"),), consumes={"cash": 1})
    prob = problem(
        [task("a", modes=[mode], staff=(staff(),), budget="cash")],
        units=[pricey],
        people=[paid],
        budgets=(Budget(id="cash", limit=11),),
    )
    # 3*2 for the unit + 2*2 for the person + 1 consumed = 11.
    assert rules_of(prob, [at("a", 0, units=["u"], people=["p"])]) == set()
    tight = problem(
        prob.tasks, units=[pricey], people=[paid], budgets=(Budget(id="cash", limit=10),)
    )
    assert rules_of(tight, [at("a", 0, units=["u"], people=["p"])]) == {Rule.BUDGET}


def test_locked_booking_and_required_and_whole_request():
    a0 = at("a", 2)
    prob = problem(
        [task("a", "r"), task("b", "r"), task("c")],
        requests=[Request(id="c", required=True)],
        current={"a": a0},
        locked=frozenset({"a"}),
    )
    assert rules_of(prob, [a0, at("b", 0), at("c", 0)]) == set()
    assert rules_of(prob, [at("a", 3), at("b", 0), at("c", 0)]) == {Rule.LOCKED_BOOKING}
    assert rules_of(prob, [a0, at("c", 0)]) == {Rule.WHOLE_REQUEST}
    assert rules_of(prob, [a0, at("b", 0)]) == {Rule.REQUIRED_REQUEST}
