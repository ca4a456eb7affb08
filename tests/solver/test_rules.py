"""One pair of tests per hard rule: where it binds (the plan changes or a request is left
out because of it) and where it does not. Every plan goes through the validator.

Most use the makespan objective with required requests, so the optimum is exact; the
left-out cases use the lab objective (scheduled priority first).
"""

from __future__ import annotations

import pytest

from solver.problem import (
    TAIL_LEVELS,
    Budget,
    Mode,
    Person,
    Precedence,
    Request,
    Standing,
    TeamRule,
    Unit,
    Weights,
)
from tests.solver.conftest import at, need, placed, problem, solved, staff, task


def makespan(tasks, **kw):
    """A makespan problem where every request is required."""
    requests = [Request(id=t.request, required=True) for t in tasks]
    return problem(
        tasks, requests=list({r.id: r for r in requests}.values()), objective="makespan", **kw
    )


def start_of(plan, task_id: str) -> int:
    return plan.assignments[task_id].start


# task_window -------------------------------------------------------------------------------


def test_task_window_binds_earliest():
    plan = solved(makespan([task("a", duration=2, earliest=3)]))
    assert start_of(plan, "a") == 3 and plan.objective == 5


def test_task_window_free():
    plan = solved(makespan([task("a", duration=2)]))
    assert start_of(plan, "a") == 0


def test_deadline_orders_tasks_on_one_unit():
    # b must end by 2, so it goes first although a comes first in the input.
    u = Unit(id="u")
    plan = solved(
        makespan(
            [
                task("a", duration=2, needs=[need("u")]),
                task("b", duration=2, needs=[need("u")], deadline=2),
            ],
            units=[u],
        )
    )
    assert start_of(plan, "b") == 0 and start_of(plan, "a") == 2


def test_deadline_too_early_leaves_request_out():
    plan = solved(problem([task("a", duration=3, deadline=2)]))
    assert placed(plan) == set()
    assert plan.unplaced["a"][0].rule == "task_window"


# equipment_eligible, capacity, open, downtime, one_site ----------------------------------


def test_equipment_eligible_picks_a_free_candidate():
    units = [Unit(id="u1"), Unit(id="u2")]
    tasks = [
        task("a", duration=3, needs=[need("u1")]),
        task("b", duration=3, needs=[need("u1", "u2")]),
    ]
    plan = solved(makespan(tasks, units=units))
    assert plan.assignments["b"].units == ("u2",) and plan.objective == 3


def test_equipment_eligible_single_candidate_serialises():
    units = [Unit(id="u1"), Unit(id="u2")]
    tasks = [task("a", duration=3, needs=[need("u1")]), task("b", duration=3, needs=[need("u1")])]
    plan = solved(makespan(tasks, units=units))
    assert plan.objective == 6


@pytest.mark.parametrize(("capacity", "expected"), [(1, 4), (2, 2)])
def test_equipment_capacity(capacity, expected):
    u = Unit(id="u", capacity=capacity)
    tasks = [task(t, duration=2, needs=[need("u")]) for t in "ab"]
    assert solved(makespan(tasks, units=[u])).objective == expected


def test_setup_and_cleanup_extend_the_occupation():
    # Each occupies [start-1, end+1): back to back needs 2 slots between the tasks.
    u = Unit(id="u", setup=1, cleanup=1)
    tasks = [task(t, duration=2, needs=[need("u")], earliest=1) for t in "ab"]
    plan = solved(makespan(tasks, units=[u]))
    starts = sorted(a.start for a in plan.assignments.values())
    assert starts == [1, 5]


def test_equipment_open_binds():
    u = Unit(id="u", open=((5, 10),))
    plan = solved(makespan([task("a", duration=2, needs=[need("u")])], units=[u]))
    assert start_of(plan, "a") == 5


def test_equipment_open_fits_the_first_window_when_it_can():
    u = Unit(id="u", open=((0, 3), (5, 10)))
    plan = solved(makespan([task("a", duration=3, needs=[need("u")])], units=[u]))
    assert start_of(plan, "a") == 0


