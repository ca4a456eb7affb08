"""Shift-staffed runs (rule shift_cover): a run longer than any working window is watched
throughout by a sequence of eligible people, handing over. Every plan is validated."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from solver.construct import construct
from solver.facts import Facts
from solver.model.shifts import shifts_of
from solver.plan import Plan
from solver.problem import Assignment, Person, Request, Shift, Shifts, StaffNeed, Unit
from solver.rules import Rule
from solver.shifts import Window
from solver.validate import validate
from tests.solver.conftest import need, placed, problem, solved, task

# Two operators whose windows interleave: a 0-12 and 20-32, b 10-22 (one slot an hour).
# A 30 h run from 0 is covered a[0,12) -> b[10,22) -> a[20,30): each hand-over is 2 h.
CREW = (
    Person(id="a", role="engineer", available=((0, 12), (20, 32))),
    Person(id="b", role="engineer", available=((10, 22),)),
    Person(id="s", role="student"),  # always there, but never alone on a shift
)


def run(handover: int, duration: int = 30, **kw) -> object:
    shifts = Shifts(need=StaffNeed(role=None), handover=handover)
    return problem(
        [task("run", duration=duration, needs=[need("line")], shifts=shifts, **kw)],
        units=[Unit(id="line")],
        people=CREW,
        horizon=40,
    )


def test_shifts_cover_a_run_no_window_holds():
    plan = solved(run(handover=2), deterministic=True)
    a = plan.assignments["run"]
    assert a.start == 0 and a.people == ()
    assert a.shifts == (
        Shift(person="a", start=0, end=12),
        Shift(person="b", start=10, end=22),
        Shift(person="a", start=20, end=30),
    )


def test_a_longer_hand_over_than_the_windows_overlap_leaves_the_run_out():
    # b would have to arrive at 9 to take over from a at 12 with 3 h: b starts at 10.
    plan = solved(run(handover=3), deterministic=True)
    assert placed(plan) == set()
    reason = plan.unplaced["run"][0]
    assert reason.rule == Rule.SHIFT_COVER and "in shifts" in reason.message


def test_a_run_one_window_holds_takes_one_shift():
    plan = solved(run(handover=2, duration=8), deterministic=True)
    shifts = plan.assignments["run"].shifts
    assert len(shifts) == 1 and shifts[0].end - shifts[0].start == 8


@pytest.mark.parametrize(("busy", "start"), [(False, 0), (True, 2)])
def test_a_shift_person_busy_elsewhere_moves_the_run(busy, start):
    # a must do "other" in 0-2 when busy: a's first shift then starts at 2, and the run with
    # it (a[2,12) -> b[10,22) -> a[20,32) still hands over with 2 h each time).
    tasks = [
        task(
            "run",
            duration=30,
            needs=[need("line")],
            shifts=Shifts(need=StaffNeed(role="engineer"), handover=2),
        )
    ]
    requests = [Request(id="run", required=True)]
    if busy:
        tasks.append(
            task("other", duration=2, deadline=2, staff=(StaffNeed(among=frozenset({"a"})),))
        )
        requests.append(Request(id="other", required=True))
    prob = problem(tasks, units=[Unit(id="line")], people=CREW[:2], requests=requests,
                   horizon=40)  # fmt: skip
    plan = solved(prob, deterministic=True)
    assert plan.assignments["run"].start == start
    assert plan.assignments["run"].shifts[0] == Shift(person="a", start=start, end=12)


def test_the_constructive_plan_places_shift_runs():
    prob = run(handover=2)
    start = construct(prob, Facts(prob), time_limit=2.0, left=lambda: 2.0, deterministic=True)
    assert validate(prob, start.plan) == []
    assert placed(start.plan) == {"run"}


@pytest.mark.parametrize(
    ("shifts", "broken"),
    [
        ((Shift(person="a", start=0, end=12), Shift(person="a", start=20, end=30)), True),
        ((Shift(person="s", start=0, end=30),), True),  # a student alone
        ((Shift(person="a", start=0, end=12), Shift(person="b", start=11, end=22)), True),
        (
            (
                Shift(person="a", start=0, end=12),
                Shift(person="b", start=10, end=22),
                Shift(person="a", start=20, end=30),
            ),
            False,
        ),
    ],
)
def test_the_validator_checks_cover_hand_over_and_eligibility(shifts, broken):
    prob = run(handover=2)
    a = Assignment(task="run", start=0, units=("line",), shifts=shifts)
    rules = {v.rule for v in validate(prob, Plan(assignments={"run": a}))}
    assert (Rule.SHIFT_COVER in rules) is broken, rules


def test_a_shift_outside_the_persons_hours_is_not_available():
    prob = run(handover=0, duration=12)
    a = Assignment(
        task="run", start=4, units=("line",), shifts=(Shift(person="b", start=4, end=16),)
    )
    rules = {v.rule for v in validate(prob, Plan(assignments={"run": a}))}
    assert Rule.PERSON_AVAILABLE in rules


@pytest.mark.parametrize(("b_expires", "fits"), [(None, True), (0, False)])
def test_every_shift_person_holds_the_units_certificate(b_expires, fits):
    # The line needs certified operators and may run outside its 0-10 opening hours: the
    # shifts watch it. Without b's certificate a's windows alone leave 12-20 uncovered.
    certs = {"line": 100 if b_expires is None else b_expires}
    crew = (
        Person(id="a", role="engineer", available=((0, 12), (20, 32)), certs={"line": 100}),
        Person(id="b", role="engineer", available=((10, 22),), certs=certs),
    )
    line = Unit(id="line", kind="line", needs_certified=True, unattended_ok=True, open=((0, 10),))
    shifts = Shifts(need=StaffNeed(role="engineer"), handover=1)
    prob = problem(
        [task("run", duration=30, needs=[need("line")], shifts=shifts)],
        units=[line],
        people=crew,
        horizon=40,
    )
    plan = solved(prob, deterministic=True)
    assert ("run" in plan.assignments) is fits
    if not fits:
        assert plan.unplaced["run"][0].rule == Rule.SHIFT_COVER


def test_a_run_no_window_holds_names_shifts_as_the_way_out():
    # The same 30 h run staffed the old way: a's and b's windows are 12 h at most.
    prob = problem(
        [task("run", duration=30, needs=[need("line")], staff=(StaffNeed(role="engineer"),))],
        units=[Unit(id="line")],
        people=CREW[:2],
        horizon=40,
    )
    plan = solved(prob, deterministic=True)
    reason = plan.unplaced["run"][0]
    assert reason.rule == Rule.PERSON_AVAILABLE
    assert "longer than any working window" in reason.message and "shifts" in reason.message


def test_a_shift_that_covers_nothing_the_others_do_not_is_dropped():
    # Run [0, 20), hand-over 2: a [0,10) hands over to b [8,20), which ends with the run.
    # A solution that also chose c [18,30) (nothing in the objective counts shifts) would
    # call c in for the run's last 2 slots: the plan keeps a and b.
    windows = [Window("a", 0, 10), Window("b", 8, 20), Window("c", 18, 30)]
    chosen = [SimpleNamespace(window=w, lit=w.person) for w in windows]
    task_var = SimpleNamespace(
        shifts=chosen,
        facts=SimpleNamespace(task=SimpleNamespace(shifts=Shifts(need=StaffNeed(), handover=2))),
    )
    assert shifts_of(task_var, lambda lit: True, 0, 20) == (
        Shift(person="a", start=0, end=10),
        Shift(person="b", start=8, end=20),
    )