def test_unattended_run_goes_past_closing_time():
    # Open [0, 4): the 6-slot run only needs its first staffed slot inside the window.
    u = Unit(id="u", open=((0, 4), (10, 14)), unattended_ok=True)
    tasks = [task("a", duration=6, needs=[need("u")], staff_slots=1, earliest=2)]
    assert start_of(solved(makespan(tasks, units=[u])), "a") == 2


def test_attended_run_waits_for_a_long_enough_window():
    u = Unit(id="u", open=((0, 4), (10, 17)), unattended_ok=True)
    tasks = [task("a", duration=6, needs=[need("u")], earliest=2)]
    assert start_of(solved(makespan(tasks, units=[u])), "a") == 10


def test_equipment_downtime_binds():
    u = Unit(id="u", down=((1, 3),), cleanup=1)
    plan = solved(makespan([task("a", duration=2, needs=[need("u")])], units=[u]))
    assert start_of(plan, "a") == 3


def test_equipment_downtime_elsewhere_does_not_bind():
    u = Unit(id="u", down=((10, 12),))
    plan = solved(makespan([task("a", duration=2, needs=[need("u")])], units=[u]))
    assert start_of(plan, "a") == 0


@pytest.mark.parametrize(("site_of_s", "expected_start"), [("south", 4), ("north", 0)])
def test_one_site(site_of_s, expected_start):
    # Need 1 may use s (free) or n1 (busy until 4); need 2 only n2, at the north site.
    units = [Unit(id="n1", site="north"), Unit(id="s", site=site_of_s), Unit(id="n2", site="north")]
    busy = task("busy", duration=4, needs=[need("n1")])
    both = task("both", duration=5, needs=[need("n1", "s"), need("n2")])
    plan = solved(makespan([busy, both], units=units))
    assert start_of(plan, "both") == expected_start


# precedence ------------------------------------------------------------------------------


@pytest.mark.parametrize(("precedences", "expected"), [((), 2), ((("a", "b", 1),), 5)])
def test_precedence(precedences, expected):
    tasks = [task("a", "r", duration=2), task("b", "r", duration=2)]
    precs = tuple(Precedence(before=x, after=y, lag=lag) for x, y, lag in precedences)
    assert solved(makespan(tasks, precedences=precs)).objective == expected


def test_precedence_across_requests_applies_only_when_both_run():
    # b alone fits at 0; with a placed, b starts after a.
    tasks = [task("a", duration=3), task("b", duration=1, deadline=2)]
    prec = (Precedence(before="a", after="b"),)
    plan = solved(problem(tasks, precedences=prec))
    assert placed(plan) in ({"a"}, {"b"})  # never both: b would end after its deadline


# staff -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("people", "fits"), [(1, False), (2, True)])
def test_staff_count(people, fits):
    crew = [Person(id=f"p{i}") for i in range(people)]
    plan = solved(problem([task("a", staff=(staff(count=2),))], people=crew))
    assert ("a" in placed(plan)) is fits
    if fits:
        assert sorted(plan.assignments["a"].people) == ["p0", "p1"]
    else:
        assert plan.unplaced["a"][0].rule == "staff_eligible"


@pytest.mark.parametrize(("level", "fits"), [(1, False), (2, True)])
def test_staff_eligible(level, fits):
    crew = [Person(id="p", skills={"sem": level})]
    plan = solved(problem([task("a", staff=(staff(skill="sem", min_level=2),))], people=crew))
    assert ("a" in placed(plan)) is fits


@pytest.mark.parametrize(("crew", "expected"), [(1, 4), (2, 2)])
def test_person_overlap(crew, expected):
    people = [Person(id=f"p{i}") for i in range(crew)]
    tasks = [task(t, duration=2, staff=(staff(),)) for t in "ab"]
    assert solved(makespan(tasks, people=people)).objective == expected


@pytest.mark.parametrize(("available", "expected"), [(((4, 20),), 4), (None, 0)])
def test_person_available(available, expected):
    people = [Person(id="p", available=available)]
    plan = solved(makespan([task("a", duration=2, staff=(staff(),))], people=people))
    assert start_of(plan, "a") == expected


@pytest.mark.parametrize(("cap", "expected"), [(2, 12), (4, 4)])
def test_person_weekly_cap(cap, expected):
    # Weeks start at 0 and 10: with a cap of 2 the second task waits for the next week.
    people = [Person(id="p", weekly_cap=cap)]
    tasks = [task(t, duration=2, staff=(staff(),)) for t in "ab"]
    plan = solved(makespan(tasks, people=people, week_starts=(0, 10)))
    assert plan.objective == expected


@pytest.mark.parametrize(("travel", "expected"), [(3, 7), (0, 4)])
def test_travel_time(travel, expected):
    units = [Unit(id="n", site="north"), Unit(id="s", site="south")]
    tasks = [
        task("a", duration=2, needs=[need("n")], staff=(staff(),)),
        task("b", duration=2, needs=[need("s")], staff=(staff(),)),
    ]
    prob = makespan(
        tasks, units=units, people=[Person(id="p")], travel={("north", "south"): travel}
    )
    assert solved(prob).objective == expected


@pytest.mark.parametrize(("expiry", "fits"), [(4, False), (5, True)])
def test_certified_operator(expiry, fits):
    # The task can start at 4 at the earliest; the certificate must be valid then.
    u = Unit(id="sem", kind="sem", needs_certified=True)
    crew = [Person(id="p", certs={"sem": expiry})]
    tasks = [task("a", needs=[need("sem")], staff=(staff(),), earliest=4)]
    plan = solved(problem(tasks, units=[u], people=crew))
    assert ("a" in placed(plan)) is fits
    if not fits:
        assert plan.unplaced["a"][0].rule == "certified_operator"


def test_certified_operator_picks_the_certified_person():
    u = Unit(id="sem", kind="sem", needs_certified=True)
    crew = [Person(id="rookie"), Person(id="pro", certs={"sem": 100})]
    plan = solved(
        problem([task("a", needs=[need("sem")], staff=(staff(),))], units=[u], people=crew)
    )
    assert plan.assignments["a"].people == ("pro",)


def test_certified_unit_without_staff_cannot_be_used():
    u = Unit(id="sem", kind="sem", needs_certified=True)
    plan = solved(problem([task("a", needs=[need("sem")])], units=[u]))
    assert placed(plan) == set() and plan.unplaced["a"][0].rule == "certified_operator"


@pytest.mark.parametrize(("senior", "fits"), [(False, False), (True, True)])
def test_student_supervision(senior, fits):
    crew = [Person(id="s1", role="student"), Person(id="s2", role="student")]
    if senior:
        crew.append(Person(id="boss", role="engineer"))
    plan = solved(problem([task("a", staff=(staff(count=2),))], people=crew))
    assert ("a" in placed(plan)) is fits
    if fits:
        assert "boss" in plan.assignments["a"].people


@pytest.mark.parametrize("named", [None, "inv-1", "inv-2"])
def test_a_named_supervisor_supervises_where_the_role_does_not(named):
    """Investors do not supervise students, except the one a student names as supervisor:
    the solver must put exactly that one beside the student, and no one without a name."""
    crew = [
        Person(id="s1", role="student", supervisor=named, skills={"x": 1}),
        Person(id="inv-1", role="investor", supervises=False),
        Person(id="inv-2", role="investor", supervises=False),
    ]
    # Two people: the student (the only one with the skill) and one investor.
    plan = solved(problem([task("a", staff=(staff(skill="x"), staff()))], people=crew))
    if named is None:
        assert placed(plan) == set() and plan.unplaced["a"][0].rule == "student_supervision"
    else:
        assert set(plan.assignments["a"].people) == {"s1", named}


CHEAPEST_FIRST = ("cost", *(level for level in TAIL_LEVELS if level != "cost"))


@pytest.mark.parametrize(("cap", "students"), [(None, 2), (1, 1), (0, 0)])
def test_a_role_cap_keeps_students_off_a_task(cap, students):
    """Three people of any role; students cost nothing, engineers something: the cheapest
    crew has both students and one engineer to supervise them, unless a cap says fewer."""
    crew = [
        Person(id="s1", role="student"),
        Person(id="s2", role="student"),
        Person(id="eng", role="engineer", cost_per_slot=5),
        Person(id="tech", role="engineer", cost_per_slot=7),
        Person(id="boss", role="engineer", cost_per_slot=9),
    ]
    at_most = {} if cap is None else {"student": cap}
    tasks = [task("a", staff=(staff(count=3),), at_most=at_most)]
    plan = solved(
        problem(tasks, people=crew, weights=Weights(cost=1, order=CHEAPEST_FIRST)),
        deterministic=True,
    )
    people = plan.assignments["a"].people
    assert sum(1 for p in people if p.startswith("s")) == students
    assert "eng" in people


def test_a_cap_below_what_the_needs_ask_leaves_the_task_out_with_the_rule():
    crew = [Person(id=f"s{i}", role="student") for i in range(3)] + [Person(id="boss")]
    tasks = [task("a", staff=(staff(count=2, role="student"), staff()), at_most={"student": 1})]
    plan = solved(problem(tasks, people=crew))
    assert placed(plan) == set() and plan.unplaced["a"][0].rule == "role_cap"


@pytest.mark.parametrize(("technician", "fits"), [(False, False), (True, True)])
def test_team_composition(technician, fits):
    crew = [Person(id="eng", role="engineer")]
    if technician:
        crew.append(Person(id="tech", role="technician"))
    rule = TeamRule(id="t", min_roles={"technician": 1})
    tasks = [task("a", "r", staff=(staff(),), team="t"), task("b", "r", staff=(staff(),), team="t")]
    plan = solved(problem(tasks, people=crew, teams=(rule,)))
    assert (placed(plan) == {"a", "b"}) is fits
    if fits:
        assert any("tech" in a.people for a in plan.assignments.values())


# requests, locks, budgets, modes -----------------------------------------------------------


def test_whole_request_leaves_all_tasks_out():
    # b can never fit (3 slots before a deadline of 2), so a is left out with it.
    tasks = [task("a", "r", duration=1), task("b", "r", duration=3, deadline=2)]
    plan = solved(problem(tasks))
    assert placed(plan) == set() and "r" in plan.unplaced


def test_whole_request_places_all_tasks():
    tasks = [task("a", "r", duration=1), task("b", "r", duration=3)]
    assert placed(solved(problem(tasks))) == {"a", "b"}


def test_locked_booking_binds():
    # a is locked at 0..3 on the unit; b (higher priority) must wait although it could go first.
    u = Unit(id="u")
    tasks = [task("a", duration=3, needs=[need("u")]), task("b", duration=3, needs=[need("u")])]
    current = {"a": at("a", 2, units=["u"])}
    prob = problem(
        tasks,
        units=[u],
        requests=[Request(id="b", priority=5)],
        current=current,
        locked=frozenset({"a"}),
    )
    plan = solved(prob)
    assert plan.assignments["a"] == current["a"] and start_of(plan, "b") == 5


def test_unlocked_current_booking_may_move():
    u = Unit(id="u")
    tasks = [
        task("a", duration=3, needs=[need("u")]),
        task("b", duration=3, needs=[need("u")], deadline=3),
    ]
    prob = problem(tasks, units=[u], current={"a": at("a", 0, units=["u"])})
    plan = solved(prob)  # keeping a at 0 would leave b out; scheduling both moves a
    assert placed(plan) == {"a", "b"} and start_of(plan, "a") == 3


@pytest.mark.parametrize(("limit", "fits"), [(5, False), (6, True)])
def test_budget(limit, fits):
    u = Unit(id="u", cost_per_slot=3)
    tasks = [task("a", duration=2, needs=[need("u")], budget="b")]
    plan = solved(problem(tasks, units=[u], budgets=(Budget(id="b", limit=limit),)))
    assert ("a" in placed(plan)) is fits


def test_mode_consumption_counts_towards_its_budget():
    # a then c. Both fast: makespan 2 but consumes 6 > 4; fast + cheap: 5, consumes 4;
    # both cheap: 8. So exactly one fast mode, makespan 5.
    cheap = Mode(duration=4, consumes={"b": 1})
    fast = Mode(duration=1, consumes={"b": 3})
    tasks = [task("a", "r", modes=[fast, cheap]), task("c", "r", modes=[fast, cheap])]
    prec = (Precedence(before="a", after="c"),)
    plan = solved(makespan(tasks, budgets=(Budget(id="b", limit=4),), precedences=prec))
    assert sorted(a.mode for a in plan.assignments.values()) == [0, 1]
    assert plan.objective == 5


@pytest.mark.parametrize(("limit", "expected"), [(6, 2), (4, 5)])
def test_budget_binds_on_consumption(limit, expected):
    cheap = Mode(duration=4, consumes={"b": 1})
    fast = Mode(duration=1, consumes={"b": 3})
    tasks = [task("a", "r", modes=[fast, cheap]), task("c", "r", modes=[fast, cheap])]
    prec = (Precedence(before="a", after="c"),)
    plan = solved(makespan(tasks, budgets=(Budget(id="b", limit=limit),), precedences=prec))
    assert plan.objective == expected


def test_mode_choice_takes_the_quicker_free_mode():
    units = [Unit(id="slow"), Unit(id="fast")]
    busy = task("busy", duration=5, needs=[need("fast")])
    flex = task(
        "flex",
        modes=[Mode(duration=3, needs=(need("slow"),)), Mode(duration=1, needs=(need("fast"),))],
    )
    plan = solved(makespan([busy, flex], units=units))
    assert plan.assignments["flex"].mode == 0 and plan.objective == 5


def test_team_members_outside_the_problem_count_towards_its_roles():
    # The team needs a researcher; only an engineer can work on its task, but a researcher
    # is on the team already through a booking kept outside the problem.
    people = [
        Person(id="eng", role="industry engineer"),
        Person(id="res", role="source researcher"),
    ]
    tasks = [task("a", duration=2, staff=(staff(role="industry engineer"),), team="t")]
    rule = TeamRule(id="t", min_roles={"source researcher": 1})
    alone = solved(problem(tasks, people=people, teams=(rule,)))
    assert placed(alone) == set()
    with_member = TeamRule(id="t", min_roles={"source researcher": 1}, members={"res"})
    plan = solved(problem(tasks, people=people, teams=(with_member,)))
    assert placed(plan) == {"a"}


def test_a_waiting_request_taking_free_room_keeps_its_teams_rule():
    # Waiting requests are placed into free room outside CP-SAT. The team needs a researcher:
    # only "a" brings one, and it loses the unit to the higher-priority "c" (one of them fits
    # in the horizon). The waiting "b" fits on its own unit, but alone it would leave the
    # team without its researcher, so it stays out.
    people = [
        Person(id="eng", role="industry engineer"),
        Person(id="res", role="source researcher"),
    ]
    units = [Unit(id="u"), Unit(id="v")]
    tasks = [
        task(
            "a", duration=4, needs=[need("u")], staff=(staff(role="source researcher"),), team="t"
        ),
        task("c", duration=4, needs=[need("u")]),
        task(
            "b", duration=2, needs=[need("v")], staff=(staff(role="industry engineer"),), team="t"
        ),
    ]
    requests = [
        Request(id="a", priority=1),
        Request(id="c", priority=5),
        Request(id="b", priority=3, standing=Standing.WAITING),
    ]
    rule = TeamRule(id="t", min_roles={"source researcher": 1})
    prob = problem(tasks, units=units, people=people, teams=(rule,), requests=requests, horizon=6)
    assert placed(solved(prob)) == {"c"}
